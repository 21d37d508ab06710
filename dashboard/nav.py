"""The pages, the roles that see each (declared here once), and the page runner.

:func:`run` draws the sidebar, builds the navigation for the viewer's role, refuses a page
the role may not see, and runs the page inside the app's one error boundary
(:func:`dashboard.common.boundary`): a domain error raised anywhere in a page is shown as a
readable message, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard import auth, common
from dashboard.components import sidebar
from domain.access import Role

PAGES_DIR = Path(__file__).resolve().parent / "views"

PANEL, ANALYST, COMMISSIONER, ADMIN, AUDITOR = (Role.PANEL, Role.ANALYST, Role.COMMISSIONER,
                                              Role.ADMIN, Role.AUDITOR)


@dataclass(frozen=True)
class PageEntry:
    """One page: its script, title, icon and the roles that may open it."""

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
    PageEntry("audit.py", "Audit", ":material/policy:", frozenset({ADMIN, AUDITOR}), "audit"),
    PageEntry("data_protection.py", "Data protection", ":material/shield_person:",
              frozenset({ADMIN}), "data-protection"),
]


def pages_for(role: Role) -> list[PageEntry]:
    """The pages a role sees, in order."""
    return [p for p in PAGES if role in p.roles]


def entry(file: str) -> PageEntry:
    """The page whose script is ``file`` (e.g. ``"child.py"``)."""
    for p in PAGES:
        if p.file == file:
            return p
    raise KeyError(f"no page {file!r}")


REQUESTED_KEY = "csmap_requested_page"


def _remember_requested_page() -> None:
    """Keep the page a link asked for while signed out, to open it after sign-in."""
    url = st.context.url or ""
    path = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if any(p.url_path == path for p in PAGES):
        st.session_state[REQUESTED_KEY] = path


def _st_page(p: PageEntry) -> st.Page:
    return st.Page(str(p.path), title=p.title, icon=p.icon, url_path=p.url_path)


def run(*, only: str | None = None) -> None:
    """Sign-in, the sidebar, the navigation for the role and the chosen page, all inside the
    app's one error boundary.

    Signed out, only the sign-in screen runs: the navigation is hidden and no page script runs,
    whatever page a client asks for. ``only`` runs that one page script with no navigation
    menu (tests, and a direct link): the same sign-in, role check and boundary apply.
    """
    with common.boundary():
        _run(only)


def _run(only: str | None) -> None:
    store = common.store()
    session = auth.current(store)
    if session is None:
        # the pages are registered but hidden, and none of them runs: a link to any page
        # opens the sign-in screen (and that page after sign-in), never the page itself
        st.navigation([_st_page(p) for p in PAGES], position="hidden")
        _remember_requested_page()
        auth.sign_in_page(store)
        st.stop()
    role = sidebar.render(store, session)
    entries = [entry(only)] if only else pages_for(role)
    if not entries:
        st.warning("No pages are available for this role.")
        st.stop()
    by_path = {p.url_path: p for p in entries}
    st_pages = {p.url_path: _st_page(p) for p in entries}
    page = st.navigation(list(st_pages.values()), position="hidden" if only else "sidebar")
    wanted = st.session_state.pop(REQUESTED_KEY, None)
    if wanted in st_pages and wanted != page.url_path:  # the link opened before sign-in
        st.switch_page(st_pages[wanted])
    chosen = by_path.get(page.url_path, entries[0])
    if role not in chosen.roles:
        names = ", ".join(r.value for r in Role if r in chosen.roles)
        st.warning(f"This page is for the {names} role(s). Switch role in the sidebar.")
        st.stop()
    viewer = common.build_viewer(session, chosen.url_path)
    sidebar.names_request(store, viewer, chosen.url_path)
    page.run()
