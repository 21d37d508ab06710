"""Errors show CSMap's own readable message: a domain error its text, anything unexpected a
message with a reference to the server log, never Streamlit's exception box (with its "Ask
Google" / "Ask ChatGPT" links) and never the exception's own text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dashboard import common
from domain.errors import ValidationError
from services import briefing
from tests import panel_town
from tests.apptest_support import page_app, private_copy

PAGES = Path(__file__).resolve().parent.parent / "dashboard" / "views"


@pytest.fixture
def town_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    made = panel_town.make(tmp_path / "made.duckdb")
    return private_copy(made, tmp_path, monkeypatch, name="town.duckdb")


def _boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("Constraint Error: key 'C1' SELECT given_name FROM person")


def test_an_unexpected_error_shows_csmaps_message_and_a_log_reference(
        town_db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(briefing, "child_story", _boom)
    at = page_app(str(PAGES / "child.py"))
    at.session_state["csmap_role"] = "panel"
    with caplog.at_level(logging.ERROR, logger="csmap"):
        at.run()
    assert not at.exception  # no Streamlit exception box, so no search links
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Something went wrong")
    ref = errors[0].split("reference ")[1].split(" ")[0]
    assert ref.startswith("E-") and "given_name" not in errors[0] and "C1" not in errors[0]
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is in the server log


def test_a_domain_error_shows_its_own_words(town_db: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise ValidationError("Choose a tactic: there is no default, the panel decides")

    monkeypatch.setattr(briefing, "child_story", refuse)
    at = page_app(str(PAGES / "child.py"))
    at.session_state["csmap_role"] = "panel"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Choose a tactic: there is no default, the panel decides"]


def test_streamlit_is_configured_to_hide_error_details() -> None:
    import tomllib

    config = tomllib.loads((Path(common.__file__).resolve().parent.parent / ".streamlit"
                            / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
