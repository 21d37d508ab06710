"""The Map page's map: its data kept per session while the filters stay the same, the map
with the online spaces and busiest places beside it, and the place / ward profile picker.

Owns the session-state keys ``map_subject`` (the place or ward profiled), ``map_last_click``,
``map_pick_place`` and ``map_pick_ward``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import common
from dashboard.components import map_view, place_profile, session_cache
from data.store import QueryResult, Store
from domain import vocabulary
from domain.access import Viewer
from services import panel_map
from services.panel_map import MapData

SUBJECT_KEY = "map_subject"
LAST_CLICK_KEY = "map_last_click"


@dataclass(frozen=True)
class MapView:
    """What the Map page shows for one set of filters: wards, places, homes, online spaces
    and the prepared map data (escaped GeoJSON, clusters, heat image)."""

    wards: pd.DataFrame
    places: QueryResult
    homes: QueryResult
    online: pd.DataFrame
    data: MapData

    @property
    def place_names(self) -> dict[str, str]:
        """Place id -> safe display name, for places on the map and online spaces."""
        frame = pd.concat([self.places.frame[["place_id", "name"]],
                           self.online[["place_id", "name"]]])
        return dict(zip(frame["place_id"], frame["name"], strict=True))

    @property
    def ward_names(self) -> dict[str, str]:
        """Ward code -> ward name."""
        return dict(zip(self.wards["ward_code"], self.wards["name"], strict=True))


def load(store: Store, viewer: Viewer, params: dict[str, Any]) -> MapView:
    """The map's data for these filters, read once and kept for the browser session.

    A click on the map reruns the page: the data stays while the filters are the same and is
    laid onto a new map each run (the same map to streamlit-folium, so the browser keeps its
    map, its zoom and the layers switched off in the map's own layer box).
    """
    def _read() -> MapView:
        wards = panel_map.wards_frame(store.frame("reference.wards", viewer))
        places = store.run("places.map_places", viewer, params)
        homes = store.run("places.map_homes", viewer, params)
        online = store.frame("places.map_online", viewer, params)
        return MapView(wards, places, homes, online,
                       panel_map.prepare(wards, places.frame, homes.frame))

    return session_cache.remember("map", (viewer, repr(sorted(params.items()))), _read)


def draw(view: MapView) -> None:
    """The map (click a ward or place to profile it) with online spaces and busiest places."""
    places, homes = view.places.frame, view.homes.frame
    left, right = st.columns([3, 1])
    with left:
        clicked = map_view.show(panel_map.draw(view.data), key="panel_map", height=560)
        map_view.legend(panel_map.legend_items(places["kind"].tolist()))
        common.show_truncation(view.places)
    with right:
        st.markdown("**Online spaces** (no location)")
        st.dataframe(view.online[["name", "platform", "incidents", "children", "latest"]],
                     hide_index=True, width="stretch",
                     column_config={"name": "Space", "children": "Children"})
        st.markdown("**Busiest places**")
        busiest = places[places["incidents"] > 0].head(8)
        st.dataframe(busiest.assign(kind=busiest["kind"].map(vocabulary.label))[
            ["name", "kind", "incidents", "children"]], hide_index=True, width="stretch")
        st.metric("Homes with intra-familial incidents",
                  int(homes["homes"].sum()) if not homes.empty else 0,
                  help="Drawn as purple clusters of counts on a grid of about 500 m: the map "
                       "never shows which house.")
        common.show_truncation(view.homes)
    feature = (clicked.get("last_active_drawing") or {}).get("properties") or {}
    click = (feature.get("scope"), str(feature.get("id")))
    if click[0] in ("place", "ward") and click != st.session_state.get(LAST_CLICK_KEY):
        st.session_state[LAST_CLICK_KEY] = click  # a new click on the map
        st.session_state[SUBJECT_KEY] = click


def _pick(scope: str, key: str) -> None:
    if st.session_state.get(key):
        st.session_state[SUBJECT_KEY] = (scope, st.session_state[key])


@st.fragment
def profile_section(store: Store, viewer: Viewer, params: dict[str, Any],
                    view: MapView) -> None:
    """Pick a place or ward (or click one on the map) and see its location assessment.

    A fragment: picking reruns only this part, so the map is not sent to the browser again.
    """
    place_names, ward_names = view.place_names, view.ward_names
    pick_place, pick_ward = st.columns(2)
    pick_place.selectbox(
        "Profile a place", [None, *place_names],
        format_func=lambda p: "Choose a place" if p is None else place_names[p],
        key="map_pick_place", on_change=_pick, args=("place", "map_pick_place"))
    pick_ward.selectbox(
        "Profile a ward", [None, *sorted(ward_names, key=ward_names.__getitem__)],
        format_func=lambda w: "Choose a ward" if w is None else ward_names[w],
        key="map_pick_ward", on_change=_pick, args=("ward", "map_pick_ward"))
    scope, subject = st.session_state.get(SUBJECT_KEY, (None, None))
    names = place_names if scope == "place" else ward_names
    if subject in names:
        title = names[subject] if scope == "place" else f"{names[subject]} ward"
        place_profile.render(store, viewer, scope=scope, subject_id=subject, title=title,
                             params=params)
    else:
        st.info("Pick a place or a ward to see its location assessment.",
                icon=":material/place:")
