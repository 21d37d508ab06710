"""The victim-blaming language check: true positives with inflections, near misses, negations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import language

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "rule", "phrase"),
    [
        ("She put herself at risk by going to the park.", "putting_self_at_risk",
         "put herself at risk"),
        ("He keeps putting himself in danger.", "putting_self_at_risk",
         "putting himself in danger"),
        ("They are placing themselves at significant risk.", "putting_self_at_risk",
         "placing themselves at significant risk"),
        ("School report: she was sexually active.", "sexually_active", "was sexually active"),
        ("Concerns about sexual activity with an older male.", "sexually_active",
         "sexual activity with"),
        ("Seen with her boyfriend near the station.", "boyfriend", "her boyfriend"),
        ("Mentions an older boyfriend who drives.", "boyfriend", "older boyfriend"),
        ("She says she is in a relationship with Dan.", "boyfriend", "in a relationship with"),
        ("She keeps going missing from placement.", "keeps_going_missing", "keeps going missing"),
        ("He keeps running away.", "keeps_going_missing", "keeps running away"),
        ("She always goes back to them.", "keeps_going_missing", "goes back to them"),
        ("Absconded from the unit at 22:00.", "keeps_going_missing", "Absconded"),
        ("Mum says he refuses to engage with services.", "refuses_to_engage",
         "refuses to engage"),
        ("Refused to co-operate with the RHI.", "refuses_to_engage", "Refused to co-operate"),
        ("Described as uncooperative.", "refuses_to_engage", "uncooperative"),
        ("She is not engaging with CAMHS.", "refuses_to_engage", "not engaging"),
        ("This is a lifestyle choice.", "lifestyle_choice", "lifestyle choice"),
        ("History of risky behaviours.", "lifestyle_choice", "risky behaviours"),
        ("She makes poor choices about friends.", "lifestyle_choice", "makes poor choices"),
        ("Known to be involved in CSE.", "involved_in_exploitation", "involved in CSE"),
        ("He was involved in county lines.", "involved_in_exploitation",
         "involved in county lines"),
        ("She has been contacting older men online.", "contacting_adults",
         "has been contacting older men"),
        ("Was offered drugs in return for sex.", "exchange_for_sex",
         "offered drugs in return for sex"),
        ("She consented to it.", "consent", "consented to"),
        ("He agreed to carry the package.", "consent", "agreed to carry"),
        ("Described as promiscuous.", "promiscuous", "promiscuous"),
        ("She was flirty with staff.", "promiscuous", "flirty"),
        ("He was recruited by olders.", "criminal_labels", "recruited"),
        ("Acting as a money mule.", "criminal_labels", "money mule"),
        ("Concerns about plugging.", "criminal_labels", "plugging"),
        ("He is working for the gang.", "criminal_labels", "working for the gang"),
        ("Referred to as a child prostitute.", "child_prostitute", "child prostitute"),
        ("Images described as child pornography.", "child_pornography", "child pornography"),
    ],
)
def test_true_positives_give_phrase_span_and_alternative(text: str, rule: str, phrase: str) -> None:
    flags = language.check(text)
    assert [f.rule_id for f in flags] == [rule], flags
    f = flags[0]
    assert f.phrase == phrase
    assert text[f.start:f.end] == phrase
    assert f.suggestion and f.suggestion in f.message()
    assert f.code().startswith(rule + ":")


@pytest.mark.parametrize(
    "text",
    [
        "She is at risk from adults who target the park.",
        "The adult is a risk to her.",
        "Risk to the child from the address of concern is high.",
        "Adults have been contacting the child online.",
        "The location is dangerous to children.",
        "She may have been groomed by an adult who is controlling her.",
        "The youth worker is working with her on a safety plan.",
        "Parent agreed to the safety plan.",
        "She keeps going to school every day.",
        "Went back to school after the half term.",
        "The child is a victim of criminal exploitation.",
        "Safety planning with school and the youth worker.",
        "",
    ],
)
def test_near_misses_are_not_flagged(text: str) -> None:
    assert language.check(text) == []
    assert language.is_clean(text)


@pytest.mark.parametrize(
    "text",
    [
        "This is not a lifestyle choice; she is being exploited.",
        "Children cannot consent to their own abuse.",
        "She did not put herself at risk: the location is dangerous.",
        "He is not her boyfriend, he is an adult who is grooming her.",
        "Avoid saying she was sexually active.",
        "We will never describe this as risky behaviour.",
    ],
)
def test_negated_phrases_are_not_flagged(text: str) -> None:
    assert language.check(text) == [], language.check(text)


def test_negation_does_not_reach_across_a_sentence() -> None:
    flags = language.check("She is not at home. She put herself at risk.")
    assert [f.rule_id for f in flags] == ["putting_self_at_risk"]


def test_several_flags_in_reading_order() -> None:
    text = "Her boyfriend picks her up; she keeps going missing and refuses to engage."
    flags = language.check(text)
    assert [f.rule_id for f in flags] == ["boyfriend", "keeps_going_missing", "refuses_to_engage"]
    assert language.flag_codes(flags)[0] == "boyfriend:her boyfriend"


def test_every_suggested_alternative_passes_the_check() -> None:
    for rule in language.RULES:
        assert language.check(rule.suggestion) == [], rule.rule_id


def test_the_products_own_page_text_passes_the_check() -> None:
    """The product's own words follow the rule too (pages, components, pack, flag titles)."""
    files = sorted((ROOT / "dashboard").rglob("*.py")) + [
        ROOT / "analytics" / "chronology.py", ROOT / "analytics" / "agenda.py",
        ROOT / "domain" / "vocabulary.py",
        *sorted((ROOT / "services" / "templates").glob("*"))]
    assert files
    for path in files:
        flags = language.check(path.read_text())
        assert flags == [], f"{path.name}: {[f.phrase for f in flags]}"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=300)
       | st.lists(st.sampled_from(["she", "not", "put", "herself", "at", "risk", "her",
                                   "boyfriend", "keeps", "going", "missing", ".", "refuses",
                                   "to", "engage", "sexually", "active", "was", "never"]),
                  max_size=30).map(" ".join))
def test_flags_are_exact_ordered_spans_for_any_text(text: str) -> None:
    flags = language.check(text)
    for f in flags:
        assert text[f.start:f.end] == f.phrase
    starts = [f.start for f in flags]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(flags, flags[1:], strict=False))


@pytest.mark.parametrize(
    ("text", "rule", "phrase"),
    [
        ("She consented.", "consent", "She consented"),
        ("Police noted she had consented", "consent", "she had consented"),
        ("He was consenting, staff said.", "consent", "He was consenting"),
        ("It was consensual.", "consent", "consensual"),
        ("Described as streetwise.", "streetwise", "streetwise"),
        ("She is street-smart.", "streetwise", "street-smart"),
        ("She is self-placing at the address.", "self_placing", "self-placing"),
        ("He self placed with the olders.", "self_placing", "self placed"),
        ("Seen as attention seeking.", "attention_seeking", "attention seeking"),
        ("An attention-seeker, school said.", "attention_seeking", "attention-seeker"),
        ("She calls him her sugar daddy.", "sugar_daddy", "sugar daddy"),
        ("He is a known offender.", "offender_label", "He is a known offender"),
        ("She was treated as an offender.", "offender_label", "She was treated as an offender"),
        ("The boy is a gang member.", "offender_label", "The boy is a gang member"),
        ("A young offender panel.", "offender_label", "young offender"),
        ("He is gang-involved.", "offender_label", "gang-involved"),
    ],
)
def test_issue_17_phrases_and_their_inflections(text: str, rule: str, phrase: str) -> None:
    flags = language.check(text)
    assert [(f.rule_id, f.phrase) for f in flags] == [(rule, phrase)]


@pytest.mark.parametrize("text", [
    "Police arrested the adult offender.",
    "The offender (AC-0001) was seen at the hotel.",
    "Mum signed the consent form for the medical.",
    "Children cannot consent to their own abuse.",
    "She is not a gang member; she is criminally exploited.",
])
def test_issue_17_near_misses_are_not_flagged(text: str) -> None:
    assert language.check(text) == []


def test_offender_words_are_not_flagged_in_text_about_an_adult_of_concern() -> None:
    assert language.check("He is a prolific offender and gang member.", about_child=False) == []
    assert language.check("He is a prolific offender and gang member.")


def test_segments_mark_flagged_wording_where_it_stands() -> None:
    text = "Seen with her boyfriend; she consented."
    parts = language.segments(text)
    assert "".join(p for p, _ in parts) == text
    assert [(p, f.rule_id) for p, f in parts if f] == [("her boyfriend", "boyfriend"),
                                                       ("she consented", "consent")]
    line = language.describe(language.flag_codes(language.check(text)))
    assert line.startswith('"her boyfriend": say "an adult who is grooming')
    assert language.describe([]) == ""
