"""The data half of the map layers: escaped GeoJSON, cluster rows and a heat image, made
from query frames and worth keeping while those stay the same (no folium here).

Every data string goes through :func:`services.offline_map.safe`: HTML escape,
then ``$``, backtick, backslash and braces as entities, so no name can run as script or as a
template. :mod:`services.map_layers` lays these onto a folium map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from services.offline_map import safe


def _clean_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in props.items():
        if k == "style":
            out[k] = v
        elif isinstance(v, str):
            out[k] = safe(v)
        elif v is None or (isinstance(v, float) and pd.isna(v)):
            out[k] = None
        elif hasattr(v, "item"):
            out[k] = v.item()
        elif isinstance(v, int | float | bool):
            out[k] = v
        else:
            out[k] = safe(v)
    return out


def _feature_collection(frame: gpd.GeoDataFrame, columns: Sequence[str],
                        styles: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    frame = frame.to_crs("EPSG:4326")
    geo = json.loads(frame[[*columns, "geometry"]].to_json(drop_id=True, na="null"))
    for feature, style in zip(geo["features"], styles, strict=True):
        feature["properties"] = _clean_properties({**feature["properties"],
                                                   "style": dict(style)})
    if len(frame):
        geo["bbox"] = [round(float(b), 6) for b in frame.total_bounds]
    return geo


def lighten(areas: gpd.GeoDataFrame, *, tolerance: float = 0.0001) -> gpd.GeoDataFrame:
    """Boundaries simplified (about 10 m) and rounded to 5 decimals (1 m): a lighter page."""
    geo = areas.to_crs("EPSG:4326")
    simple = geo.geometry.simplify(tolerance, preserve_topology=True)
    rounded = shapely.transform(simple.to_numpy(), lambda xy: np.round(xy, 5))
    return geo.set_geometry(gpd.GeoSeries(rounded, index=geo.index, crs="EPSG:4326"))


def area_features(areas: gpd.GeoDataFrame, *, fields: Sequence[str],
                  fill: Sequence[str | None] | None = None, fill_opacity: float = 0.6,
                  weight: float = 1.2,
                  outline: Sequence[str | None] | None = None) -> dict[str, Any]:
    """Polygons as an escaped GeoJSON FeatureCollection: outline only, or filled with
    ``fill`` colours; ``fields`` columns ride along in the feature properties. The data half
    of :func:`add_areas`, worth keeping while its inputs stay the same."""
    areas = lighten(areas)
    fills = list(fill) if fill is not None else [None] * len(areas)
    lines = list(outline) if outline is not None else [None] * len(areas)
    styles = [{"color": o or "#3a3a3a", "weight": weight * 2.5 if o else weight,
               "fill": True, "fillColor": f or "#ffffff",
               "fillOpacity": fill_opacity if f else 0.0}
              for f, o in zip(fills, lines, strict=True)]
    return _feature_collection(areas, list(dict.fromkeys(fields)), styles)


def point_features(points: pd.DataFrame, *, fields: Sequence[str], colour: Sequence[str],
                   radius: Sequence[float], dashed: bool = False) -> dict[str, Any] | None:
    """Points with ``lon``/``lat`` as an escaped GeoJSON FeatureCollection (None when there
    are none); ``fields`` columns ride along in the properties."""
    located = points["lon"].notna() & points["lat"].notna()
    pts = points[located]
    if pts.empty:
        return None
    keep = list(dict.fromkeys(fields))
    # only what differs per point rides with each feature; the rest is the marker's default
    styles: list[dict[str, Any]] = [
        {"radius": round(float(r), 1), "fillColor": c, **({"color": c} if dashed else {})}
        for c, r, ok in zip(list(colour), list(radius), located, strict=True) if ok]
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in rec.items()} for rec in pts[keep].to_dict("records")]
    lon = np.round(pts["lon"].to_numpy(dtype=float), 5).tolist()
    lat = np.round(pts["lat"].to_numpy(dtype=float), 5).tolist()
    return {"type": "FeatureCollection",
            "bbox": [min(lon), min(lat), max(lon), max(lat)],
            "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
                 "properties": _clean_properties({**rec, "style": style})}
                for x, y, rec, style in zip(lon, lat, records, styles, strict=True)]}


def cluster_rows(points: pd.DataFrame, *, weight: str = "incidents") -> list[list[float]]:
    """[lat, lon, count] for each located point with a positive ``weight``: numbers only,
    so nothing to escape (no name or address reaches the page)."""
    pts = points.dropna(subset=["lon", "lat"])
    pts = pts[pts[weight] > 0]
    lat = np.round(pts["lat"].to_numpy(dtype=float), 5).tolist()
    lon = np.round(pts["lon"].to_numpy(dtype=float), 5).tolist()
    return [list(r) for r in zip(lat, lon, pts[weight].to_numpy(dtype=int).tolist(),
                                 strict=True)]


HEAT = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]


@dataclass(frozen=True)
class DensityImage:
    """A heat surface as RGBA pixels (northern row first) and its (south, west, north, east)
    bounds in degrees."""

    rgba: np.ndarray
    bounds: tuple[float, float, float, float]


def density_image(density: Any) -> DensityImage | None:
    """An ``analytics.places.KernelDensity`` coloured with :data:`HEAT` (None when empty):
    colour and opacity rise with the level; cells under the display cut stay clear."""
    if density.empty:
        return None
    levels = density.levels()
    shown = ~np.isnan(levels)
    level = np.nan_to_num(levels)
    steps = np.clip((level * len(HEAT)).astype(int), 0, len(HEAT) - 1)
    palette = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in HEAT], dtype=np.uint8)
    rgba = np.zeros((*levels.shape, 4), dtype=np.uint8)
    rgba[..., :3] = palette[steps]
    rgba[..., 3] = np.where(shown, np.round(255 * (0.35 + 0.45 * level)), 0)
    return DensityImage(rgba, tuple(float(b) for b in density.bounds))  # type: ignore[arg-type]
