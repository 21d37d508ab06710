"""The Overview groups incidents as panels think of them: sexual assault, self-harm and
overdose stand apart, harm at home is one group, and nothing is filed under "Other"."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics import overview
from dashboard import common
from data.store import Store
from domain import vocabulary
from domain.access import Viewer


def test_every_incident_kind_has_a_panel_group() -> None:
    assert set(vocabulary.INCIDENT_GROUP_OF) == set(vocabulary.INCIDENT_KINDS.codes)
    assert set(vocabulary.INCIDENT_GROUP_OF.values()) == set(vocabulary.INCIDENT_GROUPS.codes)
    assert "other" not in vocabulary.INCIDENT_GROUPS


def test_the_overview_series_keeps_sexual_assault_self_harm_and_overdose_apart(
        demo_store: Store, panel: Viewer) -> None:
    today = common.as_of(demo_store)
    monthly = demo_store.frame("overview.incidents_by_month_kind", panel,
                               {"start": today.replace(day=1, year=today.year - 1),
                                "end": today})
    table = overview.monthly_series(overview.panel_groups(monthly), by="group",
                                    top=len(vocabulary.INCIDENT_GROUPS))
    assert {"sexual_assault", "self_harm", "overdose", "harm_at_home"} <= set(table.columns)
    assert "other" not in table.columns
    assert int(table.to_numpy().sum()) == int(monthly["incidents"].sum())  # nothing lost
    labels = table.rename(columns=vocabulary.INCIDENT_GROUPS.label).columns
    assert {"Sexual assault", "Self-harm", "Overdose"} <= set(labels)


def test_an_unknown_kind_is_refused_not_filed_under_other() -> None:
    frame = pd.DataFrame({"month": [date(2026, 1, 1)], "kind": ["new_kind"], "incidents": [3]})
    with pytest.raises(ValueError, match="no panel group"):
        overview.panel_groups(frame)
