"""Benchmark the Map page as a user sees it: served app, headless Chromium, county town.

Times from a user's action to the result on screen (the profile heading visible and
Streamlit's "running" indicator gone):

- picking a place in "Profile a place" (a new profile, the map drawn again from kept data);
- clicking a ward on the map (the click travels back through streamlit-folium);
- switching a layer off and on in the map's layer box (in the browser, no rerun).

    python benchmarks/map_browser.py                    # builds the county town first
    python benchmarks/map_browser.py --db county.duckdb --repeats 10

Needs Debian's chromium (``make test`` installs it). Target (issue 4): Map page p95 <= 1 s
for one user.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import _county  # noqa: E402  (beside this script)

from tests.browser_support import chromium, serve_app, wait_for_app  # noqa: E402

TARGET_P95_S = 1.0
FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]


def _settled(page: Any, timeout_s: float = 60.0) -> None:
    """Until Streamlit's running indicator has gone (the rerun is drawn)."""
    deadline = time.monotonic() + timeout_s
    page.wait_for_timeout(50)
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            return
        page.wait_for_timeout(20)
    raise TimeoutError("the page was still running after a minute")


def _pick_place(page: Any, name: str) -> float:
    combo = page.get_by_role("combobox", name="Profile a place")
    combo.click()
    combo.fill(name)
    page.get_by_role("option", name=name, exact=True).first.wait_for()
    start = time.perf_counter()
    page.keyboard.press("Enter")
    page.get_by_text(f"Location assessment: {name}").first.wait_for(timeout=60_000)
    _settled(page)
    return time.perf_counter() - start


def _click_ward(page: Any, code: str, name: str, lat: float, lon: float) -> float:
    """Click the ward at a point surely inside it; time until its profile is drawn."""
    page.locator(FRAME).scroll_into_view_if_needed()
    live = next(f for f in page.frames if "st_folium" in f.url)
    x, y = live.evaluate("""([lat, lon]) => {
        const c = map_div.latLngToContainerPoint([lat, lon]); return [c.x, c.y]; }""",
                         [lat, lon])
    box = page.locator(FRAME).bounding_box()
    start = time.perf_counter()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_text(f"Location assessment: {name} ward").first.wait_for(timeout=60_000)
    _settled(page)
    return time.perf_counter() - start


def _ward_points(db: Path) -> list[tuple[str, str, float, float]]:
    """(code, name, lat, lon) of a point inside each ward (shapely's representative point)."""
    from data.store import Store
    from domain.access import Role, Viewer
    from services import panel_map

    store = Store.open(db)
    try:
        wards = panel_map.wards_frame(store.frame("reference.wards",
                                                  Viewer("bench", Role.PANEL, "benchmark")))
    finally:
        store.close()
    points = wards.geometry.representative_point()
    return [(str(c), str(n), float(p.y), float(p.x))
            for c, n, p in zip(wards["ward_code"], wards["name"], points, strict=True)]


def _layer_count(page: Any) -> int:
    live = next(f for f in page.frames if "st_folium" in f.url)
    return int(live.evaluate("() => { let n = 0; map_div.eachLayer(() => n++); return n; }"))


def _toggle_layer(page: Any, layer: str) -> float:
    """Switch a layer in the map's own layer box: done in the browser, no rerun."""
    box = page.frame_locator(FRAME).locator(".leaflet-control-layers")
    before = _layer_count(page)
    start = time.perf_counter()
    box.get_by_text(layer, exact=True).click()
    while _layer_count(page) == before:
        page.wait_for_timeout(5)
    elapsed = time.perf_counter() - start
    if page.locator('[data-testid="stStatusWidget"]').count():
        raise RuntimeError("switching a layer reran the app")
    return elapsed


def run(db: Path, repeats: int) -> dict[str, float]:
    """All browser timings against a served copy of ``db``."""
    places = _busiest_names(db)
    with serve_app(db) as url, chromium() as page:
        page.goto(url + "/map")
        wait_for_app(page, text="Online spaces", timeout_ms=180_000)
        page.frame_locator(FRAME).locator("path.leaflet-interactive").first.wait_for(
            timeout=120_000)
        # wards whose inside point is clear of the layer box (bottom right)
        live = next(f for f in page.frames if "st_folium" in f.url)
        size = live.evaluate("() => [map_div.getSize().x, map_div.getSize().y]")
        wards = []
        for ward in _ward_points(db):
            x, y = live.evaluate("""([lat, lon]) => {
                const c = map_div.latLngToContainerPoint([lat, lon]); return [c.x, c.y]; }""",
                                 [ward[2], ward[3]])
            if x < size[0] - 260 or y < size[1] - 200:
                wards.append(ward)
        _pick_place(page, places[0])  # warm
        pick = [_pick_place(page, places[(i + 1) % len(places)]) for i in range(repeats)]
        layers = [_toggle_layer(page, "Incident clusters") for _ in range(repeats)]
        for layer in ("Places", "Homes (intra-familial)", "Incident clusters"):
            box = page.frame_locator(FRAME).locator(".leaflet-control-layers")
            label = box.locator("label").filter(has_text=layer)
            if label.locator("input").is_checked():
                _toggle_layer(page, layer)  # off: a ward's inside point is never under a point
        click = [_click_ward(page, *wards[(7 * i) % len(wards)]) for i in range(repeats)]
    return {
        "pick_place_median_s": statistics.median(pick), "pick_place_p95_s": _p95(pick),
        "click_ward_median_s": statistics.median(click), "click_ward_p95_s": _p95(click),
        "toggle_layer_median_s": statistics.median(layers), "toggle_layer_p95_s": _p95(layers),
    }


def _busiest_names(db: Path, n: int = 5) -> list[str]:
    """The ``n`` busiest places in the Map page's default period (its first filter state)."""
    from datetime import date, timedelta

    from data.store import Store
    from domain.access import Role, Viewer

    store = Store.open(db)
    try:
        text = store.meta().get("as_of")
        today = date.fromisoformat(text) if text else date.today()
        params = {"start": today - timedelta(days=365), "end": today + timedelta(days=1),
                  "kinds": [], "agencies": [], "indicators": [], "contexts": []}
        places = store.frame("places.map_places", Viewer("bench", Role.PANEL, "benchmark"),
                             params)
    finally:
        store.close()
    return [str(x) for x in places["name"].head(n)]


def main(argv: list[str] | None = None) -> int:
    """Run, print the figures, exit 1 when a p95 misses the target."""
    args = _county.arguments(__doc__.splitlines()[0], argv, repeats=10)
    with _county.county_town(args.db, "csmap-bench-map-") as db:
        result = run(db, args.repeats)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    missed = False
    for k, v in result.items():
        mark = ""
        if k.endswith("_p95_s"):
            ok = v <= TARGET_P95_S
            missed |= not ok
            mark = "  ok" if ok else f"  MISSED (<= {TARGET_P95_S})"
        print(f"{k:<24} {v:8.3f}{mark}")
    out = ROOT / "artifacts" / "bench_map_browser.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
