"""The synthetic demo town: determinism, sizes, constraints, planted truth, errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
import shapely

from data import generate
from data.store import WRITABLE_TABLES, Store
from domain.errors import ValidationError


def _q(store: Store, sql: str) -> pd.DataFrame:
    return store.cursor.execute(sql).df()


def _fingerprint(path: Path) -> dict[str, str]:
    """A hash of every domain table's rows in a fixed order."""
    out = {}
    with Store.open(path, read_only=True) as store:
        for table in WRITABLE_TABLES:
            rows = store.cursor.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()  # noqa: S608
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def test_same_seed_same_database_different_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "c.duckdb"
    generate.generate(a, seed=11)
    generate.generate(b, seed=11)
    generate.generate(c, seed=12)
    fa, fb, fc = _fingerprint(a), _fingerprint(b), _fingerprint(c)
    assert fa == fb
    assert fa["person"] != fc["person"] and fa["incident"] != fc["incident"]
    assert fa["ward"] == fc["ward"] and fa["agency"] == fc["agency"]


def test_small_counts_in_range_and_fast(tmp_path: Path) -> None:
    report = generate.generate(tmp_path / "s.duckdb")
    c = report.counts
    assert 280 <= c["children"] <= 320
    assert 120 <= c["adults"] <= 180
    assert 1_500 <= c["incident"] <= 5_000
    assert c["ward"] == 52
    assert c["agency"] == 8
    assert report.seconds < 5
    text = report.summary()
    assert "300 children" in text and "seed 7" in text and "synthetic" in text


def test_meta_and_window(demo_store: Store) -> None:
    meta = demo_store.meta()
    assert meta["synthetic"] == "true" and meta["size"] == "small" and meta["seed"] == "7"
    assert meta["as_of"] == generate.AS_OF.isoformat()
    lo, hi = demo_store.cursor.execute(
        "SELECT min(occurred_at), max(occurred_at) FROM incident").fetchone() or (None, None)
    assert str(lo) >= meta["window_start"] and str(hi) < meta["as_of"]


def test_every_ward_has_children_and_places_lie_inside_their_ward(demo_store: Store) -> None:
    wards = _q(demo_store, "SELECT ward_code, child_population, geometry_wkb FROM ward")
    assert len(wards) == 52 and (wards["child_population"] > 0).all()
    assert 60_000 <= wards["child_population"].sum() <= 90_000
    geom = {r.ward_code: shapely.from_wkb(bytes(r.geometry_wkb)) for r in wards.itertuples()}
    places = _q(demo_store, "SELECT ward_code, lon, lat FROM place WHERE kind <> 'online'")
    for code, grp in places.groupby("ward_code"):
        assert shapely.contains_xy(geom[str(code)], grp["lon"], grp["lat"]).all()


def test_online_spaces_have_no_geometry(demo_store: Store) -> None:
    online = _q(demo_store, "SELECT * FROM place WHERE kind = 'online'")
    assert len(online) >= 3
    assert online["lon"].isna().all() and online["lat"].isna().all()
    assert online["ward_code"].isna().all() and online["platform"].notna().all()
    chats = _q(demo_store, """
        SELECT pr.kind, p.kind AS person_kind FROM presence pr
        JOIN place pl USING (place_id) JOIN person p USING (person_id)
        WHERE pl.kind = 'online'""")
    assert set(chats["kind"]) == {"frequents"}
    assert {"child", "adult_of_concern"} <= set(chats["person_kind"])


def test_people_are_plausible(demo_store: Store) -> None:
    kids = _q(demo_store, "SELECT * FROM person WHERE kind = 'child'")
    assert kids["age_years"].between(10, 17).all()
    assert set(kids["sex"]) <= {"F", "M", "U"} and {"F", "M"} <= set(kids["sex"])
    assert kids["ethnicity"].nunique() >= 4
    assert kids["home_place_id"].notna().all() and kids["school_place_id"].notna().all()
    assert 0.05 < kids["looked_after"].mean() < 0.25
    kinds = set(_q(demo_store, "SELECT DISTINCT kind FROM person")["kind"])
    assert kinds == {"child", "adult_of_concern", "trusted_adult", "professional"}
    # a few dozen mundane children: no concern, no harmful link, no incident
    mundane = _q(demo_store, """
        SELECT p.person_id FROM person p WHERE p.kind = 'child'
          AND NOT EXISTS (SELECT 1 FROM concern c WHERE c.person_id = p.person_id)
          AND NOT EXISTS (SELECT 1 FROM incident_person i WHERE i.person_id = p.person_id)
          AND NOT EXISTS (SELECT 1 FROM link l WHERE l.nature = 'harmful'
                          AND p.person_id IN (l.source_person_id, l.target_person_id))""")
    assert 20 <= len(mundane) <= 80


def test_every_incident_kind_and_roles(demo_store: Store) -> None:
    kinds = set(_q(demo_store, "SELECT DISTINCT kind FROM incident")["kind"])
    assert kinds == set(generate.INCIDENT_AGENCY)
    roles = _q(demo_store, """
        SELECT p.kind, ip.role, count(*) AS n
        FROM incident_person ip JOIN person p USING (person_id) GROUP BY ALL""")
    child_roles = set(roles.loc[roles["kind"] == "child", "role"])
    assert child_roles == {"victim", "at_risk", "witness"}
    adult_roles = set(roles.loc[roles["kind"] == "adult_of_concern", "role"])
    assert adult_roles == {"person_of_concern", "subject"}
    bad = _q(demo_store, """
        SELECT count(*) AS n FROM concern c JOIN person p USING (person_id)
        WHERE (p.kind = 'child' AND c.role = 'person_of_concern')
           OR (p.kind = 'adult_of_concern' AND c.role <> 'person_of_concern')""")
    assert bad["n"].iat[0] == 0
    # intra-familial harm at the child's own home; RHIs carry the child's words
    da = _q(demo_store, """
        SELECT count(*) AS n, count(*) FILTER (
                   WHERE pl.kind <> 'home' OR i.harm_context <> 'intra_familial') AS bad
        FROM incident i JOIN place pl USING (place_id) WHERE i.kind = 'domestic_abuse_at_home'""")
    assert da["n"].iat[0] > 0 and da["bad"].iat[0] == 0
    rhi = _q(demo_store, "SELECT child_words FROM incident WHERE kind = 'rhi_disclosure'")
    assert rhi["child_words"].notna().all()
    online = _q(demo_store, """SELECT pl.kind FROM incident i JOIN place pl USING (place_id)
                               WHERE i.kind = 'online_contact'""")
    assert set(online["kind"]) == {"online"}
    found = _q(demo_store, """
        SELECT count(*) AS n FROM incident i
        WHERE i.kind = 'missing_episode' AND NOT EXISTS (
            SELECT 1 FROM presence p WHERE p.incident_id = i.incident_id
              AND p.kind = 'found_at_after_missing')""")
    assert found["n"].iat[0] == 0


def test_provenance_grading_and_protective_links(demo_store: Store) -> None:
    links = _q(demo_store, "SELECT * FROM link")
    assert {"harmful", "protective", "unknown"} <= set(links["nature"])
    assert {"trusted_adult", "professional", "peer", "family"} <= set(links["kind"])
    assert (links["last_seen"] >= links["first_seen"]).all()
    harmful = links[links["nature"] == "harmful"]
    assert not harmful["verified"].all() and harmful["verified"].any()
    assert (harmful["grading_source"] == 3).any()  # some weak intelligence
    assert harmful["evidence"].map(len).sum() > 0
    assert _q(demo_store, "SELECT count(*) AS n FROM strength")["n"].iat[0] > 0
    # evidence is incidents in which both people of the link took part, within its dates
    ev = _q(demo_store, """
        WITH e AS (SELECT link_id, source_person_id AS a, target_person_id AS c, first_seen,
                          last_seen, unnest(evidence) AS iid FROM link)
        SELECT count(*) AS n, count(*) FILTER (WHERE
            NOT EXISTS (SELECT 1 FROM incident_person ip WHERE ip.incident_id = e.iid
                        AND ip.person_id = e.a)
            OR NOT EXISTS (SELECT 1 FROM incident_person ip WHERE ip.incident_id = e.iid
                           AND ip.person_id = e.c)
            OR (SELECT i.occurred_at::DATE FROM incident i WHERE i.incident_id = e.iid)
               NOT BETWEEN e.first_seen AND e.last_seen + 3) AS bad
        FROM e""")
    assert ev["n"].iat[0] > 0 and ev["bad"].iat[0] == 0


def test_hub_places_are_busy_with_many_groups_in_the_evening(demo_store: Store) -> None:
    hubs = _q(demo_store, """
        SELECT pt.object_id AS place_id, pl.kind FROM planted_truth pt
        JOIN place pl ON pl.place_id = pt.object_id WHERE pt.kind = 'hub_place'""")
    assert set(hubs["kind"]) == {"takeaway", "hotel", "park", "transport_hub"}
    per_place = _q(demo_store, """
        SELECT pr.place_id, count(DISTINCT pr.person_id) AS children,
               count(DISTINCT pt.detail) AS groups
        FROM presence pr JOIN person p USING (person_id)
        LEFT JOIN planted_truth pt ON pt.kind = 'peer_group_member' AND pt.object_id = p.person_id
        WHERE p.kind = 'child' AND pr.kind <> 'lives_at' GROUP BY pr.place_id""")
    top = per_place.nlargest(len(hubs), "children")
    assert set(top["place_id"]) == set(hubs["place_id"])
    assert (top["groups"] >= 4).all() and (top["children"] >= 25).all()
    hours = _q(demo_store, """
        SELECT hour(seen_at) AS h, dayofweek(seen_at) AS d FROM presence
        WHERE place_id IN (SELECT object_id FROM planted_truth WHERE kind = 'hub_place')""")
    evening = hours["h"] >= 16
    weekend = hours["d"].isin([0, 5, 6])
    assert evening.mean() > 0.8 and weekend.mean() > 0.5


def test_groups_meet_at_hubs_within_hours(demo_store: Store) -> None:
    """Co-presence: children of different groups seen at a hub within 2 hours of each other;
    at ordinary places only children of one group are seen together."""
    pairs = _q(demo_store, """
        WITH s AS (
            SELECT pr.person_id, pr.place_id, pr.seen_at, t.detail AS grp
            FROM presence pr JOIN person p USING (person_id)
            LEFT JOIN planted_truth t
                   ON t.kind = 'peer_group_member' AND t.object_id = pr.person_id
            WHERE p.kind = 'child' AND pr.kind = 'seen_at')
        SELECT a.place_id,
               a.place_id IN (SELECT object_id FROM planted_truth WHERE kind = 'hub_place')
                   AS hub,
               count(DISTINCT (a.person_id, b.person_id)) AS cross_pairs
        FROM s a JOIN s b ON a.place_id = b.place_id AND a.person_id < b.person_id
             AND a.grp <> b.grp AND abs(epoch(a.seen_at) - epoch(b.seen_at)) <= 7200
        GROUP BY ALL""")
    hubs = pairs[pairs["hub"]]
    assert len(hubs) == 4 and (hubs["cross_pairs"] >= 20).all()
    assert pairs.loc[~pairs["hub"], "cross_pairs"].sum() < hubs["cross_pairs"].min()


def _network(store: Store) -> tuple[nx.Graph, dict[str, str], set[str]]:
    links = _q(store, """
        SELECT source_person_id AS s, target_person_id AS t FROM link
        WHERE nature <> 'protective'""")
    g = nx.from_pandas_edgelist(links, "s", "t")
    groups = _q(store, "SELECT object_id, detail FROM planted_truth "
                       "WHERE kind = 'peer_group_member'")
    fac = set(_q(store, "SELECT object_id FROM planted_truth "
                        "WHERE kind = 'facilitator'")["object_id"])
    return g, dict(zip(groups["object_id"], groups["detail"], strict=True)), fac


def test_facilitators_bridge_otherwise_separate_groups(demo_store: Store) -> None:
    g, group_of, fac = _network(demo_store)
    assert 3 <= len(fac) <= 5
    for f in fac:
        assert len({group_of[n] for n in g[f] if n in group_of}) >= 2
    without = g.copy()
    without.remove_nodes_from(fac)
    for comp in nx.connected_components(without):
        assert len({group_of[n] for n in comp if n in group_of}) <= 1
    # degree and betweenness disagree: hub adults have the highest degree, facilitators the
    # highest betweenness among adults of concern
    hub_adults = set(_q(demo_store, "SELECT object_id FROM planted_truth WHERE kind = 'hub_adult'")
                     ["object_id"])
    adults = set(_q(demo_store, "SELECT person_id FROM person WHERE kind = 'adult_of_concern'")
                 ["person_id"]) & set(g)
    by_degree = sorted(adults, key=lambda a: -g.degree(a))[: len(hub_adults)]
    assert set(by_degree) == hub_adults
    bc = nx.betweenness_centrality(g)
    assert max(adults, key=lambda a: bc[a]) in fac
    assert min(bc[f] for f in fac) > max(bc[h] for h in hub_adults)
    others = sorted(bc[a] for a in adults - fac - hub_adults)
    assert sum(bc[f] for f in fac) / len(fac) > others[int(len(others) * 0.9)]


def test_facilitators_introduce_children_to_other_adults_later(demo_store: Store) -> None:
    links = _q(demo_store, """
        SELECT l.source_person_id AS a, l.target_person_id AS c, l.first_seen
        FROM link l JOIN person p ON p.person_id = l.source_person_id
        WHERE p.kind = 'adult_of_concern' AND l.nature = 'harmful'
          AND l.target_person_id LIKE 'C%'""")
    fac = _q(demo_store, "SELECT object_id FROM planted_truth WHERE kind = 'facilitator'")
    for f in fac["object_id"]:
        mine = links[links["a"] == f]
        later = mine.merge(links[links["a"] != f], on="c", suffixes=("_f", "_b"))
        assert (later["first_seen_b"] > later["first_seen_f"]).any(), f


def test_no_child_is_planted_as_hub_or_facilitator(demo_store: Store) -> None:
    rows = _q(demo_store, """
        SELECT pt.kind, p.kind AS person_kind FROM planted_truth pt
        JOIN person p ON p.person_id = pt.object_id
        WHERE pt.kind IN ('hub_place', 'facilitator', 'hub_adult')""")
    assert set(rows["person_kind"]) == {"adult_of_concern"}
    n = _q(demo_store, "SELECT count(*) AS n FROM planted_truth WHERE kind = 'hub_place'")
    assert n["n"].iat[0] == 4


def test_escalation_cases_show_the_pattern(demo_store: Store) -> None:
    esc = _q(demo_store, "SELECT object_id, detail FROM planted_truth WHERE kind = 'escalation'")
    assert 2 <= len(esc) <= 5
    as_of = pd.Timestamp(generate.AS_OF)
    for child in esc["object_id"]:
        inc = _q(demo_store, f"""
            SELECT i.kind, i.occurred_at FROM incident i JOIN incident_person ip USING (incident_id)
            WHERE ip.person_id = '{child}' AND ip.role <> 'witness'""")  # noqa: S608
        miss = inc.loc[inc["kind"] == "missing_episode", "occurred_at"]
        late = (miss >= as_of - pd.Timedelta(days=90)).sum()
        assert late >= 4 and late > (miss < as_of - pd.Timedelta(days=90)).sum()
        od = inc.loc[inc["kind"] == "overdose", "occurred_at"]
        assert len(od) == 1 and od.iat[0] >= as_of - pd.Timedelta(days=90)
        newest = _q(demo_store, f"""
            SELECT max(first_seen) AS d
            FROM link l JOIN person p ON p.person_id = l.source_person_id
            WHERE l.target_person_id = '{child}' AND p.kind = 'adult_of_concern'""")  # noqa: S608
        assert pd.Timestamp(newest["d"].iat[0]) >= as_of - pd.Timedelta(days=90)


def test_duplicate_records_vary_spelling_or_birth_date(demo_store: Store) -> None:
    dup = _q(demo_store, "SELECT object_id FROM planted_truth WHERE kind = 'duplicate_record'")
    assert len(dup) >= 20
    recs = _q(demo_store, """
        SELECT r.*, p.given_name AS pg, p.family_name AS pf, p.date_of_birth AS pd
        FROM person_record r JOIN planted_truth t ON t.kind = 'duplicate_record'
             AND r.record_id IN (SELECT unnest(regexp_extract_all(t.detail, 'R[A-Z]{3}\\d+')))
        JOIN person p ON p.person_id = t.object_id WHERE r.agency_id <> 'CSC'""")
    assert len(recs) >= len(dup)
    differs = ((recs["given_name"] != recs["pg"]) | (recs["family_name"] != recs["pf"])
               | (recs["date_of_birth"] != recs["pd"]))
    assert differs.all()
    assert recs["person_id"].isna().any() and recs["person_id"].notna().any()
    assert len(set(recs["agency_id"])) >= 2


def test_peer_groups_match_memberships(demo_store: Store) -> None:
    mism = _q(demo_store, """
        SELECT count(*) AS n FROM planted_truth t
        LEFT JOIN group_membership m ON m.person_id = t.object_id AND m.group_id = t.detail
        WHERE t.kind = 'peer_group_member' AND m.group_id IS NULL""")
    assert mism["n"].iat[0] == 0
    assert _q(demo_store, "SELECT count(*) AS n FROM peer_group")["n"].iat[0] >= 10


def test_unknown_size_and_existing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="choose one of small, county, national"):
        generate.generate(tmp_path / "x.duckdb", size="huge")
    existing = tmp_path / "there.duckdb"
    existing.write_bytes(b"keep me")
    with pytest.raises(ValidationError, match="--force"):
        generate.generate(existing)
    assert existing.read_bytes() == b"keep me"
    generate.generate(existing, force=True)
    assert existing.stat().st_size > 1000


def test_folder_and_bad_seed_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is a folder"):
        generate.generate(tmp_path, force=True)
    with pytest.raises(ValidationError, match="whole number"):
        generate.generate(tmp_path / "x.duckdb", seed=-1)
    assert list(tmp_path.iterdir()) == []


def test_failure_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kw: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(generate, "_build_block", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        generate.generate(tmp_path / "x.duckdb")
    assert list(tmp_path.iterdir()) == []


def test_cli_generate(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    out = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, ["generate", "--size", "small", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "synthetic demo town" in result.output and out.exists()
    again = CliRunner().invoke(app, ["generate", "--out", str(out)])
    assert again.exit_code != 0 and "--force" in again.output


@pytest.mark.parametrize("n", [0, 1, 3, 4, 10, 11, 12, 171, 5850])
def test_group_sizes_add_up(n: int) -> None:
    import numpy as np

    for seed in range(30):
        sizes = generate._group_sizes(np.random.default_rng(seed), n)
        assert sizes.sum() == n
        if n >= 4:
            assert sizes.min() >= 3 and sizes.max() <= 11


@pytest.mark.slow
def test_county_size_in_range_and_within_target(tmp_path: Path) -> None:
    report = generate.generate(tmp_path / "county.duckdb", size="county")
    c = report.counts
    assert c["children"] == 10_000 and c["adults"] == 5_000
    assert 1_800 <= c["place"] - c["homes"] <= 2_200
    assert 180_000 <= c["incident"] <= 220_000
    assert 90_000 <= c["link"] <= 110_000
    assert report.seconds < 60
    assert report.planted["hub_place"] == 24 and report.planted["facilitator"] == 40
