"""The onboarding conversation: questions as data, validation, conditions, edits and resume."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.advice.onboarding import (
    Conversation,
    InvalidAnswer,
    OnboardingError,
    OnboardingFlow,
    load_onboarding,
)
from advisor.advice.profile import BrandProfile
from advisor.errors import TrackrightError

BUNDLED = Path(__file__).parents[2] / "rules" / "onboarding.yaml"
RULEBOOK_VERTICALS = [
    "electronics",
    "mobile_phones",
    "fine_jewellery",
    "fashion",
    "footwear",
    "supplements",
    "otc_medicines",
    "food",
    "medical_devices",
    "medical_consumables",
    "books",
    "home",
    "appliances",
    "toys",
    "collectibles",
    "beauty",
    "fragrance",
    "watches",
    "fashion_jewellery",
    "sports_fitness",
    "furniture",
    "pet_supplies",
]
# A fashion brand with no regulated vertical, answered start to finish.
FASHION = [
    ("brand", "Kurta Co"),
    ("verticals", "fashion"),
    ("price_range.fashion", "₹500 to ₹3,000"),
    ("monthly_orders", "5,000"),
    ("units_per_order", ""),
    ("return_rate", "25%"),
    ("counterfeit_seen", "no"),
    ("warranty", "no"),
    ("customised", "yes"),
    ("regulated", "no"),
    ("channels", "own website, Myntra"),
    ("warehouses", "2"),
    ("catalog", "skip"),
]


@pytest.fixture(scope="module")
def flow() -> OnboardingFlow:
    return load_onboarding()


@pytest.fixture
def conv(flow: OnboardingFlow) -> Conversation:
    return Conversation(flow)


def say(conv: Conversation, script: list[tuple[str, str]]) -> None:
    """Answer each expected question in turn, failing loudly if the conversation goes elsewhere."""
    for question_id, text in script:
        current = conv.current()
        assert current is not None, f"finished before {question_id}"
        assert current.id == question_id
        result = conv.answer(text)
        assert result.ok, (question_id, text, result.message)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "onboarding.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_file_opens_with_a_comment_and_asks_what_the_brief_lists(flow):
    """The shipped questions load, start with an explanatory comment and cover every topic."""
    assert BUNDLED.read_text(encoding="utf-8").startswith("# ")
    ids = [q.id for q in flow.questions]
    for needed in (
        "brand",
        "verticals",
        "price_range",
        "monthly_orders",
        "units_per_order",
        "return_rate",
        "counterfeit_seen",
        "counterfeit_monthly",
        "warranty",
        "customised",
        "regulated",
        "regulated_products",
        "channels",
        "warehouses",
        "catalog",
    ):
        assert needed in ids
    assert [o.value for o in flow.question("verticals").options] == RULEBOOK_VERTICALS
    for q in flow.questions:
        sentences = re.findall(r"[.!?](?:\s|$)", q.why)
        assert q.prompt and 2 <= len(sentences) <= 3, (q.id, q.why)
    assert Path(flow.source).resolve() == BUNDLED.resolve()


def test_core_does_not_import_textual():
    """Importing the conversation never pulls in the UI toolkit."""
    code = "import sys, advisor.advice.onboarding; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=BUNDLED.parent.parent)


def test_full_conversation_builds_the_profile(conv):
    """Answering every question in turn finishes the conversation with the matching profile."""
    say(conv, FASHION)
    assert conv.is_complete() and conv.current() is None
    assert conv.progress() == (13, 13)
    assert conv.catalog_path is None
    assert conv.to_profile() == BrandProfile(
        brand="Kurta Co",
        verticals=("fashion",),
        monthly_orders=5000,
        units_per_order=1.0,
        return_rate=0.25,
        counterfeit_incidents=0,
        warranty_offered=False,
        customised_goods=True,
        regulated_products=(),
        channels=("website", "myntra"),
        warehouses=2,
        price_ranges=(("fashion", 500.0, 3000.0),),
    )
    transcript = dict((q.id, shown) for q, shown in conv.answered())
    assert transcript["price_range.fashion"] == "500 – 3,000"
    assert transcript["channels"] == "Own website, Myntra"
    assert transcript["return_rate"] == "25%"
    result = conv.answer("more")
    assert not result.ok and "Edit an earlier answer" in result.message


def test_invalid_answer_is_refused_with_a_specific_message_then_a_valid_one_accepted(conv):
    """A bad answer leaves the question open with a message saying what would do."""
    say(conv, FASHION[:3])
    bad = conv.answer("lots")
    assert not bad.ok and bad.value is None
    assert bad.message == "Please give a whole number of orders of at least 1, like 500"
    assert conv.current().id == "monthly_orders"
    good = conv.answer("about 5k a month")
    assert good.ok and good.value == 5000 and good.message == "5,000"


@pytest.mark.parametrize(
    ("question_id", "text", "message"),
    [
        ("monthly_orders", "2.5", "Please give a whole number of orders of at least 1, like 500"),
        ("return_rate", "150%", "A return rate is a percentage between 0 and 100, like 8%"),
        ("counterfeit_seen", "maybe", "Please answer yes or no"),
        ("warehouses", "0", "Please give a whole number of warehouses from 1 to 1,000, like 1"),
        ("units_per_order", "many", "Please give a number of units from 1 to 1,000, like 1"),
        ("verticals", "gadgets", "'gadgets' isn't one of the choices. Pick one or more of: 1 Elec"),
        ("regulated_products", "none, food", "'None of these' can't be combined"),
        ("price_range", "cheap", "Please give a price range like 500-3000"),
        ("brand", "   ", "Please type an answer"),
        ("catalog", "/no/such/catalog.csv", "There's no file at /no/such/catalog.csv."),
    ],
)
def test_invalid_answers_name_what_is_expected(flow, question_id, text, message):
    """Each kind refuses nonsense with a message that starts with what a good answer looks like."""
    with pytest.raises(InvalidAnswer) as err:
        flow.question(question_id).parse(text)
    assert str(err.value).startswith(message)


@pytest.mark.parametrize(
    ("question_id", "text", "value"),
    [
        ("price_range", "500-3000", [500.0, 3000.0]),
        ("price_range", "₹500 to ₹3,000", [500.0, 3000.0]),
        ("price_range", "1.5k-4k", [1500.0, 4000.0]),
        ("price_range", "Rs. 500/- to 3k", [500.0, 3000.0]),
        ("price_range", "2-5 lakh", [200000.0, 500000.0]),
        ("price_range", "under 500", [0.0, 500.0]),
        ("price_range", "1200", [1200.0, 1200.0]),
        ("price_range", "3000-500", [500.0, 3000.0]),
        ("return_rate", "8%", 0.08),
        ("return_rate", "0.08", 0.08),
        ("return_rate", "8", 0.08),
        ("return_rate", "12.5 percent", 0.125),
        ("return_rate", "not sure", None),
        ("monthly_orders", "1.5 lakh", 150000),
        ("units_per_order", "1.5", 1.5),
        ("counterfeit_seen", "Yes!", True),
        ("counterfeit_seen", "nope", False),
        ("verticals", "1, 4", ["electronics", "fashion"]),
        ("verticals", "Electronics and fashion", ["electronics", "fashion"]),
        ("verticals", "Fine jewellery; mobile phones", ["mobile_phones", "fine_jewellery"]),
        ("verticals", "otc_medicines", ["otc_medicines"]),
        ("channels", "2 3", ["amazon", "flipkart"]),
        ("regulated_products", "None of these", ["none"]),
        ("catalog", "", None),
    ],
)
def test_answers_are_understood_in_the_forms_people_type(flow, question_id, text, value):
    """Values, labels, numbers, currency signs, k/lakh and percent forms all parse."""
    assert flow.question(question_id).parse(text) == value


def test_follow_up_appears_only_after_yes(conv):
    """'How many a month' is asked after a yes about counterfeit returns, and skipped after no."""
    say(conv, FASHION[:6])
    say(conv, [("counterfeit_seen", "yes"), ("counterfeit_monthly", "12")])
    assert conv.to_profile().counterfeit_incidents == 12
    fresh = Conversation(conv.flow)
    say(fresh, FASHION[:7])
    assert fresh.current().id == "warranty"
    assert "counterfeit_monthly" not in [q.id for q in fresh.plan()]


def test_regulated_questions_follow_the_verticals(conv):
    """A regulated-looking vertical goes straight to 'which', otherwise a yes/no comes first."""
    say(conv, [("brand", "Nutri"), ("verticals", "supplements, fashion")])
    ids = [q.id for q in conv.plan()]
    assert "regulated" not in ids and "regulated_products" in ids
    other = Conversation(conv.flow)
    say(other, FASHION[:9])
    say(other, [("regulated", "yes"), ("regulated_products", "cosmetics")])
    assert other.current().id == "channels"
    assert other.to_profile().regulated_products == ("cosmetics",)
    third = Conversation(conv.flow)
    say(third, FASHION[:10])
    assert third.current().id == "channels"
    assert "regulated_products" not in [q.id for q in third.plan()]


def test_one_price_question_per_chosen_vertical(conv):
    """The price template is asked once per chosen vertical, in the verticals' order, by label."""
    say(conv, [("brand", "Mix"), ("verticals", "footwear, electronics")])
    prices = [q for q in conv.plan() if q.template == "price_range"]
    assert [q.id for q in prices] == ["price_range.electronics", "price_range.footwear"]
    assert prices[0].prompt == "What's a typical price for your Electronics products?"
    say(conv, [("price_range.electronics", "5k-40k"), ("price_range.footwear", "800-2500")])
    assert conv.current().id == "monthly_orders"
    assert conv.to_profile().price_ranges == (
        ("electronics", 5000.0, 40000.0),
        ("footwear", 800.0, 2500.0),
    )


def test_editing_verticals_re_asks_only_what_depends_on_them(conv):
    """Adding a vertical asks its price and the regulation questions again; the rest is kept."""
    say(conv, FASHION)
    before = dict((q.id, shown) for q, shown in conv.answered())
    reopened = conv.edit("verticals")
    assert conv.current().id == "verticals" and reopened.default == "Fashion"
    assert conv.progress() == (13, 13)  # nothing is dropped until the new answer differs
    assert conv.answer("fashion, footwear").ok
    asked = []
    while (q := conv.current()) is not None:
        asked.append(q.id)
        assert conv.answer({"price_range.footwear": "1k-3k", "regulated": "no"}[q.id]).ok
    assert asked == ["price_range.footwear", "regulated"]
    after = dict((q.id, shown) for q, shown in conv.answered())
    kept = {k: v for k, v in before.items() if k not in {"verticals", "regulated"}}
    assert kept.items() <= after.items()
    conv.edit("verticals")
    assert conv.answer("footwear").ok
    assert conv.to_profile().price_ranges == (("footwear", 1000.0, 3000.0),)
    assert "price_range.fashion" not in conv.to_state()["answers"]  # dropped with its vertical


def test_editing_to_the_same_answer_or_cancelling_keeps_everything(conv):
    """Re-submitting the pre-filled answer, or cancelling, changes nothing."""
    say(conv, FASHION)
    state = conv.to_state()
    for question, _ in conv.answered():
        reopened = conv.edit(question.id)
        assert conv.answer("").ok, question.id  # the empty answer stands for the current one
        assert conv.to_state() == state, reopened.id
    conv.edit("brand")
    conv.cancel_edit()
    assert conv.is_complete() and conv.to_state() == state


def test_changing_a_yes_to_no_drops_its_follow_up(conv):
    """A follow-up answer disappears from the transcript and the profile with its reason."""
    say(conv, FASHION[:6])
    say(conv, [("counterfeit_seen", "yes"), ("counterfeit_monthly", "12")])
    conv.edit("counterfeit_seen")
    assert conv.answer("no").ok
    assert "counterfeit_monthly" not in [q.id for q, _ in conv.answered()]
    assert conv.to_profile().counterfeit_incidents == 0
    assert conv.current().id == "warranty"


def test_edit_refuses_questions_not_yet_answered(conv):
    """Only an answered (or the next open) question can be edited, and the error names it."""
    say(conv, FASHION[:2])
    with pytest.raises(OnboardingError, match="'warehouses' has not been answered"):
        conv.edit("warehouses")
    with pytest.raises(TrackrightError):
        conv.edit("brnd")
    conv.edit("brand")
    assert conv.edit("price_range.fashion").id == "price_range.fashion"  # the open question
    assert conv.to_state()["reopened"] is None


def test_back_reopens_the_previous_answer(conv):
    """back() steps to the answer before the current question, and again from there."""
    assert conv.back() is None
    say(conv, FASHION[:4])
    assert conv.back().id == "monthly_orders"
    assert conv.back().id == "price_range.fashion"
    assert conv.current().default == "500 – 3,000"
    assert conv.answer("").ok
    assert conv.current().id == "units_per_order"
    say(conv, FASHION[4:])
    assert conv.back().id == "catalog"


def test_state_round_trip_resumes_at_the_same_question(conv, flow):
    """to_state survives json and from_state resumes mid-conversation and mid-edit exactly."""
    say(conv, FASHION[:7])
    for _ in range(2):
        restored = Conversation.from_state(flow, json.loads(json.dumps(conv.to_state())))
        assert restored.current() == conv.current()
        assert restored.answered() == conv.answered()
        assert restored.progress() == conv.progress()
        assert restored.to_profile() == conv.to_profile()
        conv.edit("verticals")
    restored = Conversation.from_state(flow, json.loads(json.dumps(conv.to_state())))
    assert restored.current().id == "verticals"
    say(restored, [("verticals", "fashion"), *FASHION[7:]])
    assert restored.is_complete()


def test_from_state_drops_answers_the_flow_no_longer_fits(flow):
    """Answers to unknown questions or of the wrong type are dropped; a wrong version refuses."""
    state = {
        "version": 1,
        "answers": {"brand": "Ok", "verticals": ["gadgets"], "price_range.gadgets": [1, 2]},
        "reopened": "verticals",
    }
    conv = Conversation.from_state(flow, {**state, "answers": {**state["answers"], "gone": 1}})
    assert conv.to_state() == {"version": 1, "answers": {"brand": "Ok"}, "reopened": None}
    assert conv.current().id == "verticals"
    with pytest.raises(OnboardingError, match="version 7"):
        Conversation.from_state(flow, {**state, "version": 7})
    with pytest.raises(OnboardingError, match="mapping with 'answers'"):
        Conversation.from_state(flow, {"version": 1})


def test_profile_is_valid_before_any_answer(conv):
    """With nothing answered, the profile is the neutral default one."""
    assert conv.to_profile() == BrandProfile()
    assert conv.progress() == (0, len(conv.plan()))


def test_catalog_path_is_checked_and_kept(conv, tmp_path):
    """A catalog path must name an existing file and comes back resolved."""
    catalog = tmp_path / "products.csv"
    catalog.write_text("sku,title\nA1,Shirt\n", encoding="utf-8")
    say(conv, FASHION[:-1])
    folder = conv.answer(str(tmp_path))
    assert not folder.ok and "is a folder" in folder.message
    assert conv.answer(f'"{catalog}"').ok
    assert conv.catalog_path == str(catalog.resolve())
    assert conv.is_complete()


@dataclass(frozen=True)
class RulebookVertical:
    """Stands in for advisor.rulebook.load.Vertical: only `id` and `label` matter here."""

    id: str
    label: str


def test_verticals_can_come_from_the_rulebook():
    """The caller's verticals replace the options, keeping known labels or taking given ones."""
    flow = load_onboarding(BUNDLED, verticals=["fashion", "pet_food"])
    labels = [o.label for o in flow.question("verticals").options]
    assert labels == ["Fashion", "Pet food"]
    flow = load_onboarding(verticals={"pets": "Pet supplies", "books": "Books"})
    conv = Conversation(flow)
    say(conv, [("brand", "Paws"), ("verticals", "2, pet supplies")])
    assert conv.current().prompt == "What's a typical price for your Pet supplies products?"
    flow = load_onboarding(verticals=[RulebookVertical("general", "General merchandise")])
    assert flow.question("verticals").parse("1") == ["general"]
    assert flow.question("verticals").options[0].label == "General merchandise"
    with pytest.raises(OnboardingError):
        load_onboarding(verticals=[])


HEAD = "version: 1\nquestions:\n  - id: brand\n    kind: text\n    prompt: Name?\n    why: W.\n"


@pytest.mark.parametrize(
    ("tail", "line", "message"),
    [
        ("    promt: x\n", 7, "question brand: unknown key 'promt' (did you mean 'prompt'?)"),
        (
            "  - id: size\n    kind: integr\n    prompt: p\n    why: w\n",
            8,
            "question size: unknown kind 'integr' (did you mean 'integer'?)",
        ),
        (
            "  - id: pick\n    kind: choice\n    prompt: p\n    why: w\n",
            7,
            "question pick: a choice question needs 'options'",
        ),
        (
            "  - id: a\n    kind: yes_no\n    prompt: p\n    why: w\n"
            "    ask_if: {answer: b, equals: true}\n"
            "  - id: b\n    kind: yes_no\n    prompt: p\n    why: w\n",
            11,
            "question a: ask_if refers to 'b', which is asked later (line 12)",
        ),
        (
            "  - id: a\n    kind: yes_no\n    prompt: p\n    why: w\n"
            "    ask_if:\n      any:\n        - {answer: brnd, equals: x}\n",
            13,
            "question a: ask_if refers to unknown question 'brnd' (did you mean 'brand'?)",
        ),
        (
            "  - id: v\n    kind: multi_choice\n    prompt: p\n    why: w\n    options: [a, b]\n"
            "  - id: c\n    kind: yes_no\n    prompt: p\n    why: w\n"
            "    ask_if: {answer: v, includes_any: [bb]}\n",
            16,
            "question c: 'bb' is not an option of 'v' (did you mean 'b'?)",
        ),
        (
            "  - id: n\n    kind: integer\n    min: 0\n    prompt: p\n    why: w\n"
            "    default: lots\n",
            12,
            "question n: default 'lots' is not a valid answer: Please give a whole number",
        ),
        (
            "  - id: n\n    kind: yes_no\n    prompt: p\n    why: w\n"
            "    profile_field: monthly_orders\n",
            11,
            "question n: profile_field 'monthly_orders' is filled by integer, not yes_no",
        ),
        (
            "  - id: brand\n    kind: text\n    prompt: p\n    why: w\n",
            7,
            "question brand: id already used by the question on line 3",
        ),
        # #14.6: reported where the list opens (line:column), not where YAML gave up
        ("    kind: [oops\n", "7:11", "the '[' at column 11 is not closed"),
    ],
)
def test_yaml_problems_are_reported_with_file_and_line(tmp_path, tail, line, message):
    """Loading names the file, the line and what is wrong, with a did-you-mean where it helps."""
    path = write(tmp_path, HEAD + tail)
    with pytest.raises(OnboardingError) as err:
        load_onboarding(path)
    assert f"{path}:{line}: {message}" in str(err.value)
    assert err.value.file == str(path) and isinstance(err.value, ValueError)


def test_every_problem_in_the_file_is_reported_at_once(tmp_path):
    """Two broken questions give two located problems and a count."""
    path = write(tmp_path, HEAD + "    optional: maybe\n  - id: x\n    kind: path\n")
    with pytest.raises(OnboardingError) as err:
        load_onboarding(path)
    assert [p.line for p in err.value.problems] == [7, 8, 8]
    assert str(err.value).endswith(f"3 problems in {path}")


ANSWERS = [
    "Acme",
    "",
    "skip",
    "1",
    "2",
    "1, 3",
    "fashion, food",
    "electronics",
    "none",
    "yes",
    "no",
    "maybe",
    "8%",
    "0.08",
    "150%",
    "500-3000",
    "1.5k-4k",
    "5000",
    "-3",
    "2.5",
]
STEPS = st.lists(  # answers listed thrice so that runs get past the first few questions
    st.one_of(
        st.tuples(st.just("answer"), st.sampled_from(ANSWERS)),
        st.tuples(st.just("answer"), st.sampled_from(ANSWERS)),
        st.tuples(st.just("answer"), st.sampled_from(ANSWERS)),
        st.tuples(st.just("edit"), st.integers(0, 40)),
        st.tuples(st.just("back"), st.just(0)),
        st.tuples(st.just("cancel"), st.just(0)),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_any_sequence_keeps_state_serialisable_and_current_consistent(flow, steps):
    """Whatever is answered, edited or undone, the state survives JSON and current() is coherent."""
    conv = Conversation(flow)
    for op, arg in steps:
        if op == "answer":
            asked = conv.current()
            result = conv.answer(arg)
            if result.ok:
                assert asked.id in [q.id for q, _ in conv.answered()]
        elif op == "edit" and conv.answered():
            answered = conv.answered()
            conv.edit(answered[arg % len(answered)][0].id)
        elif op == "back":
            conv.back()
        elif op == "cancel":
            conv.cancel_edit()
        state = conv.to_state()
        restored = Conversation.from_state(flow, json.loads(json.dumps(state)))
        assert restored.to_state() == state
        plan = [q.id for q in conv.plan()]
        answered = [q.id for q, _ in conv.answered()]
        assert answered == [i for i in plan if i in set(answered)]
        assert set(state["answers"]) == set(answered)
        current = conv.current()
        assert restored.current() == current
        assert (current is None) == conv.is_complete()
        done, total = conv.progress()
        assert (done, total) == (len(answered), len(plan))
        if current is None:
            assert done == total
        elif current.id not in answered:
            first = plan.index(current.id)
            assert all(i in answered for i in plan[:first])  # the first unanswered question
        else:
            assert state["reopened"] == current.id
        profile = conv.to_profile()
        assert profile.verticals == tuple(state["answers"].get("verticals", ()))


# -- answers the other answers (or the files) make impossible (issue 13.4) ----------------------


def test_a_negative_price_is_refused_not_stored_as_positive(conv):
    """ "-5" (or "₹-500 to 3000") is refused with a message; it used to be stored as 5."""
    say(conv, FASHION[:2])
    for text in ("-5", "₹-500 to 3000", "minus 200"):
        result = conv.answer(text)
        assert not result.ok and "can't be below zero" in result.message
    assert conv.current().id == "price_range.fashion"


def test_scientific_notation_reads_like_the_digits(flow):
    """`1e9` and `1000000000` are the same answer (both accepted, as the same number)."""
    q = flow.question("monthly_orders")
    assert q.parse("1e9") == q.parse("1000000000") == 1_000_000_000
    assert q.parse("2.5e3") == 2500


def test_zero_orders_is_refused_rather_than_read_as_not_given(flow):
    """0 orders a month would price nothing and read as "not given": it is refused."""
    q = flow.question("monthly_orders")
    with pytest.raises(InvalidAnswer, match="at least 1"):
        q.parse("0")


def test_fakes_a_month_are_bounded_by_the_units_shipped(conv):
    """More fakes or swaps than units shipped is refused, naming the bound; the bound is accepted."""
    script = [s for s in FASHION[:7] if s[0] != "return_rate"]
    say(conv, script[:5])
    assert conv.answer("skip").ok  # return rate not known: the bound is the units shipped
    say(conv, [("counterfeit_seen", "yes")])
    too_many = conv.answer("1,000,000")
    assert not too_many.ok
    assert "5,000 units you ship a month" in too_many.message
    assert "at most 5,000" in too_many.message
    assert conv.answer("5000").ok


def test_fakes_a_month_are_bounded_by_the_returns_when_a_rate_is_given(conv):
    """With a 25% return rate on 5,000 units, at most 1,250 of the returns can be fakes."""
    say(conv, FASHION[:6])
    say(conv, [("counterfeit_seen", "yes")])
    result = conv.answer("2000")
    assert not result.ok and "1,250 returns a month" in result.message
    assert conv.answer("1250").ok


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("README.md", "# My shop\n\nWe sell kurtas.\n", "no SKU column"),
        ("notes.txt", "", "empty"),
        ("sheet.xlsx", "PK\x03\x04binary", "binary file"),
    ],
)
def test_catalog_question_refuses_files_the_readers_cannot_read(
    conv, tmp_path, name, content, says
):
    """A README (or an empty or binary file) is refused at once, saying why, with no source path."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    say(conv, FASHION[:-1])
    result = conv.answer(str(path))
    assert not result.ok
    assert f"{name} isn't a catalog I can read" in result.message and says in result.message
    assert "CSV" in result.message and ".py" not in result.message
    assert conv.current().id == "catalog"


def test_no_sku_column_hint_names_columns_not_source_files(tmp_path):
    """The CLI's "no SKU column" hint lists column names a shop owner can use, never a .py file."""
    from advisor.catalog import open_catalog
    from advisor.errors import CatalogError

    path = tmp_path / "README.md"
    path.write_text("# My shop\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        open_catalog(path)
    assert ".py" not in caught.value.hint
    assert "sku, variant sku, item sku" in caught.value.hint


def test_step_counter_starts_at_one_and_its_total_never_moves(conv):
    """ "question 1 of N" first; N stays put as answers add per-vertical and follow-up questions."""
    totals = set()
    first = conv.step()
    assert first[0] == 1
    script = FASHION[:6] + [("counterfeit_seen", "yes"), ("counterfeit_monthly", "3")]
    steps = []
    for question_id, text in script:
        steps.append(conv.step())
        totals.add(conv.step()[1])
        assert conv.answer(text).ok, question_id
    assert totals == {len(conv.flow.questions)}
    numbers = [n for n, _ in steps]
    assert numbers == sorted(numbers) and numbers[0] == 1


def test_regulated_products_are_pre_ticked_from_the_categories_chosen(conv):
    """Choosing food and beauty pre-ticks Food and Cosmetics when regulated products are asked."""
    say(conv, [("brand", "Ghee & Glow"), ("verticals", "food, beauty")])
    while conv.current().id != "regulated_products":
        q = conv.current()
        answer = {"monthly_orders": "500", "units_per_order": "1", "return_rate": "5%"}.get(q.id)
        assert conv.answer(answer or ("200-900" if q.kind == "range" else "no")).ok, q.id
    assert conv.preselected(conv.current()) == ["food", "cosmetics"]


def test_catalog_refusal_speaks_of_files_not_command_line_options(conv, tmp_path):
    """The refusal says what the file lacks and what to give, without the CLI's --column hint."""
    path = tmp_path / "README.md"
    path.write_text("# My shop\n", encoding="utf-8")
    say(conv, FASHION[:-1])
    message = conv.answer(str(path)).message
    assert "--column" not in message and "hint" not in message
