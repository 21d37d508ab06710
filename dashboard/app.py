"""CSMap dashboard entry point: page settings, then the page runner (:mod:`dashboard.nav`)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` from anywhere
    sys.path.insert(0, str(ROOT))

from dashboard import hardening, nav  # noqa: E402

hardening.install()

ICON = ROOT / "dashboard" / "static" / "csmap-icon.png"
st.set_page_config(page_title="CSMap", page_icon=str(ICON), layout="wide")
nav.run()
