"""`languages.yaml`: each vertical's words in more languages, merged and checked with the rest."""

from __future__ import annotations

import pytest
import yaml
from advisor_helpers import RULES

from advisor.errors import RulebookError
from advisor.rulebook.load import load_rulebook
from advisor.rulebook.words import norm


def test_every_language_block_names_its_language_and_known_verticals():
    """Ten languages and more, each with a name, every vertical one classification.yaml has."""
    doc = yaml.safe_load((RULES / "languages.yaml").read_text(encoding="utf-8"))
    cls = yaml.safe_load((RULES / "classification.yaml").read_text(encoding="utf-8"))
    langs = doc["languages"]
    assert set("es pt fr de it nl pl id ms vi tr sv cs sk da nb hu ro".split()) <= set(langs)
    for code, lang in langs.items():
        assert lang["name"], code
        assert set(lang["verticals"]) <= set(cls["verticals"]), code


def test_language_words_join_their_verticals(book):
    """A word of languages.yaml is one of its vertical's words, compared as any other (folded)."""
    v = book.classification.verticals
    assert norm("Kopfhörer") in v["electronics"].keywords
    assert norm("karma dla psa") in v["pet_food"].strong  # what the pack holds outweighs the shelf
    assert norm("bañado en oro") in v["fashion_jewellery"].strong
    assert norm("anillo") in v["fine_jewellery"].requires
    assert norm("cinturino per orologio") in v["watches"].unless
    assert (
        norm("hörlurar") in v["electronics"].keywords
        and norm("presentkort") in v["gift_cards"].strong
    )
    assert norm("sluchátka") in v["electronics"].keywords
    assert norm("krmivo pre psov") in v["pet_food"].strong


def test_a_word_already_listed_keeps_its_list(book):
    """French "déodorant" folds onto beauty's weak "deodorant": it stays weak, not a keyword too."""
    beauty = book.classification.verticals["beauty"]
    assert "deodorant" in beauty.weak and "deodorant" not in beauty.keywords


def test_language_context_words_join_the_verticals_context(book):
    """ "perro" moves toy words to pet supplies exactly as "dog" does (one context entry)."""
    toys = dict((target, words) for words, target in book.classification.verticals["toys"].context)
    assert {"dog", "perro", "hund", "kucing"} <= set(toys["pet_supplies"])


def refused(rules_copy, old: str, new: str, file: str = "languages.yaml") -> tuple[int, str]:
    """Edit `file` (`old` → `new`): the line edited and the problems the load reports."""
    line = rules_copy.edit(file, old, new)
    with pytest.raises(RulebookError) as err:
        load_rulebook(rules_copy.root)
    return line, str(err.value)


def test_a_word_under_two_verticals_across_files_is_one_error_naming_both(rules_copy):
    """A keyword in languages.yaml that classification.yaml gives another vertical: file:line twice."""
    line, text = refused(
        rules_copy, "keywords: [leche, queso,", "keywords: [zapatos, leche, queso,"
    )
    assert f"languages.yaml:{line}: languages.es.verticals.food.keywords: keyword 'zapatos'" in text
    assert "is also listed under footwear.keywords" in text and "classification.yaml:" in text


def test_one_word_given_two_weights_across_files_is_an_error_naming_both(rules_copy):
    """classification.yaml's strong "multivitamin" listed again as a plain Spanish keyword of
    supplements: one of the two weights would win silently, so the check names both places."""
    line, text = refused(
        rules_copy,
        "keywords: [suplemento, suplemento alimenticio,",
        "keywords: [multivitamin, suplemento, suplemento alimenticio,",
    )
    assert f"languages.yaml:{line}: languages.es.verticals.supplements.keywords" in text
    assert "'multivitamin' is also listed under supplements.strong (" in text
    assert "classification.yaml:" in text and "a title word has one weight" in text


def test_two_languages_giving_one_folded_word_two_verticals_is_an_error(rules_copy):
    """Spanish "panela" (sugar) and a Portuguese "panela" (pot) fold alike: the check says so."""
    _, text = refused(
        rules_copy, "frigideira, panela antiaderente,", "frigideira, panela, panela antiaderente,"
    )
    assert "keyword 'panela' is also listed under food.keywords" in text


def test_an_accented_and_a_plain_spelling_are_the_same_word(rules_copy):
    """ "Zapatós" under food is "zapatos" under footwear once accents fold: listed twice."""
    _, text = refused(rules_copy, "keywords: [leche, queso,", "keywords: [zapatós, leche, queso,")
    assert "keyword 'zapatós' is also listed under footwear.keywords" in text


def test_a_vertical_the_rulebook_lacks_is_refused_with_its_line(rules_copy):
    """A language block naming an unknown vertical: the schema check names file, line and choices."""
    old = "      mobile_phones:\n        categories: [teléfonos"
    line, text = refused(rules_copy, old, old.replace("mobile_phones", "mobile_phone"))
    assert f"languages.yaml:{line}" in text and "mobile_phone" in text


def test_a_rules_folder_without_languages_yaml_still_loads(rules_copy):
    """The file is optional: an older rules folder loads, with only classification.yaml's words."""
    (rules_copy.root / "languages.yaml").unlink()
    book = load_rulebook(rules_copy.root)
    assert "kopfhorer" not in book.classification.verticals["electronics"].keywords
    assert all(not f.endswith("languages.yaml") for f in book.files)


FUNCTION_WORDS = {
    "en": "the a an and or of for with to in on at by from as is it its this that your my our "
    "new set pack kit size pro max mini plus free one two men women kids",
    "es": "el la los las un una unos unas y o de del al en con sin para por que se su sus te le "
    "lo mi tu es muy mas más así como este esta",
    "pt": "o a os as um uma uns umas e ou de do da dos das ao aos à às em no na nos nas com sem "
    "para por que se sua seu suas seus te lhe é mais",
    "fr": "le la les un une des et ou de du au aux en dans avec sans pour par que qui se sa son "
    "ses te est plus",
    "de": "der die das den dem des ein eine einer und oder mit ohne für von zu im in am an auf "
    "aus bei ist sie er es",
    "it": "il lo la i gli le un una uno e o di del della dei delle al alla in con senza per da "
    "che si sua suo te è più",
    "nl": "de het een en of van voor met zonder op in aan uit bij is te",
    "pl": "i w z na do dla od po o a ze we to jest ma się nie",
    "id": "dan atau dengan untuk dari di ke yang ini itu isi pcs buah",
    "vi": "và cho của có là các những một hai ba cái chiếc bộ hộp gói sản phẩm giá rẻ đẹp mới "
    "chính hãng nam nữ bé",
    "tr": "ve ile için bir iki bu şu en çok adet",
    "sv": "och eller med utan för till av på i om från som den det en ett är har inte st styck ny "
    "nya stor liten dam herr barn",
    "cs": "a i nebo s se z ze na do pro od po v ve k ke u o je jsou ks kus nový nová nové velký "
    "malý dámský pánský dětský",
    "sk": "a i alebo s so z zo na do pre od po v vo k ku u o je sú ks kus nový nová nové veľký "
    "malý dámsky pánsky detský",
    "da": "og eller med uden for til af på i om fra som den det en et er har ikke stk styk ny "
    "nye stor lille dame herre børn",
    "nb": "og eller med uten for til av på i om fra som den det en et er har ikke stk stykk ny "
    "nye stor liten dame herre barn",
    "hu": "a az egy és vagy is nem van meg ha mint ez db darab új nagy kis női férfi gyerek",
    "ro": "și sau cu fără pentru de la din în pe un o al este sunt buc bucată nou nouă mare "
    "mic femei bărbați copii",
}


def function_word_hits(book) -> list[str]:
    """Every listed word (vertical words, personalised-goods words) that is a function word."""
    common = {norm(w): lang for lang, words in FUNCTION_WORDS.items() for w in words.split()}
    hits = [
        f"{v.id}.{kind}: {term!r} is {common[term]} for a function word"
        for v in book.classification.verticals.values()
        for kind in ("categories", "keywords", "weak", "strong", "requires")
        for term in getattr(v, kind)
        if term in common
    ]
    cls = book.classification
    for kind, terms in (("keywords", cls.customised_keywords), ("unless", cls.customised_unless)):
        hits += [
            f"signals.customised.{kind}: {t!r} is {common[t]} for a function word"
            for t in terms
            if t in common
        ]
    return hits


def test_no_title_word_folds_onto_a_common_word_of_another_language(book):
    """Accents gone, a listed word must not be a function word of a language stores write in.

    "thé" would be English "the", Vietnamese "sữa" Portuguese "sua", Turkish "aşı" Spanish
    "así": such a word would classify every title that merely uses the little word; a
    personalised-goods word would mark every such title made to order.
    """
    hits = function_word_hits(book)
    assert not hits, "\n".join(hits)


def test_personalised_words_in_each_language_join_the_customised_signal(book):
    """Each language's modifiers ("mit Namen", "kişiye özel") mark a personalised unit."""
    cls = book.classification
    for word in (
        "personalizado",
        "com seu nome",
        "personnalisé",
        "mit Namen",
        "inciso",
        "met naam",
        "z imieniem",
        "kişiye özel",
        "cetak nama",
        "khắc tên",
    ):
        assert norm(word) in cls.customised_keywords, word
    assert norm("máquina de grabado") in cls.customised_unless


def test_a_little_word_as_a_modifier_is_caught_by_the_guard(rules_copy):
    """Dutch "met" alone would mark every "met" title personalised: the guard names it."""
    rules_copy.edit(
        "languages.yaml", "keywords: [gepersonaliseerd,", "keywords: [met, gepersonaliseerd,"
    )
    hits = function_word_hits(load_rulebook(rules_copy.root))
    assert hits == ["signals.customised.keywords: 'met' is nl for a function word"]


def test_a_modifier_in_an_unknown_signal_is_refused_with_its_line(rules_copy):
    """`signals` in a language block holds `customised` only: a typo is a file:line error."""
    line, text = refused(
        rules_copy,
        "    signals:\n      customised:\n        keywords: [gepersonaliseerd,",
        "    signals:\n      customized:\n        keywords: [gepersonaliseerd,",
    )
    assert "languages.yaml:" in text and "customized" in text


def test_a_title_word_listed_twice_in_one_vertical_is_an_error_with_its_line(rules_copy):
    """ "tray" as a keyword and as weak in home would count at the higher weight, silently."""
    old = "keywords: [bedsheet, bed sheet,"
    line, text = refused(rules_copy, old, old.replace("[", "[tray, "), "classification.yaml")
    assert "verticals.home.weak: keyword 'tray' is also listed under home.keywords" in text
    assert f"classification.yaml:{line})" in text and "a title word has one weight" in text
