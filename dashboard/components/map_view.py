"""Draw a folium map in a Streamlit page (streamlit-folium); the map itself is built by
:mod:`services.offline_map` and :mod:`services.panel_map`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import streamlit as st

from services import offline_map


def show(m: folium.Map, *, key: str, height: int = 600,
         clickable: bool = True) -> dict[str, Any]:
    """Draw the map with streamlit-folium; returns what was clicked (``last_active_drawing``).

    ``clickable=False`` returns nothing to the app (the commissioners' map: no drill-down).
    """
    from streamlit_folium import st_folium

    # render=False: streamlit-folium renders the map itself (``Map.render``) either way; its
    # extra whole-page render only repeats the work for a map drawn fresh each run, as ours
    # are (a test checks both give the component the same arguments)
    out = st_folium(m, key=key, height=height, use_container_width=True,
                    returned_objects=["last_active_drawing"] if clickable else [],
                    render=False)
    return dict(out or {})


def legend(items: Sequence[tuple[str, str]], *, shape: str = "circle") -> None:
    """Draw a map legend of (colour, label) pairs: the one place a map legend reaches the page
    as HTML, built by :func:`services.offline_map.legend_markdown`, which escapes every label
    (and the colour) so no record-derived text is markup."""
    st.markdown(offline_map.legend_markdown(items, shape=shape), unsafe_allow_html=True)
