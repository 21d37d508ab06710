"""Load the frames the network analytics need, through the gateway (role checks, masking,
audit). No analysis here: see :mod:`analytics.network` and :mod:`analytics.analysis`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from data.store import Store
from domain.access import Viewer

# Analysis needs every row in the window, not a screenful: the element cap and the
# "showing N of M" caption apply to what is drawn, not to what is analysed.
ANALYSIS_ROW_LIMIT = 50_000_000


@dataclass(frozen=True)
class NetworkFrames:
    """People, places, links and presences in a window, as the gateway returned them.

    ``people.label`` / ``places.name`` are pseudonyms / public names unless the viewer is
    in named mode. ``groups``: the recorded peer groups' memberships in the window (their
    names are what every page calls a peer group).
    """

    people: pd.DataFrame
    places: pd.DataFrame
    links: pd.DataFrame
    presences: pd.DataFrame
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class NetworkQuery:
    """The filters of a network view (see :mod:`data.queries.network`)."""

    start: date
    end: date
    kinds: tuple[str, ...] = ()
    natures: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    min_intel: str | None = None
    include_ungraded: bool = True

    def link_params(self) -> dict[str, object]:
        """Parameters of ``network.links``."""
        return {"start": self.start, "end": self.end, "kinds": list(self.kinds),
                "natures": list(self.natures), "agencies": list(self.agencies),
                "min_intel": self.min_intel, "include_ungraded": self.include_ungraded}

    def presence_params(self) -> dict[str, object]:
        """Parameters of ``network.presences``."""
        return {"start": self.start, "end": self.end, "agencies": list(self.agencies),
                "min_intel": self.min_intel, "include_ungraded": self.include_ungraded}


def load(store: Store, viewer: Viewer, query: NetworkQuery) -> NetworkFrames:
    """Every person, place, and the links and presences passing ``query``, for ``viewer``."""
    lim = ANALYSIS_ROW_LIMIT
    people = store.frame("network.people", viewer, limit=lim)
    places = store.frame("network.places", viewer, limit=lim)
    links = store.frame("network.links", viewer, query.link_params(), limit=lim)
    presences = store.frame("network.presences", viewer, query.presence_params(), limit=lim)
    groups = store.frame("network.groups", viewer, {"start": query.start, "end": query.end},
                         limit=lim)
    return NetworkFrames(people, places, links, presences, groups)


EVERYTHING = NetworkQuery(start=date(1900, 1, 1), end=date(9999, 12, 30))
"""A query that keeps every link and presence: what the network index is built from."""


def load_all(store: Store, viewer: Viewer) -> NetworkFrames:
    """Every person, place, link and presence, for ``viewer`` (filters are applied later, in
    memory, by :class:`analytics.analysis.NetworkIndex`)."""
    return load(store, viewer, EVERYTHING)


def fingerprint(store: Store, viewer: Viewer) -> str:
    """A short string that changes whenever network data changes (a cache key)."""
    row = store.frame("network.fingerprint", viewer).iloc[0]
    return "|".join(str(v) for v in row.tolist())
