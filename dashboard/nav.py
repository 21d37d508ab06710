"""The pages of the app and which roles see them. A page is listed only if its file exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from data.access import Role

PAGES_DIR = Path(__file__).resolve().parent / "views"

PANEL, ANALYST, COMMISSIONER, ADMIN = Role.PANEL, Role.ANALYST, Role.COMMISSIONER, Role.ADMIN


@dataclass(frozen=True)
class PageEntry:
    """One page: its script, title, icon and the roles that see it in the navigation."""

    file: str
    title: str
    icon: str
    roles: frozenset[Role]
    url_path: str

    @property
    def path(self) -> Path:
        """Absolute path of the page script."""
        return PAGES_DIR / self.file


PAGES: list[PageEntry] = [
    PageEntry("overview.py", "Overview", ":material/dashboard:",
              frozenset({PANEL, ANALYST, ADMIN}), "overview"),
    PageEntry("map.py", "Map", ":material/map:", frozenset({PANEL, ANALYST}), "map"),
    PageEntry("network.py", "Network", ":material/hub:", frozenset({PANEL, ANALYST}), "network"),
    PageEntry("child.py", "Child", ":material/person:", frozenset({PANEL, ANALYST}), "child"),
    PageEntry("panel.py", "Panel meeting", ":material/groups:", frozenset({PANEL}), "panel"),
    PageEntry("hotspots.py", "Hotspots", ":material/insights:",
              frozenset({COMMISSIONER, PANEL, ANALYST}), "hotspots"),
    PageEntry("data_import.py", "Import", ":material/upload_file:",
              frozenset({ANALYST, ADMIN}), "import"),
    PageEntry("audit.py", "Audit", ":material/policy:", frozenset({ADMIN}), "audit"),
    PageEntry("data_protection.py", "Data protection", ":material/shield_person:",
              frozenset({ADMIN}), "data-protection"),
]


def pages_for(role: Role) -> list[PageEntry]:
    """The pages a role sees, in order, skipping any whose script does not exist yet."""
    return [p for p in PAGES if role in p.roles and p.path.exists()]
