"""How the app is served: loopback only, no error details, no unaudited data export."""

from __future__ import annotations

import tomllib
from pathlib import Path

from services.cli import security_flags

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
                 "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
                 "--server.enableAgentApi=false", "--server.enableXsrfProtection=true"):
        assert flag in security_flags(address="127.0.0.1", port=8501, hosts=[])


def test_serve_pins_hosts_origins_and_the_upload_limit() -> None:
    flags = security_flags(address="127.0.0.1", port=8600, hosts=["csmap.example.org"])
    pairs = list(zip(flags, flags[1:], strict=False))
    hosts = {b for a, b in pairs if a == "--server.allowedHosts"}
    assert hosts == {"127.0.0.1", "localhost", "csmap.example.org"}
    origins = {b for a, b in pairs if a == "--server.corsAllowedOrigins"}
    assert "https://csmap.example.org:8600" in origins
    assert "--server.maxUploadSize=50" in flags  # the import limit, not Streamlit's 200 MB
