"""Where to draw each node of a network view, and which labels fit without overprinting.

:func:`positions` puts the chosen centre in the middle (0, 0), the other nodes first on rings
by their number of hops from it, then lets a seeded force-directed pass (Fruchterman-Reingold,
networkx's ``spring_layout``) spread them. Nodes that were drawn before keep their place, so
highlighting a lead or changing a filter does not reshuffle the picture: only new nodes move.
Units are Cytoscape model pixels (a node is about 20 across).

:func:`labels_that_fit` chooses, in order of importance, the nodes whose label can be printed
without covering another label or node; the rest show their label on demand (hover, select,
or the page's "all labels" choice). Label size is in the same model units as the positions,
so what fits does not change with the zoom.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np

Point = tuple[float, float]

NODE_SIZE = 20.0
"""Diameter of a drawn node, in model pixels (the graph's style uses the same)."""


def _hops(graph: nx.Graph, start: str) -> dict[str, int]:
    return dict(nx.single_source_shortest_path_length(graph, start))


def _ring_positions(graph: nx.Graph, centre: str, placed: Mapping[str, Point],
                    spacing: float) -> dict[str, Point]:
    """Starting points: a node next to one already placed starts near it; the others on a
    ring whose radius grows with their hops from the centre (golden-angle spread)."""
    hops = _hops(graph, centre)
    far = max(hops.values(), default=0) + 1
    out: dict[str, Point] = dict(placed)
    golden = math.pi * (3 - math.sqrt(5))
    new = sorted((n for n in graph if n not in out), key=lambda n: (hops.get(n, far), str(n)))
    for i, n in enumerate(new):
        anchor = next((out[m] for m in graph.neighbors(n) if m in out), None)
        angle = i * golden
        if anchor is not None and anchor != (0.0, 0.0):
            r = spacing * 0.6
            out[n] = (anchor[0] + r * math.cos(angle), anchor[1] + r * math.sin(angle))
            continue
        r = spacing * 1.5 * hops.get(n, far) * (1 + 0.15 * (i % 3))
        out[n] = (r * math.cos(angle), r * math.sin(angle))
    return out


def positions(graph: nx.Graph, *, centre: str | None = None,
              previous: Mapping[str, Point] | None = None, spacing: float = 70.0,
              iterations: int = 60, seed: int = 7) -> dict[str, Point]:
    """A position for every node of ``graph`` (see the module docstring).

    ``centre`` is placed at (0, 0) (without one, the best-connected node is). ``previous``
    positions are kept for the nodes still in the graph, shifted so the centre stays at
    (0, 0); if the centre was not among them the layout starts afresh. ``spacing`` is the
    ideal length of a link. The same graph, centre and previous positions give the same
    result.
    """
    if graph.number_of_nodes() == 0:
        return {}
    if centre is None or centre not in graph:
        centre = str(min(graph, key=lambda n: (-graph.degree(n), str(n))))
    prev = {n: (float(p[0]), float(p[1])) for n, p in (previous or {}).items() if n in graph}
    if centre in prev:
        cx, cy = prev[centre]
        prev = {n: (x - cx, y - cy) for n, (x, y) in prev.items()}
    else:
        prev = {}
    prev[centre] = (0.0, 0.0)
    start = _ring_positions(graph, centre, prev, spacing)
    if len(prev) == graph.number_of_nodes():
        return start
    moved = nx.spring_layout(graph, pos=start, fixed=list(prev), k=spacing,
                             iterations=iterations, weight=None, seed=seed, method="force")
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in moved.items()}


def label_box(at: Point, text: str, *, font: float = 8.0,
              node_size: float = NODE_SIZE) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) a label takes under a node at ``at`` (centred on
    ``at`` when ``node_size`` is 0: a label with no node, such as an area's name)."""
    width = 0.6 * font * max(len(text), 1)
    top = at[1] + node_size / 2 + 2 if node_size else at[1] - 0.65 * font
    return (at[0] - width / 2, top, at[0] + width / 2, top + 1.3 * font)


def labels_that_fit(pos: Mapping[str, Point], captions: Mapping[str, str],
                    order: Sequence[str] | Iterable[str], *, font: float = 8.0,
                    limit: int | None = None, node_size: float = NODE_SIZE) -> set[str]:
    """The nodes, taken in ``order`` (most important first), whose label fits: its box
    overlaps no label already chosen and no other node (nodes ``node_size`` across; 0 for
    labels alone). At most ``limit`` labels."""
    ids = list(pos)
    centres = np.array([pos[n] for n in ids], dtype=float).reshape(-1, 2)
    half = node_size / 2
    chosen: set[str] = set()
    boxes: list[tuple[float, float, float, float]] = []
    for n in order:
        if n not in pos or (limit is not None and len(chosen) >= limit):
            continue
        left, top, right, bottom = label_box(pos[n], captions.get(n, str(n)), font=font,
                                             node_size=node_size)
        if node_size:
            hits_node = ((centres[:, 0] + half > left) & (centres[:, 0] - half < right)
                         & (centres[:, 1] + half > top) & (centres[:, 1] - half < bottom))
            if hits_node.any():
                continue
        if any(left < b[2] and b[0] < right and top < b[3] and b[1] < bottom for b in boxes):
            continue
        boxes.append((left, top, right, bottom))
        chosen.add(n)
    return chosen
