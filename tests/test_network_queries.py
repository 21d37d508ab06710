"""Network queries through the gateway: filters, masking, audit, refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from data import network as netdata
from data.store import Store
from domain.access import Mode, Role, Viewer
from domain.errors import AccessDeniedError
from tests import network_town


@pytest.fixture
def town(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "town.duckdb", create=True)
    return network_town.build(store)


Q = netdata.NetworkQuery(start=date(2025, 1, 1), end=date(2025, 6, 30))


def test_links_filters(town: Store, panel: Viewer) -> None:
    def n(**kw: object) -> int:
        q = netdata.NetworkQuery(**{**Q.__dict__, **kw})  # type: ignore[arg-type]
        return len(town.frame("network.links", panel, q.link_params()))

    assert n() == 12
    assert n(kinds=("peer",)) == 6
    assert n(natures=("harmful",)) == 3
    assert n(agencies=("police",)) == 3
    assert n(min_intel="C") == 11  # drops the D-graded link, keeps ungraded
    assert n(min_intel="C", include_ungraded=False) == 2
    assert n(start=date(2025, 5, 1), end=date(2025, 6, 30)) == 1  # only A2-c1 still seen


def test_presences_filters(town: Store, panel: Viewer) -> None:
    """What the removed in-memory filter did, done once, by the query the pages use."""
    def n(**kw: object) -> int:
        q = netdata.NetworkQuery(**{**Q.__dict__, **kw})  # type: ignore[arg-type]
        return len(town.frame("network.presences", panel, q.presence_params()))

    assert n() == 5
    assert n(end=date(2025, 5, 1)) == 4  # the end day counts whole; 07:00 on 2 May does not
    assert n(start=date(2025, 5, 2)) == 1
    assert n(agencies=("sc",)) == 0 and n(agencies=("police",)) == 5
    assert n(min_intel="C") == 5 and n(min_intel="C", include_ungraded=False) == 0


def test_people_masked_unless_named(town: Store, panel: Viewer, analyst_named: Viewer) -> None:
    f = netdata.load(town, panel, Q)
    assert f.people["full_name"].isna().all()
    assert f.people["label"].str.match(r"^[A-Z]{2}-\d{3}$").all()
    named = netdata.load(town, analyst_named, Q)
    assert named.people["label"].str.startswith("Given").all()
    assert len(f.presences) == 5 and len(f.places) == 3


def test_commissioner_refused_and_audited(town: Store, commissioner: Viewer) -> None:
    with pytest.raises(AccessDeniedError):
        town.frame("network.links", commissioner, Q.link_params())
    audit = town.cursor.execute(
        "SELECT event_type FROM audit_event WHERE actor = 'test-commissioner'").fetchall()
    assert ("access_denied",) in audit


def test_personal_reads_audited(town: Store) -> None:
    v = Viewer("who", Role.ANALYST, "checking", Mode.PSEUDONYMISED)
    netdata.load(town, v, Q)
    n = town.cursor.execute(
        "SELECT count(*) FROM audit_event WHERE actor = 'who' AND event_type = 'consultation'"
    ).fetchone()
    assert n is not None and n[0] == 5  # people, places, links, presences, recorded groups
    assert netdata.fingerprint(town, v)
