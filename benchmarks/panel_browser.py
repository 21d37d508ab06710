"""The county town's panel meeting end to end in Chromium (issue 17): create a meeting, an
agenda with a child and a person of concern, attendance, an action, the decision saved and
edited after the action, and the meeting pack built and downloaded. Prints seconds per step;
screenshots and the pack go to artifacts/ (``panel-county-*``).

    python benchmarks/panel_browser.py [--db county.duckdb]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import _county  # noqa: E402  (beside this script)

from tests import browser_panel_flow  # noqa: E402
from tests.browser_support import chromium, serve_app, sign_in  # noqa: E402


def main() -> None:
    """Run the flow once on the county town and print the timings."""
    args = _county.arguments((__doc__ or "").splitlines()[0], None, repeats=1)
    with (_county.county_town(args.db, "csmap-bench-panel-") as db, serve_app(db) as url,
          chromium() as page):
        page.set_viewport_size({"width": 1440, "height": 3600})
        sign_in(page, url + "/panel")
        for step, value in browser_panel_flow.run(page, "panel-county").items():
            print(f"{step}: {value:,.1f}")


if __name__ == "__main__":
    main()
