"""Victim-blaming language check (BRIEF section 7).

:func:`check` finds phrases in a note, decision or assessment that put responsibility for
abuse on the child ("put herself at risk", "her boyfriend", "keeps going missing"...) and
returns one :class:`LanguageFlag` per phrase with its span and the wording to use instead.

It is an aid, not a gate: a panel may still save the text, and the flags are stored with it
(:func:`flag_codes`). Inflections are covered by the patterns (put/puts/putting, herself/
himself/themselves, boyfriend/boyfriends...). A phrase is not flagged when it is negated just
before it in the same clause ("this is not a lifestyle choice", "children cannot consent"),
because that is the framing the guidance asks for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SELF = r"(?:herself|himself|themselves|themself|itself|yourself|myself)"
_PRON = r"(?:her|his|their|the\s+child's|the\s+young\s+person's)"


@dataclass(frozen=True)
class Rule:
    """One row of the section 7 table: what to avoid and what to say instead."""

    rule_id: str
    avoid: str
    suggestion: str
    patterns: tuple[str, ...]
    child_only: bool = False
    """True for words wrong only when said of a child ("offender"): not checked in text
    about an adult of concern."""


RULES: tuple[Rule, ...] = (
    Rule(
        "putting_self_at_risk",
        "putting themselves at risk",
        "may have been groomed; the location is dangerous to children",
        (
            rf"\b(?:put|puts|putting|place[sd]?|placing|expos(?:e|es|ed|ing))\s+{_SELF}\s+"
            r"(?:at|in|into|to)\s+(?:(?:a|an|high|great|significant|serious)\s+)*"
            r"(?:risk|danger|harm|risky\s+situations?|dangerous\s+situations?)\b",
        ),
    ),
    Rule(
        "sexually_active",
        "sexually active / sexual activity with",
        "sexually abused; raped; concerns the child was coerced or exploited",
        (
            r"\b(?:(?:is|was|were|are|been|being|be)\s+)?sexually\s+active\b",
            r"\bsexual\s+(?:activity|relationship|relations)\s+with\b",
            r"\b(?:had|has|having|have)\s+sex\s+with\b",
        ),
    ),
    Rule(
        "contacting_adults",
        "has been contacting adults",
        "adults have been contacting the child",
        (
            r"\b(?:(?:has|have|had|is|was)\s+(?:been\s+)?)?(?:contacting|contacted|contacts|"
            r"messaging|messaged|messages|seeking\s+out|sought\s+out)\s+(?:older\s+|adult\s+)?"
            r"(?:adults?|men|males|women|older\s+(?:boys|males|men))\b",
        ),
    ),
    Rule(
        "exchange_for_sex",
        "offered drugs in return for sex",
        "the child is being sexually exploited",
        (
            r"\b(?:offered|offering|offers|given|giving|exchang(?:e|ed|es|ing)|trad(?:e|ed|es|ing)|"
            r"swap(?:ped|ping|s)?)\s+(?:\w+\s+){0,2}(?:drugs|alcohol|money|cash|gifts|cigarettes|"
            r"vapes?|a\s+phone|phones)\s+(?:in\s+return|in\s+exchange|for)\s+(?:for\s+)?"
            r"(?:sex|sexual\s+\w+)\b",
            r"\bsex\s+(?:for|in\s+exchange\s+for|in\s+return\s+for)\s+(?:drugs|alcohol|money|"
            r"cash|gifts|cigarettes|vapes?)\b",
        ),
    ),
    Rule(
        "involved_in_exploitation",
        "involved in CSE / CCE",
        "is a victim of sexual / criminal exploitation",
        (
            r"\b(?:involved|involvement|engaged|engaging|participat(?:ed|es|ing))\s+(?:in|with)\s+"
            r"(?:cse|cce|county\s+lines|child\s+sexual\s+exploitation|(?:child\s+)?criminal\s+"
            r"exploitation|sexual\s+exploitation|prostitution|drug\s+dealing|gangs?|gang\s+activity)\b",
        ),
    ),
    Rule(
        "boyfriend",
        "boyfriend / older boyfriend / in a relationship with",
        "an adult who is grooming / controlling the child",
        (
            rf"\b(?:{_PRON}\s+)?(?:(?:older|adult|new|much\s+older)\s+)?boy-?\s?friends?\b",
            r"\b(?:in|into|having|had|has)\s+a\s+(?:sexual\s+|romantic\s+)?relationship\s+with\b",
            r"\b(?:going\s+out|dating|seeing)\s+(?:with\s+)?(?:an?\s+)?(?:older|adult)\s+"
            r"(?:man|male|men|boy|woman)\b",
        ),
    ),
    Rule(
        "child_prostitute",
        "child prostitute / prostituting themselves",
        "child sexual exploitation / abuse",
        (
            r"\bchild\s+prostitut\w*",
            rf"\bprostitut(?:e|es|ed|ing)\s+{_SELF}\b",
            r"\bprostitution\b",
            r"\b(?:selling|sells|sold)\s+(?:herself|himself|themselves|sex)\b",
        ),
    ),
    Rule(
        "consent",
        "consented / agreed to",
        "children cannot consent to their own abuse",
        (
            r"\bconsent(?:ed|ing|s)?\s+to\b",
            # a bare "she consented." / "she had consented" / "he was consenting"
            r"\b(?:she|he|they|the\s+(?:child|young\s+person|girl|boy))\s+(?:(?:had|has|have|"
            r"was|were|is|are|appeared\s+to|seemed\s+to|said\s+she|said\s+he)\s+)?"
            r"consent(?:ed|s|ing)?\b(?!\s+to\b)",
            r"\bconsensual\b",
            r"\b(?:agreed|agrees|agreeing|willingly\s+went|went\s+willingly)\s+to\s+"
            r"(?:sex|sexual\s+\w+|have\s+sex|meet|go\s+with|get\s+in|be\s+picked\s+up|carry|hold|"
            r"sell|travel|stay)\b",
            r"\bwilling(?:ly)?\s+(?:participant|partner|went|go(?:es)?)\b",
        ),
    ),
    Rule(
        "lifestyle_choice",
        "lifestyle choice / risky behaviour / risky choices",
        "indicator of vulnerability; describe the harm and who caused it",
        (
            r"\blifestyle\s+choices?\b",
            r"\brisky\s+(?:behaviou?rs?|choices?|lifestyle|decisions?|activities)\b",
            r"\b(?:make|makes|making|made)\s+(?:bad|poor|risky|unwise|wrong|unsafe)\s+"
            r"(?:choices|decisions)\b",
            r"\b(?:chooses|choosing|chose|chosen)\s+to\s+(?:go|stay|return|associate|spend|be)\b",
        ),
    ),
    Rule(
        "promiscuous",
        "promiscuous / flirty",
        "describe the adult's actions instead",
        (
            r"\bpromiscu(?:ous|ity)\b",
            r"\bflirt(?:y|ing|atious|s|ed)?\b",
            r"\bsexuali[sz]ed\s+behaviou?r\b",
        ),
    ),
    Rule(
        "criminal_labels",
        "recruited / working / money mule / plugging",
        "criminally exploited",
        (
            r"\brecruit(?:ed|ing|s)?\b",
            r"\bmoney\s+mules?\b",
            r"\bplugg(?:ing|ed)\b",
            r"\bdrug\s+runners?\b",
            r"\b(?:working|works|worked)\s+(?:for|a|on)\s+(?:the\s+|a\s+)?(?:gang|dealers?|"
            r"county\s+lines?|drug\s+line|line|olders)\b",
        ),
    ),
    Rule(
        "keeps_going_missing",
        "keeps going missing / goes back to them",
        "is being controlled; may be trafficked",
        (
            r"\bkeeps?\s+(?:on\s+)?(?:(?:going|running)\s+(?:missing|off|away)|disappearing)\b",
            r"\b(?:goes|go|going|went|gone|returns|returned|returning|keeps\s+going)\s+back\s+to\s+"
            r"(?:him|her|them|those\s+\w+|the\s+(?:group|men|man|adults?|older\s+\w+))\b",
            r"\babscond(?:s|ed|ing|er)?\b",
        ),
    ),
    Rule(
        "refuses_to_engage",
        "uncooperative / refuses to engage",
        "engagement is the practitioner's responsibility; explore why",
        (
            r"\bun-?co-?operative\b",
            r"\b(?:refuses|refused|refusing|refusal|unwilling|reluctant)\s+to\s+"
            r"(?:engage|co-?operate|talk|speak|comply|work\s+with)\b",
            r"\bnon-?engag(?:ement|ing)\b",
            r"\b(?:not|won't|will\s+not|doesn't|does\s+not|didn't|did\s+not)\s+engag(?:e|ing)\b",
            r"\bdis-?engaged\b",
            r"\bhard\s+to\s+reach\b",
        ),
    ),
    Rule(
        "streetwise",
        "streetwise / street smart",
        "no child can protect themselves from adults who exploit them; describe the risk "
        "and who poses it",
        (r"\bstreet[-\s]?(?:wise|smart|savvy)\b",),
    ),
    Rule(
        "self_placing",
        "self-placing",
        "the child is being controlled or exploited; ask who they are with and why",
        (r"\bself[-\s]?plac(?:ing|ed|es|e|ement|ements)\b",),
    ),
    Rule(
        "attention_seeking",
        "attention seeking",
        "the child is seeking help: behaviour is communication; ask what it says",
        (r"\battention[-\s]?seek(?:ing|er|ers|s)?\b",),
    ),
    Rule(
        "sugar_daddy",
        "sugar daddy",
        "an adult who is grooming / exploiting the child",
        (r"\bsugar[-\s]?(?:dadd(?:y|ies)|dads?)\b",),
    ),
    Rule(
        "offender_label",
        "offender / gang member (said of a child)",
        "a child who is criminally exploited; describe who is exploiting them",
        (
            r"\b(?:young|child|juvenile|youth)\s+offenders?\b",
            r"\b(?:she|he|they|the\s+(?:child|young\s+person|girl|boy|pupil))\s+"
            r"(?:is|was|are|were|has\s+been|had\s+been|is\s+being|was\s+being|"
            r"(?:is|was)\s+(?:seen|treated|described|labelled|known|regarded)\s+as)\s+"
            r"(?!not\b|never\b)(?:an?\s+)?(?:\w+\s+){0,2}?(?:offender|gang\s+member|gang-?\s?banger)s?\b",
            r"\bgang[-\s](?:involved|affiliated|nominal)\b",
        ),
        child_only=True,
    ),
    Rule(
        "child_pornography",
        "child pornography",
        "child sexual abuse material",
        (r"\bchild\s+porn(?:ography|ographic)?\b", r"\bkiddie\s+porn\b"),
    ),
)

# A negation in the few words before a phrase, in the same clause, means the text rejects
# the framing ("this is not a lifestyle choice"). Rule ids whose own patterns contain the
# negation ("not engaging") are exempt.
_NEGATORS = re.compile(
    r"\b(?:not|never|no|cannot|can't|cant|isn't|wasn't|aren't|weren't|didn't|doesn't|don't|"
    r"nor|without|rather\s+than|instead\s+of|avoid|avoids|avoiding|unable\s+to|neither)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.;:!?\n]|\bbut\b|\bhowever\b", re.IGNORECASE)
_NEGATION_WINDOW_WORDS = 5
_NEGATION_EXEMPT = frozenset({"refuses_to_engage"})

_COMPILED: tuple[tuple[Rule, tuple[re.Pattern[str], ...]], ...] = tuple(
    (r, tuple(re.compile(p, re.IGNORECASE) for p in r.patterns)) for r in RULES
)


@dataclass(frozen=True)
class LanguageFlag:
    """One victim-blaming phrase found in a text.

    Attributes
    ----------
    rule_id : which section 7 row it matches.
    phrase : the words as written in the text.
    start, end : the span of ``phrase`` in the text (``text[start:end] == phrase``).
    avoid : the table's "avoid" entry the phrase is an instance of.
    suggestion : what to say instead.
    """

    rule_id: str
    phrase: str
    start: int
    end: int
    avoid: str
    suggestion: str

    def message(self) -> str:
        """One line for a page: the phrase and the alternative."""
        return f'"{self.phrase}": consider "{self.suggestion}".'

    def code(self) -> str:
        """A compact record of the flag, stored with the saved text."""
        return f"{self.rule_id}:{self.phrase.lower()}"


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - 80):start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end():]
    words = re.findall(r"[\w']+", before)
    window = " ".join(words[-_NEGATION_WINDOW_WORDS:])
    return bool(_NEGATORS.search(window))


def check(text: str | None, *, about_child: bool = True) -> list[LanguageFlag]:
    """Every victim-blaming phrase in ``text``, in reading order (overlaps keep the first/longest).

    Empty or missing text gives no flags. ``about_child=False`` (text about an adult of
    concern) skips the words that are wrong only when said of a child ("offender").
    """
    if not text:
        return []
    found: list[LanguageFlag] = []
    for rule, patterns in _COMPILED:
        if rule.child_only and not about_child:
            continue
        for pat in patterns:
            for m in pat.finditer(text):
                phrase = m.group(0)
                if not phrase.strip():
                    continue
                if rule.rule_id not in _NEGATION_EXEMPT and _negated(text, m.start()):
                    continue
                found.append(LanguageFlag(rule.rule_id, phrase, m.start(), m.end(),
                                          rule.avoid, rule.suggestion))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[LanguageFlag] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


def flag_codes(flags: list[LanguageFlag]) -> list[str]:
    """The codes stored with a saved text (``language_flags`` columns)."""
    return [f.code() for f in flags]


def is_clean(text: str | None) -> bool:
    """True when ``text`` has no flagged phrase."""
    return not check(text)


def segments(text: str | None, *, about_child: bool = True
             ) -> list[tuple[str, LanguageFlag | None]]:
    """``text`` cut into pieces, each with the flag it is an instance of (or None), so a
    page or the pack can mark flagged wording where it stands."""
    if not text:
        return []
    out: list[tuple[str, LanguageFlag | None]] = []
    at = 0
    for f in check(text, about_child=about_child):
        if f.start > at:
            out.append((text[at:f.start], None))
        out.append((text[f.start:f.end], f))
        at = f.end
    if at < len(text):
        out.append((text[at:], None))
    return out


def describe(codes: object) -> str:
    """Stored flag codes (``rule:phrase``) as one line for a table: each phrase with what to
    say instead; "" when there are none."""
    by_id = {r.rule_id: r for r in RULES}
    parts = []
    for code in list(codes) if codes is not None else []:  # type: ignore[call-overload]
        rule_id, _, phrase = str(code).partition(":")
        rule = by_id.get(rule_id)
        parts.append(f'"{phrase}": say "{rule.suggestion}"' if rule else f'"{phrase}"')
    return "; ".join(parts)
