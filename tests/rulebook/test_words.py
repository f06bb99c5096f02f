"""How rule words and catalog text are compared: case, accents and punctuation aside (`words`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.rulebook.words import norm, plural_forms, written_as


@pytest.mark.parametrize(
    ("written", "compared"),
    [
        ("Teléfono Celular", "telefono celular"),
        ("KOPFHÖRER", "kopfhorer"),
        ("Straße", "strasse"),
        ("Łódź Żółć", "lodz zolc"),
        ("İSTANBUL kırmızı", "istanbul kirmizi"),
        ("Điện thoại Ốp lưng", "dien thoai op lung"),
        ("Nhẫn Cặp Bạc 925", "nhan cap bac 925"),
        ("Crème brûlée œuf", "creme brulee oeuf"),
        ("Ração para Cães", "racao para caes"),
        ("Şarjlı Matkap", "sarjli matkap"),
        ("Søstrene Grene Æble", "sostrene grene aeble"),
    ],
)
def test_accents_fold_to_their_letters(written, compared):
    """é→e, ł→l, ß→ss, ı/İ→i, Vietnamese tones and đ→d: stores write either, rules list one."""
    assert norm(written) == compared


def test_decomposed_accents_fold_like_composed_ones():
    """A title typed with combining accents (e + ◌́) reads as the precomposed one (é)."""
    assert norm("Te\u0301le\u0301fono") == norm("Teléfono") == "telefono"


def test_other_scripts_are_left_as_they_are():
    """Devanagari and the micro sign keep their characters: Latin letters fold, and Arabic only
    its spelling variants (below)."""
    assert norm("हिंदी किताब") == "हिंदी किताब"
    assert norm("250 µg") == "250 µg"


@pytest.mark.parametrize(
    ("written", "compared"),
    [
        ("أسوارة", "اسواره"),  # hamza on alef, ta marbuta
        ("إلكترونيات", "الكترونيات"),
        ("آيفون", "ايفون"),
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("عَسَل", "عسل"),  # short-vowel marks
        ("شـــاي", "شاي"),  # tatweel
        ("عطر، ٥٠ مل", "عطر 50 مل"),  # Arabic comma and digits
    ],
)
def test_arabic_spelling_variants_compare_alike(written, compared):
    """Stores type Arabic with or without hamza, ة or ه, ى or ي, vowel marks and tatweel."""
    assert norm(written) == compared


def test_arabic_words_match_with_their_joined_particles():
    """A listed Arabic word matches with the article and the particles joined to it, and a
    word in ة as its -ات plural; an article written in the rule matches the bare word too."""
    forms = set(plural_forms(norm("ذهب")))
    assert {"الذهب", "بالذهب", "للذهب", "والذهب", "وذهب"} <= forms
    assert "ذهب" in plural_forms(norm("الذهب"))
    assert "ساعات" in plural_forms(norm("ساعة"))
    assert plural_forms(norm("رف")) == ()  # two letters: too short to guess at
    assert plural_forms("shoe") == ("shoes",)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_text_is_read_as_before(text):
    """An ASCII title's words are unchanged by folding (the English catalogs' output holds)."""
    assert norm(text) == " ".join(
        text.lower()
        .translate({ord(c): " " for c in "!\"#$%'()*,-./:;<=>?@[\\]^_`{|}~"})
        .replace("&", " & ")
        .replace("+", " + ")
        .split()
    )


def test_a_folded_word_is_found_again_as_the_title_writes_it():
    """Explanations quote the row: "bac 925" is shown as "Bạc 925", "strasse" as "Straße"."""
    assert written_as("Nhẫn Cặp Bạc 925 Khắc Tên - Đôi", ("nhan", "bac 925")) == ("Nhẫn", "Bạc 925")
    assert written_as("Straße Schuhe", ("strasse", "schuhe")) == ("Straße", "Schuhe")
    assert written_as("İPHONE KILIFI", ("iphone", "kilifi")) == ("İPHONE", "KILIFI")
    assert written_as("Zapatos  Rojos", ("zapatos rojos",)) == ("Zapatos  Rojos",)


def test_a_word_the_title_does_not_hold_gives_no_quote():
    """If any word cannot be found again, no quote is made up: the rule's words are shown."""
    assert written_as("Zapatos Rojos", ("zapatos", "azules")) == ()
