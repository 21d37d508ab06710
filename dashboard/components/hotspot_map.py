"""The commissioners' ward maps: a published rate per 1,000 children by fifths (fill), the
neighbourhood clusters (Gi* outline) kept apart from it and said in words, ward names always
shown, suppressed wards grey; no drill-down."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from analytics import commissioning as comm
from dashboard.components import map_view
from services import map_layers, offline_map

RATE_COLOURS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]
HOT, COLD, HIDDEN = "#b2182b", "#2166ac", "#d9d9d9"


def _rate_text(r: object) -> str:
    return "*" if r is None or r != r else f"{float(r):.1f}"  # type: ignore[arg-type]


def show(wards: gpd.GeoDataFrame, body: pd.DataFrame, *, rate: str, rate_label: str,
         key: str, spots: bool = True) -> None:
    """Draw a ward map from a suppressed ward table: fill by the published ``rate`` column,
    and (with ``spots``) the Gi* neighbourhood as an outline, both explained on hover."""
    classes = comm.rate_classes(body[rate], k=len(RATE_COLOURS)).classes
    fills = [HIDDEN if c is None else RATE_COLOURS[c] for c in classes]
    words = comm.describe_wards(body.assign(hotspot=body.get("hotspot", "ns"),
                                            lisa=body.get("lisa", "ns")), rate)
    geo = wards[["ward_code", "geometry"]].merge(body.assign(
        shown=body["incidents"].astype(str),
        rate_shown=[f"{_rate_text(r)} ({b})" for r, b in zip(body[rate], words["rate_band"],
                                                               strict=True)],
        spot=words["neighbourhood"], note=words["note"]), on="ward_code")
    tooltip = ["name", "shown", "rate_shown"]
    aliases = ["Ward", "Incidents", f"{rate_label} (this ward)"]
    if spots:
        tooltip += ["spot", "note"]
        aliases += ["Neighbourhood (Gi*)", "Note"]
    outlines = ([{"hot": HOT, "cold": COLD}.get(h) for h in body["hotspot"]] if spots
                else None)
    m = offline_map.base_map(wards.total_bounds, height=520)
    map_layers.add_areas(m, geo, name=rate_label, tooltip=tooltip, aliases=aliases,
                         fill=fills, outline=outlines, fill_opacity=0.75)
    map_layers.add_area_labels(m, wards, column="name")
    map_view.show(offline_map.finish(m, layer_control=False), key=key, height=520,
                  clickable=False)
    legend = [(RATE_COLOURS[0], "lowest fifth"), (RATE_COLOURS[-1], "highest fifth"),
              (HIDDEN, "suppressed")]
    if spots:
        legend += [(HOT, "hot spot outline"), (COLD, "cold spot outline")]
    st.markdown(offline_map.legend_markdown(legend, shape="square"), unsafe_allow_html=True)
    st.caption(f"**Fill: the ward's own {rate_label.lower()}**, by fifths of the published "
               "rates." + (" **Outline: its neighbourhood** (Getis-Ord Gi*: the ward and the "
                           "wards around it taken together). A ward with a high rate of its "
                           "own can sit in a cold spot when its neighbours are low, and the "
                           "other way round: hover a ward to read both." if spots else ""))
