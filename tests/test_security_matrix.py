"""The role x data matrix written in docs/security.md is what the gateway enforces: every
registered query, run by every role (reads on the demo town; writes checked and refused
before anything runs)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from data import queries
from data.store import Store
from domain.access import Access, Role, Viewer
from domain.errors import AccessDeniedError

ROOT = Path(__file__).resolve().parent.parent


def documented_matrix() -> dict[Access, set[Role]]:
    """The access class x role table between the matrix markers of docs/security.md."""
    text = (ROOT / "docs" / "security.md").read_text()
    block = text.split("<!-- matrix:start -->")[1].split("<!-- matrix:end -->")[0]
    rows = [r for r in block.strip().splitlines() if r.startswith("|")]
    roles = [Role(c.strip()) for c in rows[0].strip("|").split("|")[1:]]
    out: dict[Access, set[Role]] = {}
    for row in rows[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        out[Access(cells[0])] = {r for r, v in zip(roles, cells[1:], strict=True) if v == "yes"}
    return out


def test_the_documented_matrix_covers_every_access_class_and_role() -> None:
    matrix = documented_matrix()
    assert set(matrix) == set(Access)
    for access, roles in matrix.items():
        assert roles == {r for r in Role if Viewer("t", r, "t").may(access)}, access


def _params(spec: queries.QuerySpec, ids: dict[str, str]) -> dict[str, Any]:
    """Plausible values for every parameter of a read query, by name."""
    values: dict[str, Any] = {}
    for name in spec.params:
        if name in ("start", "since"):
            values[name] = date(2024, 1, 1)
        elif name in ("end", "as_of", "held_on"):
            values[name] = date(2026, 12, 31)
        elif name == "at":
            values[name] = datetime(2026, 1, 1)
        elif name in ("n", "hours", "position", "row_number"):
            values[name] = 5
        elif name == "probability":
            values[name] = 0.5
        elif name == "include_ungraded":
            values[name] = True
        elif name in ("kinds", "natures", "agencies", "indicators", "contexts", "place_kinds",
                      "person_ids", "item_ids", "incident_ids", "names", "language_flags",
                      "record_ids", "quarantine_ids", "texts"):
            values[name] = []
        elif name == "scope":
            values[name] = "place"
        elif name == "subject_kind":
            values[name] = "child"
        elif name == "min_intel":
            values[name] = None
        else:
            values[name] = ids.get(name, "YP")
    return values


@pytest.fixture(scope="module")
def ids(demo_store: Store) -> dict[str, str]:
    cur = demo_store.cursor
    person = cur.execute("SELECT person_id FROM person WHERE kind = 'child' LIMIT 1").fetchone()
    place = cur.execute("SELECT place_id FROM place WHERE kind = 'park' LIMIT 1").fetchone()
    group = cur.execute("SELECT group_id FROM peer_group LIMIT 1").fetchone()
    ward = cur.execute("SELECT ward_code FROM ward LIMIT 1").fetchone()
    assert person and place and group and ward
    return {"person_id": person[0], "place_id": place[0], "id": place[0], "group_id": group[0],
            "subject_id": person[0], "ward_code": ward[0]}


@pytest.mark.parametrize("role", list(Role))
def test_every_query_obeys_the_matrix_for_every_role(demo_store: Store, ids: dict[str, str],
                                                     role: Role) -> None:
    matrix = documented_matrix()
    viewer = Viewer(f"matrix-{role.value}", role, "checking the access matrix")
    checked = 0
    for spec in queries.all_specs():
        allowed = role in matrix[spec.access]
        if spec.write:
            if allowed:
                assert viewer.may(spec.access), spec.name
            else:  # refused before anything runs: parameters are not even needed
                with pytest.raises(AccessDeniedError):
                    demo_store.execute(spec.name, viewer, dict.fromkeys(spec.params))
            checked += 1
            continue
        params = _params(spec, ids)
        if allowed:
            result = demo_store.run(spec.name, viewer, params, limit=5)
            assert result.cap == 5, spec.name
        else:
            with pytest.raises(AccessDeniedError, match=re.escape(role.value)):
                demo_store.run(spec.name, viewer, params, limit=5)
        checked += 1
    assert checked == len(queries.all_specs())


def test_a_commissioner_reaches_only_reference_and_aggregate_queries() -> None:
    commissioner = Viewer("c", Role.COMMISSIONER, "t")
    reachable = {s.access for s in queries.all_specs() if commissioner.may(s.access)}
    assert reachable == {Access.REFERENCE, Access.AGGREGATE}
