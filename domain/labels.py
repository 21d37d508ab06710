"""The product's own words for codes in the store. Checked by the language test."""

from __future__ import annotations

SPECIAL: dict[str, str] = {
    "rhi_disclosure": "Return home interview disclosure",
    "domestic_abuse_at_home": "Domestic abuse at home",
    "exchange_gifts_money": "Exchange of gifts or money",
    "seen_in_car_with_unknown_adult": "Seen in a car with an unknown adult",
    "was_not_brought": "Was not brought",
    "adult_of_concern": "Adult of concern",
    "extra_familial": "Extra-familial",
    "intra_familial": "Intra-familial",
    "self": "Self-harm context",
    "unknown": "Context not recorded",
    "cse": "Child sexual exploitation (victim)",
    "cce": "Child criminal exploitation (victim)",
    "transport_hub": "Transport hub",
    "licensed_premises": "Licensed premises",
    "address_of_concern": "Address of concern",
    "online": "Online space",
    "relationship_reported": "Reported 'relationship' (grooming concern)",
}


def label(code: str | None) -> str:
    """A readable label for a stored code (``missing_episode`` -> ``Missing episode``)."""
    if code is None:
        return ""
    if code in SPECIAL:
        return SPECIAL[code]
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
