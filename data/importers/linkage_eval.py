"""A realistic, seeded test set for record linkage, and the demo town's planted duplicates.

The demo town's duplicate records come from the same generator the linkage was first written
against, so they are too easy to tune on. :func:`make_records` makes an independent set the
way agencies' records of children really differ:

- a population with realistic name frequencies (a few very common names, a long tail), so
  chance agreement on a name means little for "Smith" and much for "Okonkwo";
- families: siblings share a family name and a postcode, and one family in 30 has twins
  (same date of birth too), the hardest pairs to keep apart;
- each child is known to 1-4 of the agencies, each agency typing its record separately:
  typing errors (a letter dropped, doubled, swapped or mistyped), nicknames (Bill for
  William), given and family name swapped, day and month of birth swapped, a wrong digit in
  the date, a changed or mistyped postcode (moved house, one character wrong), and missing
  names, dates and postcodes.

It is used by the tests and by ``benchmarks/importers.py``; nothing in it is real.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from data.importers.linkage import NICKNAMES

# Given names with rough relative frequencies (a long tail of rarer names follows).
_GIVEN_COMMON = (
    "Oliver", "Olivia", "Jack", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Mia",
    "Charlie", "Emily", "Jacob", "Sophia", "Thomas", "Grace", "Leo", "Lily", "William",
    "Jessica", "James", "Ella", "Joshua", "Chloe", "Alexander", "Sophie", "Daniel", "Ruby",
    "Samuel", "Evie", "Joseph", "Freya", "Benjamin", "Charlotte", "Matthew", "Hannah",
    "Robert", "Elizabeth", "Michael", "Katherine", "Edward", "Rebecca", "Christopher",
    "Abigail", "Anthony", "Victoria", "Nicholas", "Jennifer", "Richard", "Margaret",
)
_GIVEN_RARE = (
    "Ayaan", "Zainab", "Kacper", "Oluwaseun", "Siobhan", "Rhys", "Eilidh", "Tadhg",
    "Priya", "Ibrahim", "Aoife", "Mateusz", "Niamh", "Yusuf", "Amara", "Cerys", "Dylan",
    "Keira", "Reuben", "Saoirse", "Tobias", "Wiktoria", "Xander", "Yasmin", "Zeynep",
    "Bethan", "Callum", "Darcey", "Emre", "Fatima", "Gethin", "Harriet", "Idris", "Jasmine",
    "Kofi", "Lowri", "Malik", "Nia", "Osian", "Phoebe", "Quentin", "Rosa", "Seren", "Tegan",
    "Usman", "Vanessa", "Wren", "Anwen", "Bilal", "Cai", "Dewi", "Elif", "Ffion", "Gwen",
)
_FAMILY_COMMON = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
)
_FAMILY_RARE = (
    "Okonkwo", "Kowalski", "Nowak", "McAllister", "Fitzgerald", "Abernethy", "Baptiste",
    "Chaudhry", "Delaney", "Eriksen", "Fairweather", "Gallagher", "Hargreaves", "Iqbal",
    "Jovanovic", "Kaczmarek", "Lindqvist", "Mahmood", "Nakamura", "O'Sullivan", "Pemberton",
    "Quigley", "Rahman", "Szymanski", "Thackeray", "Umarov", "Vasquez", "Whitfield",
    "Yilmaz", "Zielinski", "Ashworth", "Blackburn", "Cartwright", "Dunmore", "Ellwood",
    "Farrington", "Greenhalgh", "Holroyd", "Illingworth", "Jagger", "Kenworthy", "Lomax",
    "Marsden", "Nuttall", "Ormerod", "Pilling", "Ramsbottom", "Sutcliffe", "Tattersall",
    "Uttley", "Vickers", "Wolstenholme", "Ackroyd", "Brierley", "Crowther", "Dobson",
    "Entwistle", "Fothergill", "Garside", "Haworth", "Ibbotson", "Kershaw", "Lumb",
    "Mitchell-Hart", "Naylor", "Oldroyd", "Priestley", "Rushworth", "Shackleton", "Thornber",
)
_AREAS = ("CW", "SK", "ST", "WA", "CH", "M")
_KEYS = "qwertyuiopasdfghjklzxcvbnm"


@dataclass
class LinkageTestSet:
    """Records (record_id, agency, given_name, family_name, date_of_birth ISO, postcode)
    and the true pairs (record_id_l < record_id_r) of records of the same child."""

    records: pd.DataFrame
    true_pairs: set[tuple[str, str]]
    people: int


_PARTS = (("Ash", "Black", "Brad", "Brook", "Church", "Cold", "Crag", "East", "Fair", "Green",
           "Hale", "Hart", "Holm", "Kirk", "Lang", "Long", "Mill", "Moor", "Nether", "Ox",
           "Rad", "Red", "Shaw", "Stan", "Thorn", "Under", "Wake", "West", "Whit", "Wood"),
          ("bury", "burn", "by", "croft", "den", "field", "ford", "gate", "ham", "hurst",
           "ley", "low", "more", "ridge", "shaw", "stone", "thorpe", "ton", "well", "worth"))
# Family names made of English place-name parts: a long tail of rarer names (600 of them).
_FAMILY_TAIL = tuple(a + b for a in _PARTS[0] for b in _PARTS[1])


def _zipf_pick(rng: random.Random, common: tuple[str, ...], rare: tuple[str, ...]) -> str:
    """A name: 60% from the common list weighted by rank (the most common about 3% of all
    people, as in England and Wales), 40% from the rarer tail."""
    if rng.random() < 0.4:
        return rng.choice(rare)
    weights = [1 / (rank + 8) for rank in range(len(common))]
    return rng.choices(common, weights=weights)[0]


def _postcode(rng: random.Random) -> str:
    area = rng.choice(_AREAS)
    return (f"{area}{rng.randint(1, 12)} {rng.randint(1, 9)}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}")


def _typo(rng: random.Random, s: str) -> str:
    """One typing slip: a letter dropped, doubled, swapped with its neighbour or mistyped."""
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.choice(("drop", "double", "swap", "mistype"))
    if op == "drop":
        return s[:i] + s[i + 1:]
    if op == "double":
        return s[:i] + s[i] + s[i:]
    if op == "swap":
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + rng.choice(_KEYS) + s[i + 1:]


def _dob_variant(rng: random.Random, dob: date) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.10 and dob.day <= 12 and dob.day != dob.month:
        return f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"  # day and month swapped
    if roll < 0.15:  # one digit mistyped, still a real date
        text = dob.isoformat()
        for _ in range(10):
            i = rng.choice([2, 3, 6, 8, 9])
            cand = text[:i] + str(rng.randint(0, 9)) + text[i + 1:]
            try:
                if cand != text and date.fromisoformat(cand) <= date(2025, 6, 30):
                    return cand
            except ValueError:
                continue
    return dob.isoformat()


def _postcode_variant(rng: random.Random, pc: str) -> str | None:
    roll = rng.random()
    if roll < 0.12:
        return None
    if roll < 0.20:
        return _postcode(rng)  # moved house
    if roll < 0.25:  # one character of the inward code mistyped
        out, inward = pc.split(" ")
        return f"{out} {inward[0]}{inward[1]}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    if roll < 0.28:
        return pc.replace(" ", "").lower()  # spacing and case: no error at all
    return pc


def _name_variant(rng: random.Random, given: str, family: str) -> tuple[str | None, str | None]:
    nick = [n for n, full in NICKNAMES.items() if full == given.lower()]
    if nick and rng.random() < 0.12:
        given = rng.choice(nick).capitalize()
    if rng.random() < 0.12:
        given = _typo(rng, given)
    if rng.random() < 0.12:
        family = _typo(rng, family)
    if rng.random() < 0.03:
        second = _zipf_pick(rng, _FAMILY_COMMON, _FAMILY_RARE + _FAMILY_TAIL)
        family = f"{family}-{second}"  # double-barrelled
    out_given: str | None = given if rng.random() >= 0.02 else None
    out_family: str | None = family if rng.random() >= 0.02 else None
    if rng.random() < 0.03:
        out_given, out_family = out_family, out_given  # given and family swapped
    return out_given, out_family


def _population(rng: random.Random, people: int) -> list[dict[str, Any]]:
    """Children in families: siblings share family name and postcode; some twins."""
    out: list[dict[str, Any]] = []
    while len(out) < people:
        family = _zipf_pick(rng, _FAMILY_COMMON, _FAMILY_RARE + _FAMILY_TAIL)
        pc = _postcode(rng)
        first = date(2005, 1, 1) + timedelta(days=rng.randrange(365 * 15))
        named: set[str] = set()
        for k in range(rng.choice((1, 1, 2, 2, 3, 4))):
            dob = first if k and rng.random() < 1 / 30 else \
                date(2005, 1, 1) + timedelta(days=rng.randrange(365 * 15))
            given = _zipf_pick(rng, _GIVEN_COMMON, _GIVEN_RARE)
            if given in named:  # parents do not give two children the same name
                continue
            named.add(given)
            out.append({"given": given, "family": family, "dob": dob, "postcode": pc})
    return out[:people]


def make_records(records: int, *, agencies: int = 4, seed: int = 42) -> LinkageTestSet:
    """About ``records`` person records across ``agencies`` agencies, with the true pairs.

    Each child is known to 1-``agencies`` agencies (55% to one, 30% two, 12% three, 3% four:
    about one true pair for every two records); record ids are shuffled so their order
    says nothing."""
    rng = random.Random(seed)
    names = [f"A{i + 1}" for i in range(agencies)]
    spread = [0.55, 0.30, 0.12, 0.03][:agencies]  # known to 1, 2, 3, 4 agencies
    weights = [w / sum(spread) for w in spread]
    mean_records = sum((k + 1) * w for k, w in enumerate(weights))
    children = _population(rng, max(1, round(records / mean_records)))
    rows: list[dict[str, Any]] = []
    groups: list[list[int]] = []
    for child in children:
        known_to = rng.sample(names, rng.choices(range(1, agencies + 1), weights=weights)[0])
        group = []
        for agency in known_to:
            given, family = _name_variant(rng, child["given"], child["family"])
            group.append(len(rows))
            rows.append({"agency": agency, "given_name": given, "family_name": family,
                         "date_of_birth": _dob_variant(rng, child["dob"]),
                         "postcode": _postcode_variant(rng, child["postcode"])})
        groups.append(group)
    order = list(range(len(rows)))
    rng.shuffle(order)
    ids = {row: f"R{pos:06d}" for pos, row in enumerate(order)}
    ordered = sorted(order, key=ids.__getitem__)
    frame = pd.DataFrame([{"record_id": ids[i], **rows[i]} for i in ordered])
    pairs = {(min(ids[a], ids[b]), max(ids[a], ids[b]))
             for g in groups for i, a in enumerate(g) for b in g[i + 1:]}
    return LinkageTestSet(frame.reset_index(drop=True), pairs, len(children))


def planted_duplicates(store: Any) -> set[tuple[str, str]]:
    """True pairs of the demo town's planted duplicate records (``planted_truth``, kind
    'duplicate_record': 'same child as RCSC000001: RHLT000000 (HLT, given+family), ...')."""
    from domain.access import Role, Viewer

    viewer = Viewer("linkage-evaluation", Role.ADMIN, "record linkage evaluation")
    truth = store.frame("network.planted", viewer, limit=10**9)
    pairs: set[tuple[str, str]] = set()
    for detail in truth.loc[truth["kind"] == "duplicate_record", "detail"]:
        m = re.match(r"same child as (\S+): (.*)", str(detail))
        if not m:
            continue
        ids = [m.group(1), *re.findall(r"(\S+) \(", m.group(2))]
        pairs |= {(min(a, b), max(a, b)) for i, a in enumerate(ids) for b in ids[i + 1:]}
    return pairs
