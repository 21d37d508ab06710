"""Documentation stays true: every setting is documented, README names the two commands."""

from __future__ import annotations

from pathlib import Path

from domain import settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    for s in settings.SETTINGS.values():
        assert f"`{s.name}`" in text and s.env in text, f"{s.name} is not in docs/settings.md"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_audit_event_type_is_documented() -> None:
    from domain import audit

    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text[text.index("## Audit events"):]
    for name, cls in audit.EVENT_TYPES.items():
        assert f"`{name}`" in section and f"`{cls.__name__}`" in section, name


def test_architecture_doc_states_the_layer_rules() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    for word in ("data/", "analytics/", "dashboard/", "Viewer", "audit"):
        assert word in text
