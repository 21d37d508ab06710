"""Map: wards, places by kind, incident heat and clusters, homes with intra-familial harm,
online spaces beside the map; pick a place or ward for its location assessment."""

from __future__ import annotations

import streamlit as st

from dashboard import common
from dashboard.components import (
    map_view,
    place_filters,
    place_profile,
    repeat_locations,
    session_cache,
)
from domain import vocabulary
from services import offline_assets, offline_map, panel_map

SUBJECT_KEY = "map_subject"

ctx = common.context()
store, viewer = ctx.store, ctx.viewer
today = common.as_of(store)
st.title("Map: places and spaces")
st.caption("Where harm happens, on the real ward boundaries. Works with no internet. Switch "
           "layers in the box at the bottom right of the map. Click a ward or place (or pick one "
           "below) for its location assessment.")

params = place_filters.render(store, viewer, today)


def _load() -> tuple:  # type: ignore[type-arg]
    wards = panel_map.wards_frame(store.frame("reference.wards", viewer))
    places_res = store.run("places.map_places", viewer, params)
    homes = store.run("places.map_homes", viewer, params)
    online = store.frame("places.map_online", viewer, params)
    return (wards, places_res, homes, online,
            panel_map.prepare(wards, places_res.frame, homes.frame))


# a click on the map reruns the page: keep the map's data (queries, GeoJSON, heat image)
# while the filters are the same and lay it onto a new map each run (the same map to
# streamlit-folium, so the browser keeps its map, its zoom and the layers switched off in
# the map's own layer box, which needs no rerun at all).
data_key = (viewer, repr(sorted(params.items())))
wards, places_res, homes_res, online, map_data = session_cache.remember("map", data_key, _load)
homes = homes_res.frame
try:
    fmap = panel_map.draw(map_data)
except offline_assets.OfflineAssetError as exc:  # a programming error, shown readably
    common.show_error(exc)
    st.stop()
places = places_res.frame
left, right = st.columns([3, 1])
with left:
    clicked = map_view.show(fmap, key="panel_map", height=560)
    st.markdown(offline_map.legend_markdown(panel_map.legend_items(places["kind"].tolist())),
                unsafe_allow_html=True)
    common.show_truncation(places_res)
with right:
    st.markdown("**Online spaces** (no location)")
    st.dataframe(online[["name", "platform", "incidents", "children", "latest"]],
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
    common.show_truncation(homes_res)

feature = (clicked.get("last_active_drawing") or {}).get("properties") or {}
click = (feature.get("scope"), str(feature.get("id")))
if click[0] in ("place", "ward") and click != st.session_state.get("map_last_click"):
    st.session_state["map_last_click"] = click  # a new click on the map
    st.session_state[SUBJECT_KEY] = click


# the repeat-locations table and the profile are fragments: their own widgets rerun only
# them, so picking a place from the list does not send the map to the browser again
st.fragment(repeat_locations.render)(store, viewer, params, places)


def _pick(scope: str, key: str) -> None:
    if st.session_state.get(key):
        st.session_state[SUBJECT_KEY] = (scope, st.session_state[key])


ward_names = dict(zip(wards["ward_code"], wards["name"], strict=True))
place_names = dict(zip(places["place_id"], places["name"], strict=True)) | dict(
    zip(online["place_id"], online["name"], strict=True))


@st.fragment
def _profile_section() -> None:
    """Pick a place or ward (or click one on the map, above) and see its profile."""
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
        place_profile.render(store, viewer, scope=scope, subject_id=subject,
                                             title=title, params=params)
    else:
        st.info("Pick a place or a ward to see its location assessment.",
                icon=":material/place:")


_profile_section()
