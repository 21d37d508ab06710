"""Small SVG drawings for item summaries and the meeting pack: a map extract and a network
extract. Plain strings (WeasyPrint and browsers render them); every label is escaped.

No roles are drawn on children: nodes are coloured by kind of person only, edges by nature
(harmful, protective, unknown), and unverified links are dashed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

import networkx as nx
from shapely import wkb
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from domain import vocabulary

# Colours from the domain vocabulary, the same as the network page's graph and its legend.
NODE_COLOURS: dict[str, str] = vocabulary.PERSON_KINDS.colours()
EDGE_COLOURS: dict[str, str] = vocabulary.LINK_NATURES.colours()
PLACE_COLOUR = vocabulary.NODE_KINDS.colour("place")


@dataclass(frozen=True)
class MapPoint:
    """A place to mark: its label, longitude, latitude, and whether it is the subject."""

    label: str
    lon: float
    lat: float
    focus: bool = False


# Sizes chosen so that, drawn the full width of an A4 page (180 mm) or of a projected
# screen, the smallest text is about 9 pt: labels 15 px, legends 14 px on a 640 px drawing.
WIDTH, HEIGHT = 640, 400
LABEL_PX, LEGEND_PX, WARD_PX = 15, 14, 12
KEY_ROW_PX, KEY_CHARS = 22, 72


def _empty(width: int, height: int, message: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#f7f7f7"/>'
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
            f'font-size="{LABEL_PX}" font-family="sans-serif" fill="#555">{escape(message)}'
            "</text></svg>")


def _short(text: str, n: int = KEY_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _key(points: Sequence[MapPoint], top: float, width: int) -> list[str]:
    """A numbered key below the map, one place a line (names are never drawn over the map,
    where they would hide each other)."""
    out = []
    for k, p in enumerate(points):
        x, y = 10, top + KEY_ROW_PX * (k + 1)
        weight = ' font-weight="bold"' if p.focus else ""
        out.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{LABEL_PX}" fill="#222"{weight}>'
                   f"{k + 1}  {escape(_short(p.label))}</text>")
    return out


def map_extract(wards: Iterable[tuple[str, bytes]], points: Sequence[MapPoint], *,
                width: int = WIDTH, height: int = HEIGHT, margin_deg: float = 0.02,
                max_ward_labels: int = 8) -> str:
    """Ward boundaries around ``points`` with the points marked by number, and a key of the
    numbered places below the map.

    ``wards`` are (name, WKB polygon in lon/lat). Only wards meeting the points' box
    (grown by ``margin_deg``) are drawn; their names only when at most ``max_ward_labels``
    are drawn (otherwise the names hide the places).
    """
    if not points:
        return _empty(width, 120, "No mapped places (online or not recorded)")
    xs, ys = [p.lon for p in points], [p.lat for p in points]
    frame = box(min(xs) - margin_deg, min(ys) - margin_deg, max(xs) + margin_deg,
                max(ys) + margin_deg)
    shapes: list[tuple[str, BaseGeometry]] = []
    for name, blob in wards:
        geom = wkb.loads(bytes(blob))
        if geom.intersects(frame):
            shapes.append((name, geom))
    minx, miny, maxx, maxy = frame.bounds
    for _, g in shapes:
        b = g.bounds
        minx, miny, maxx, maxy = min(minx, b[0]), min(miny, b[1]), max(maxx, b[2]), max(maxy, b[3])
    kx = math.cos(math.radians((miny + maxy) / 2))
    span_x, span_y = (maxx - minx) * kx, maxy - miny
    scale = min((width - 20) / max(span_x, 1e-9), (height - 20) / max(span_y, 1e-9))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return 10 + (lon - minx) * kx * scale, height - 10 - (lat - miny) * scale

    total = height + KEY_ROW_PX * (len(points) + 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total}" '
             f'viewBox="0 0 {width} {total}" font-family="sans-serif">',
             '<rect width="100%" height="100%" fill="#fbfbf8"/>']
    for name, geom in shapes:
        polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
        for poly in polys:
            if not isinstance(poly, Polygon):
                continue
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(*c) for c in poly.exterior.coords))
            parts.append(f'<polygon points="{pts}" fill="#eef2f6" stroke="#8a9bb0" '
                         f'stroke-width="0.8"><title>{escape(name)}</title></polygon>')
        if len(shapes) <= max_ward_labels:
            c = geom.representative_point()
            cx, cy = xy(c.x, c.y)
            parts.append(f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{WARD_PX}" '
                         f'fill="#5b6b7f" text-anchor="middle">{escape(name)}</text>')
    numbered = list(enumerate(points, start=1))
    for k, p in sorted(numbered, key=lambda kp: kp[1].focus):
        x, y = xy(p.lon, p.lat)
        r = 12 if p.focus else 10
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{PLACE_COLOUR}" '
                     f'stroke="#fff" stroke-width="1.5"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 5:.1f}" font-size="{LABEL_PX - 1}" '
                     f'font-weight="bold" fill="#fff" text-anchor="middle">{k}</text>')
    parts.append(f'<line x1="0" y1="{height}" x2="{width}" y2="{height}" stroke="#ccc"/>')
    parts.extend(_key(points, height, width))
    parts.append("</svg>")
    return "".join(parts)


def network_extract(graph: nx.Graph, *, focus: Iterable[str] = (), width: int = WIDTH,
                    height: int = HEIGHT, seed: int = 7) -> str:
    """A drawing of ``graph``: node attrs ``label`` and ``kind``; edge attrs ``nature`` and
    ``verified``. ``focus`` nodes are drawn larger. The layout is seeded (repeatable)."""
    if graph.number_of_nodes() == 0:
        return _empty(width, height, "No recorded links")
    pos = nx.spring_layout(graph, seed=seed)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    pad = 60

    def xy(n: str) -> tuple[float, float]:
        px, py = pos[n]
        fx = 0.5 if maxx == minx else (px - minx) / (maxx - minx)
        fy = 0.5 if maxy == miny else (py - miny) / (maxy - miny)
        return pad + fx * (width - 2 * pad), pad / 2 + fy * (height - 2.2 * pad)

    focus_set = set(focus)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif">',
             '<rect width="100%" height="100%" fill="#fcfcfc"/>']
    for u, v, d in graph.edges(data=True):
        (x1, y1), (x2, y2) = xy(u), xy(v)
        colour = EDGE_COLOURS.get(str(d.get("nature", "unknown")), EDGE_COLOURS["unknown"])
        dash = "" if d.get("verified") else ' stroke-dasharray="4 3"'
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="{colour}" stroke-width="1.6"{dash}/>')
    for n, d in graph.nodes(data=True):
        x, y = xy(n)
        colour = NODE_COLOURS.get(str(d.get("kind", "")), "#7f7f7f")
        r = 12 if n in focus_set else 8
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}" '
                     f'stroke="#fff" stroke-width="1.5"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + r + LABEL_PX:.1f}" font-size="{LABEL_PX}" '
                     f'text-anchor="middle" fill="#222">{escape(str(d.get("label", n)))}</text>')
    parts.append(_legend(height))
    parts.append("</svg>")
    return "".join(parts)


def _legend(height: int) -> str:
    items = [(t.label, NODE_COLOURS[t.code]) for t in vocabulary.PERSON_KINDS]
    out = []
    x = 8.0
    for text, colour in items:
        out.append(f'<circle cx="{x + 6}" cy="{height - 10}" r="6" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="{height - 5}" font-size="{LEGEND_PX}" '
                   f'fill="#333">{text}</text>')
        x += 26 + 0.58 * LEGEND_PX * len(text)
    out.append(f'<text x="8" y="{height - 28}" font-size="{LEGEND_PX}" fill="#333">'
               "Lines: red harmful, green protective, grey not known; dashed unverified</text>")
    return "".join(out)
