"""How the app is served: loopback only, no error details, no unaudited data export."""

from __future__ import annotations

import tomllib
from pathlib import Path

from services.cli import STREAMLIT_FLAGS

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_tables_offer_no_unaudited_download_and_errors_show_no_details() -> None:
    """Streamlit's own CSV download / copy on tables would bypass the purpose box and the
    audit trail of every export (BRIEF section 8: no informal copies)."""
    config = tomllib.loads(CONFIG.read_text())
    assert config["client"]["disableDataExport"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    for flag in ("--client.disableDataExport=true", "--client.showErrorDetails=none",
                 "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"):
        assert flag in STREAMLIT_FLAGS
