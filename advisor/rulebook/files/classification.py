"""What classification.yaml, evidence.yaml and taxonomies.yaml may hold."""

from __future__ import annotations

from advisor.rulebook.files.ids import HSN, ID
from advisor.rulebook.model import SOURCES
from advisor.rulebook.shapes import Bool, Enum, Field, ListOf, MapOf, Num, Obj, Str

_CONTEXT = Field(
    ListOf(
        Obj(
            {
                "words": Field(ListOf(Str(), min_items=1), True),
                "vertical": Field(Enum(source="verticals"), True),
            }
        )
    ),
    False,
    "with any of `words` in the row, this vertical's words mean `vertical`",
)

_CUSTOMISED = Field(
    Obj(
        {
            "keywords": Field(
                ListOf(Str(), unique=True), False, "title words of a made-to-order unit"
            ),
            "unless": Field(
                ListOf(Str(), unique=True),
                False,
                "words that say the row is not personalised (a laser engraving machine)",
            ),
        }
    ),
    False,
    "words that mark a personalised unit (evidence.yaml `customised` says what becomes of it)",
)

_VAGUE = Field(
    ListOf(Str(), unique=True),
    False,
    "whole category segments that are merchandising buckets (New Arrivals, Sale, Gifts): "
    "they carry no weight and the segment above them counts as the deepest",
)

CLASSIFICATION_SHAPE = Obj(
    {
        "value_bands": Field(
            ListOf(ID, min_items=1, unique=True), True, "band names, lowest first"
        ),
        "fallback_vertical": Field(
            Enum(source="verticals"), True, "vertical for a SKU no signal identifies"
        ),
        "signals": Field(Obj({"customised": _CUSTOMISED})),
        "verticals": Field(
            MapOf(
                Obj(
                    {
                        "label": Field(Str(), True, "name shown to people"),
                        "hsn": Field(
                            ListOf(HSN, unique=True), False, "HSN chapter/heading prefixes"
                        ),
                        "categories": Field(
                            ListOf(Str(), unique=True),
                            False,
                            "category-path words, Shopify type or tags",
                        ),
                        "keywords": Field(
                            ListOf(Str(), unique=True), False, "title words or phrases"
                        ),
                        "weak": Field(
                            ListOf(Str(), unique=True),
                            False,
                            "title words that yield to any specific word (a dosage form)",
                        ),
                        "strong": Field(
                            ListOf(Str(), unique=True),
                            False,
                            "title words that outweigh a category (e-book, gift card)",
                        ),
                        "patterns": Field(
                            ListOf(Str(), unique=True),
                            False,
                            "regular expressions on the lower-case title",
                        ),
                        "unless": Field(
                            ListOf(Str(), unique=True),
                            False,
                            "words that, anywhere in the row, cancel this vertical's words",
                        ),
                        "requires": Field(
                            ListOf(Str(), unique=True),
                            False,
                            "words one of which must be in the row for this vertical's words to count",
                        ),
                        "context": _CONTEXT,
                        "stays": Field(
                            ListOf(Str(), unique=True),
                            False,
                            "words that, anywhere in the row, keep this vertical's words where "
                            "they are whatever its context says (a dash cam beside 'car')",
                        ),
                        "stock": Field(
                            Bool(),
                            False,
                            "false: not stock (the policy may decide `none` for it)",
                        ),
                        "value_bands": Field(
                            MapOf(Num(minimum=0), key=Enum(source="value_bands")),
                            True,
                            "lower bound of each band in the base currency",
                        ),
                        "typical_band": Field(
                            Enum(source="value_bands"),
                            False,
                            "the band a row with no price is decided in: a typical item of "
                            "this vertical (one of its value_bands; default the lowest)",
                        ),
                    }
                ),
                key=ID,
            ),
            True,
        ),
    }
)

EVIDENCE_SHAPE = Obj(
    {
        "sources": Field(
            Obj({s: Field(Num(minimum=0), True) for s in SOURCES}),
            True,
            "weight of one hit of each source; listed strongest first (the precedence)",
        ),
        "multipliers": Field(
            Obj(
                {
                    "strong": Field(Num(minimum=0), True, "factor of a `strong` title word"),
                    "weak": Field(Num(minimum=0), True, "factor of a `weak` title word"),
                }
            ),
            True,
        ),
        "confidence": Field(
            Obj(
                {
                    level: Field(
                        Obj(
                            {
                                "score": Field(Num(minimum=0), True),
                                "lead": Field(Num(minimum=0), True),
                            }
                        ),
                        True,
                    )
                    for level in ("high", "medium")
                }
            ),
            True,
            "winner's score and lead over the runner-up for high / medium; else low",
        ),
        "nature": Field(
            MapOf(
                Obj(
                    {
                        "vertical": Field(Enum(source="verticals"), False),
                        "prefer": Field(ListOf(Enum(source="verticals"), unique=True), False),
                        "otherwise": Field(Enum(source="verticals", nullable=True), False),
                    }
                ),
                key=ID,
            ),
            True,
            "what a nature word from the file (gift_card, no_shipping, ...) proves",
        ),
        "customised": Field(
            Obj(
                {
                    "vertical": Field(Enum(source="verticals"), True),
                    "keep": Field(ListOf(Enum(source="verticals"), unique=True), False),
                }
            ),
            True,
            "personalised goods become `vertical` unless their vertical is in `keep`",
        ),
        "neutral": Field(ListOf(Str(), unique=True), False, "phrases that point at no vertical"),
        "vague_segments": _VAGUE,
        "qualifier_segments": Field(
            ListOf(Str(), unique=True),
            False,
            "whole category segments that qualify the segment above them (Sport, Garden, Kitchen "
            "under Watches, Furniture, Appliances): the segment above counts as the deepest",
        ),
    }
)

TAXONOMIES_SHAPE = Obj(
    {
        "paths": Field(
            MapOf(ListOf(Str(), unique=True), key=Enum(source="verticals")),
            True,
            "standard taxonomy paths (A > B > C) by vertical; the longest listed prefix wins",
        ),
        "either": Field(
            MapOf(ListOf(Enum(source="verticals"), min_items=1, unique=True)),
            False,
            "paths whose vertical the row's other evidence chooses among these (first by default)",
        ),
        "google_ids": Field(
            MapOf(ListOf(Num(minimum=1, integer=True), unique=True), key=Enum(source="verticals")),
            False,
            "Google product taxonomy ids by vertical",
        ),
    }
)

_WORDS_HELP = {
    "categories": "category-path words, product type or tags in this language",
    "keywords": "title words or phrases in this language",
    "weak": "title words that yield to any specific word (a dosage form)",
    "strong": "title words that outweigh a category (e-book, gift card)",
    "unless": "words that, anywhere in the row, cancel this vertical's words",
    "requires": "words one of which must be in the row for this vertical's words to count",
    "stays": "words that keep this vertical's words where they are, whatever its context says",
}

LANGUAGES_SHAPE = Obj(
    {
        "languages": Field(
            MapOf(
                Obj(
                    {
                        "name": Field(Str(), True, "the language's name, shown to people"),
                        "vague_segments": _VAGUE,
                        "signals": Field(
                            Obj({"customised": _CUSTOMISED}),
                            False,
                            "signals' words in this language (as classification.yaml `signals`)",
                        ),
                        "verticals": Field(
                            MapOf(
                                Obj(
                                    {
                                        **{
                                            key: Field(ListOf(Str(), unique=True), False, text)
                                            for key, text in _WORDS_HELP.items()
                                        },
                                        "context": _CONTEXT,
                                    }
                                ),
                                key=Enum(source="verticals"),
                            ),
                            True,
                            "each vertical's words in this language (as in classification.yaml)",
                        ),
                    }
                ),
                key=ID,
            ),
            True,
            "one block per language, keyed by its code (es, pt, de, ...)",
        ),
    }
)

__all__ = ["CLASSIFICATION_SHAPE", "EVIDENCE_SHAPE", "LANGUAGES_SHAPE", "TAXONOMIES_SHAPE"]
