"""Reading one answer to an onboarding question: amounts (₹1.5 lakh, 20k a month), percents, yes/no, choices.

Every parser either returns the JSON-able value the answer stands for or raises `InvalidAnswer`
with a message saying what would be valid, in the question's own words.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.advice.questions import Option, Question
    from advisor.catalog.columns import ColumnTable

_ANSWERS_NO = {"yes_no", "choice", "multi_choice", "text"}
_SKIP_WORDS = {"skip", "later", "not sure", "don't know", "dont know"}
_NOTHING_WORDS = {"none", "no", "n/a", "na", "-"}  # also mean "skip", where they can't be answers
_YES = {"y", "yes", "yeah", "yep", "yup", "sure", "true", "haan", "han", "ha", "ok", "of course"}
_NO = {"n", "no", "nope", "nah", "false", "nahi", "never", "not really"}


class InvalidAnswer(ValueError):
    """An answer that does not fit its question; the message says what would."""


def parse_value(q: Question, text: str) -> Any:
    """`text` read as a value of `q`'s kind alone: no default, no skip words (a default's check)."""
    from dataclasses import replace

    return _PARSERS[q.kind](replace(q, default=None), _clean(text))


def parse_answer(q: Question, text: str, *, columns: ColumnTable | None = None) -> Any:
    """The JSON-able value `text` stands for as an answer to `q`, or `InvalidAnswer`.

    `columns` is the rulebook's column table a catalog answer is read with (`check_catalog`);
    None reads `columns.yaml` again."""
    raw = _clean(text)
    if raw == "" and q.default is not None:
        raw = _clean(q.default)
    if q.optional and (raw == "" or raw.lower() in _SKIP_WORDS):
        return None
    if q.optional and q.kind not in _ANSWERS_NO and raw.lower() in _NOTHING_WORDS:
        return None
    if raw == "":
        raise InvalidAnswer(_expectation(q))
    if q.kind == "path":
        return _parse_path(q, raw, columns)
    return _PARSERS[q.kind](q, raw)


_CURRENCY = re.compile(r"₹|\brs\.?|\binr\b|\$|\busd\b|€|£", re.IGNORECASE)
_HEDGES = re.compile(
    r"^(?:about|around|roughly|approx\.?|approximately|maybe|typically|~|between)\s*", re.IGNORECASE
)
_PER_MONTH = re.compile(r"\s*(?:a|per|/|every)\s*month$|\s*monthly$|\s*pm$", re.IGNORECASE)
_AMOUNT = re.compile(
    r"((?:\d+(?:\.\d+)?|\.\d+)(?:e\+?\d+)?)\s*(k|thousand|l|lakhs?|lacs?|cr|crores?|m|mn|million)?",
    re.IGNORECASE,
)  # "1e9" is 1,000,000,000 as much as "1000000000" is
_NEGATIVE = re.compile(r"^\s*(?:[-−–]|minus\b)", re.IGNORECASE)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6}
_MULTIPLIERS |= dict.fromkeys(("l", "lakh", "lakhs", "lac", "lacs"), 1e5)
_MULTIPLIERS |= dict.fromkeys(("cr", "crore", "crores"), 1e7)


def _clean(text: str) -> str:
    return " ".join(str(text).split()).strip()


def _amount(text: str) -> tuple[float, float] | None:
    """(number, multiplier) from '3,000', '1.5k', '2 lakh', '₹500/-'; None if it is not one."""
    t = _CURRENCY.sub("", text).replace("/-", "").replace(",", "").strip()
    m = _AMOUNT.fullmatch(t)
    if not m:
        return None
    return float(m.group(1)), _MULTIPLIERS.get((m.group(2) or "").lower(), 1.0)


def _number_text(q: Question, raw: str) -> float | None:
    t = _HEDGES.sub("", raw.lower())
    t = _PER_MONTH.sub("", t).strip()
    if q.unit and t.endswith(q.unit.lower()):
        t = t[: -len(q.unit)].strip()
    found = _amount(t)
    return None if found is None else found[0] * found[1]


def _expectation(q: Question) -> str:
    example = q.suggestions[0] if q.suggestions else (q.default or "")
    like = f", like {example}" if example else ""
    if q.kind == "integer":
        return f"Please give a whole number{f' of {q.unit}' if q.unit else ''}{_limits(q)}{like}"
    if q.kind == "number":
        return f"Please give a number{f' of {q.unit}' if q.unit else ''}{_limits(q)}{like}"
    if q.kind == "percent":
        if q.unit:
            article = "An" if q.unit[0].lower() in "aeiou" else "A"
            return f"{article} {q.unit} is a percentage between 0 and 100, like 8%"
        return "Please give a percentage between 0 and 100, like 8%"
    if q.kind == "yes_no":
        return "Please answer yes or no"
    if q.kind == "range":
        return "Please give a price range like 500-3000, or one typical price like 1200"
    if q.kind == "path":
        skip = ", or say skip" if q.optional else ""
        return f"Please give the path to a file, like ~/Downloads/products.csv{skip}"
    if q.kind == "choice":
        return f"Pick one of: {_numbered(q)}"
    if q.kind == "multi_choice":
        return f"Pick one or more of: {_numbered(q)}"
    return "Please type an answer"


def _limits(q: Question) -> str:
    low, high = q.minimum, q.maximum
    if low is not None and high is not None:
        return f" from {low:,g} to {high:,g}"
    if low is not None:
        return f" of at least {low:,g}" if low else ""
    return f" up to {high:,g}" if high is not None else ""


def _numbered(q: Question) -> str:
    return ", ".join(f"{i} {o.label}" for i, o in enumerate(q.options, 1))


def _in_limits(q: Question, value: float) -> bool:
    return (q.minimum is None or value >= q.minimum) and (q.maximum is None or value <= q.maximum)


def _parse_text(q: Question, raw: str) -> str:
    if len(raw) > 200:
        raise InvalidAnswer("That's a little long; 200 characters at most, please")
    return raw


def _parse_integer(q: Question, raw: str) -> int:
    value = _number_text(q, raw)
    if value is None or value != int(value) or not _in_limits(q, value):
        raise InvalidAnswer(_expectation(q))
    return int(value)


def _parse_number(q: Question, raw: str) -> int | float:
    value = _number_text(q, raw)
    if value is None or not _in_limits(q, value):
        raise InvalidAnswer(_expectation(q))
    return int(value) if value == int(value) else value


def _parse_percent(q: Question, raw: str) -> float:
    """A share from '8%', '8 percent' or '8'; a bare number below 1 ('0.08') is already a share."""
    t = _HEDGES.sub("", raw.lower()).strip()
    sign = re.search(r"\s*(%|percent|per cent|pct)$", t)
    if sign:
        t = t[: sign.start()].strip()
    found = _amount(t) if re.fullmatch(r"\d*\.?\d+", t) else None
    if found is None:
        raise InvalidAnswer(_expectation(q))
    value = found[0]
    share = value if (value < 1 and not sign) else value / 100
    if not 0 <= share <= 1:
        raise InvalidAnswer(_expectation(q))
    return round(share, 6)


def _parse_yes_no(q: Question, raw: str) -> bool:
    t = raw.lower().strip(" .!")
    if t in _YES:
        return True
    if t in _NO:
        return False
    raise InvalidAnswer(_expectation(q))


def _match_option(q: Question, token: str) -> Option | None:
    t = token.strip(" .").lower()
    if not t:
        return None
    if t.isdigit():
        n = int(t)
        return q.options[n - 1] if 1 <= n <= len(q.options) else None
    for o in q.options:
        if t in {o.value.lower(), o.label.lower(), o.value.replace("_", " ").lower()}:
            return o
    starts = [o for o in q.options if o.label.lower().startswith(t)] if len(t) >= 2 else []
    return starts[0] if len(starts) == 1 else None


def _parse_choice(q: Question, raw: str) -> str:
    option = _match_option(q, raw)
    if option is None:
        raise InvalidAnswer(f"'{raw}' isn't one of the choices. {_expectation(q)}")
    return option.value


_CONNECTIVES = re.compile(r"^\s*(?:and|or|&|\+)(?:\s+|$)|\s+(?:and|or|&|\+)\s*$", re.IGNORECASE)


def _parse_multi_choice(q: Question, raw: str) -> list[str]:
    """Chosen values, in option order, from labels, values or numbers separated by , ; and /."""
    chosen: set[str] = set()
    rest = raw
    for option in sorted(q.options, key=lambda o: -len(o.label)):  # labels may hold commas
        label = re.compile(rf"(?<!\w){re.escape(option.label)}(?!\w)", re.IGNORECASE)
        if label.search(rest):
            chosen.add(option.value)
            rest = label.sub(",", rest)
    for piece in (_CONNECTIVES.sub("", p).strip() for p in re.split(r"[,;]", rest)):
        option = _match_option(q, piece) if piece else None
        if option is not None or not piece:
            chosen |= {option.value} if option else set()
            continue
        words = [w for w in re.split(r"\s+(?:and|or|&|\+)\s+|\s*/\s*|\s+(?=\d)", piece) if w]
        matched = [_match_option(q, w) for w in words]
        if len(words) < 2 or None in matched:
            bad = next((w for w, m in zip(words, matched, strict=True) if m is None), piece)
            raise InvalidAnswer(f"'{bad}' isn't one of the choices. {_expectation(q)}")
        chosen |= {m.value for m in matched if m is not None}
    if not chosen:
        raise InvalidAnswer(_expectation(q))
    exclusive = [o for o in q.options if o.exclusive and o.value in chosen]
    if exclusive and len(chosen) > 1:
        raise InvalidAnswer(f"'{exclusive[0].label}' can't be combined with other choices")
    return [o.value for o in q.options if o.value in chosen]


def _parse_range(q: Question, raw: str) -> list[float]:
    """[low, high] from '500-3000', '₹500 to ₹3,000', '1.5k-4k', 'under 500' or one price."""
    t = _HEDGES.sub("", raw.lower().replace("/-", "")).strip()
    if _NEGATIVE.match(_CURRENCY.sub("", t)):
        raise InvalidAnswer("A price can't be below zero. " + _expectation(q))
    upper = re.match(r"^(?:under|below|up to|upto|less than|<)\s*(.+)$", t)
    lower = re.match(r"^(?:over|above|more than|>)\s*(.+)$|^(.+?)\s*\+$", t)
    if upper:
        parts = ["0", upper.group(1)]
    elif lower:
        parts = [lower.group(1) or lower.group(2)]
    else:
        parts = [p for p in re.split(r"\s*(?:-|–|—|\bto\b|\band\b)\s*", t) if p]
    amounts = [a for a in map(_amount, parts) if a is not None]
    if len(amounts) != len(parts) or not 1 <= len(amounts) <= 2:
        raise InvalidAnswer(_expectation(q))
    (lo, lo_mult), (hi, hi_mult) = amounts[0], amounts[-1]
    if lo_mult == 1 and hi_mult > 1 and 0 < lo < 100 and lo <= hi:
        lo_mult = hi_mult  # "1.5-4k" means 1.5k to 4k, while "500-3k" stays 500 to 3,000
    low, high = sorted((round(lo * lo_mult, 2), round(hi * hi_mult, 2)))
    if high <= 0:
        raise InvalidAnswer(_expectation(q))
    return [low, high]


def _parse_path(q: Question, raw: str, columns: ColumnTable | None = None) -> str:
    p = Path(raw.strip("'\"")).expanduser()
    if p.is_dir():
        raise InvalidAnswer(f"{p} is a folder; give the catalog file inside it")
    if not p.is_file():
        skip = ", or say skip to add it later" if q.optional else ""
        raise InvalidAnswer(f"There's no file at {p}. Check the path{skip}")
    from advisor.advice.questions import CATALOG_PATH

    if q.profile_field == CATALOG_PATH:
        check_catalog(p, columns, optional=q.optional)
    return str(p.resolve())


def check_catalog(p: Path, columns: ColumnTable | None = None, *, optional: bool = False) -> None:
    """Refuse a file the catalog readers cannot read (a README, a spreadsheet, a photo) now,
    not after the questions, on an empty recommendation: open it and read its first rows.

    `columns` is the column table the catalog will be decided with (`Rulebook.columns`): given,
    the check reads what deciding reads, and does not parse `columns.yaml` again (half of the
    check's time). `optional` says the question may be skipped, and the refusal says so."""
    from advisor.catalog import open_catalog
    from advisor.catalog.records import SkuRecord
    from advisor.errors import CatalogError

    skip = " (or say skip to add it later)" if optional else ""
    expected = "a CSV, a Shopify or WooCommerce export, JSON or JSON Lines with a SKU column"
    try:
        with open_catalog(p, table=columns) as reader:
            for n, item in enumerate(reader):
                if isinstance(item, SkuRecord):
                    return
                if n >= 200:
                    break
    except CatalogError as err:
        reason = err.message.removeprefix(f"{p}: ")  # its hint speaks of CLI options
        raise InvalidAnswer(
            f"{p.name} isn't a catalog I can read: {reason}. Give {expected}{skip}"
        ) from None
    except (OSError, UnicodeError, ValueError) as err:
        raise InvalidAnswer(f"{p.name} can't be read ({err}). Give {expected}{skip}") from None
    raise InvalidAnswer(f"{p.name} has no product rows I can read. Give {expected}{skip}")


_PARSERS = {
    "text": _parse_text,
    "number": _parse_number,
    "integer": _parse_integer,
    "percent": _parse_percent,
    "yes_no": _parse_yes_no,
    "choice": _parse_choice,
    "multi_choice": _parse_multi_choice,
    "range": _parse_range,
    "path": _parse_path,
}


def _money(amount: float) -> str:
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"


__all__ = ["InvalidAnswer", "check_catalog", "parse_answer", "parse_value"]
