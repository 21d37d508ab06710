"""Draw a folium map in a Streamlit page (streamlit-folium); the map itself is built by
:mod:`services.offline_map` and :mod:`services.panel_map`."""

from __future__ import annotations

from typing import Any

import folium
import streamlit as st  # noqa: F401  (a Streamlit component: st_folium draws into the page)


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
