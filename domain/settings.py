"""Named settings with one-line descriptions, read at call time from ``CSMAP_*`` variables.

Each setting is documented in ``docs/settings.md``; a test fails when one is not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from domain.errors import ValidationError


@dataclass(frozen=True)
class Setting:
    """A named limit or option: its default, its type and what it means."""

    name: str
    default: str
    kind: type
    description: str

    @property
    def env(self) -> str:
        """The environment variable that overrides it."""
        return "CSMAP_" + self.name.upper()


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("db_path", "demo/csmap_demo.duckdb", str, "DuckDB file the dashboard opens."),
        Setting("max_returned_rows", "5000", int, "Row cap for one query; more is truncated."),
        Setting("suppression_threshold", "8", int,
                "Aggregate counts below this (but above 0) are shown as '*' to commissioners."),
        Setting("rounding_base", "5", int, "Unsuppressed aggregate counts round to this."),
        Setting("graph_element_cap", "400", int, "Most nodes+edges the network page draws."),
        Setting("protective_marking", "OFFICIAL-SENSITIVE", str,
                "Protective marking written into every exported file."),
        Setting("map_tiles", "none", str,
                "Map background: 'none' (offline), 'osm' (OpenStreetMap) or a tile URL template."),
        Setting("copresence_hours", "2", float,
                "Two children at one place within this = co-present."),
        Setting("demo_banner", "1", int, "1 shows the 'synthetic demo data' banner."),
        Setting("import_max_bytes", "52428800", int,
                "Largest file an import accepts, in bytes (default 50 MB)."),
        Setting("import_chunk_rows", "20000", int, "Rows an import reads and checks at a time."),
        Setting("linkage_threshold", "0.5", float,
                "Match probability from which two person records are shown for review."),
        Setting("auth_mode", "local", str,
                "How people sign in: 'local' (accounts file), 'oidc' (identity provider) or "
                "'demo' (role selector; generated demo towns only)."),
        Setting("accounts_path", "", str,
                "Local accounts file (JSON, argon2id hashes), kept outside the repository."),
        Setting("session_idle_minutes", "30", float,
                "A signed-in session with no activity for this long ends."),
        Setting("session_max_hours", "12", float,
                "A signed-in session ends this long after sign-in, active or not."),
        Setting("lockout_failures", "5", int,
                "Failed sign-ins in a row that lock a local account."),
        Setting("lockout_minutes", "15", float, "How long a locked local account stays locked."),
        Setting("names_lapse_minutes", "15", float,
                "Names shown on request go back to pseudonyms after this long (or on leaving "
                "the page)."),
        Setting("oidc_roles_claim", "groups", str,
                "The identity token claim that lists a user's groups (OIDC sign-in)."),
        Setting("oidc_role_map", "", str,
                "Group-to-role mapping for OIDC sign-in: 'group=role;group=role'. A user whose "
                "groups map to no role gets no data."),
    ]
}


def get(name: str) -> str | int | float:
    """The current value of a setting (environment first, then default)."""
    try:
        s = SETTINGS[name]
    except KeyError:
        raise ValidationError(f"unknown setting {name!r}; known: {', '.join(SETTINGS)}") from None
    raw = os.environ.get(s.env, s.default)
    try:
        return s.kind(raw)  # type: ignore[no-any-return]
    except ValueError:
        raise ValidationError(f"{s.env}={raw!r} is not a valid {s.kind.__name__}") from None


def get_int(name: str) -> int:
    """A setting as an int."""
    return int(get(name))


def get_str(name: str) -> str:
    """A setting as a string."""
    return str(get(name))


def db_path() -> Path:
    """The database file the dashboard opens."""
    return Path(get_str("db_path"))
