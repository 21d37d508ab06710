"""Map: wards, places by kind, incident heat and clusters, homes with intra-familial harm,
online spaces beside the map; pick a place or ward for its location assessment."""

from __future__ import annotations

import streamlit as st

from dashboard import common
from dashboard.components import place_filters, place_map, repeat_locations

store, viewer, today = common.context()
st.title("Map: places and spaces")
st.caption("Where harm happens, on the real ward boundaries. Works with no internet. Switch "
           "layers in the box at the bottom right of the map. Click a ward or place (or pick one "
           "below) for its location assessment.")

params = place_filters.render(store, viewer, today)
view = place_map.load(store, viewer, params)
place_map.draw(view)
# the repeat-locations table and the profile are fragments: their own widgets rerun only
# them, so picking a place from the list does not send the map to the browser again
st.fragment(repeat_locations.render)(store, viewer, params, view.places.frame)
place_map.profile_section(store, viewer, params, view)
