"""CSMap dashboard entry point: role selector, display mode, demo banner, navigation."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` from anywhere
    sys.path.insert(0, str(ROOT))

from dashboard import common, nav  # noqa: E402
from dashboard.components import sidebar  # noqa: E402

ICON = ROOT / "dashboard" / "static" / "csmap-icon.png"
st.set_page_config(page_title="CSMap", page_icon=str(ICON), layout="wide")

viewer = sidebar.render()
pages = [
    st.Page(str(p.path), title=p.title, icon=p.icon, url_path=p.url_path)
    for p in nav.pages_for(viewer.role)
]
if not pages:
    common.show_error(RuntimeError("No pages are available for this role."))
    st.stop()
st.navigation(pages).run()
