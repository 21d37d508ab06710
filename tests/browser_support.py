"""Helpers for browser tests: serve the app on loopback, drive Debian's Chromium headless."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


TESTER = "tester"
TEST_PASSWORD = "synthetic-test-password-1"  # a test account on a synthetic town only


def test_accounts(folder: Path) -> Path:
    """An accounts file with ``tester`` (every role) and ``analyst1`` (analyst only)."""
    from domain.access import Role
    from services import accounts

    path = folder / "accounts.json"
    accounts.add_user(TESTER, TEST_PASSWORD, list(Role), path=path)
    accounts.add_user("analyst1", TEST_PASSWORD, [Role.ANALYST], path=path)
    return path


@contextmanager
def serve_app(db_path: Path, port: int | None = None, *, auth: str = "local",
              accounts: Path | None = None, extra: tuple[str, ...] = (),
              **env: str) -> Iterator[str]:
    """Run `csmap serve --auth local` on 127.0.0.1 against a private copy of ``db_path``, with
    the test accounts (:func:`test_accounts`) unless ``accounts`` is given; yields the URL.

    The copy matters: DuckDB lets one process hold a file, and the test process may have the
    original open (AppTest, fixtures).
    """
    port = port or free_port()
    folder = Path(tempfile.mkdtemp(prefix="csmap-serve-"))
    private = folder / db_path.name
    shutil.copyfile(db_path, private)
    db_path = private
    full_env = dict(os.environ, CSMAP_DB_PATH=str(db_path), **env)
    cmd = [sys.executable, "-m", "services.cli", "serve", "--db", str(db_path), "--port",
           str(port), "--auth", auth]
    if auth == "local":
        cmd += ["--accounts", str(accounts or test_accounts(folder))]
    cmd += list(extra)
    log = ARTIFACTS / f"server-{port}.log"
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, env=full_env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {log}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def chromium(block_external: bool = True) -> Iterator[Any]:
    """A Playwright page in Debian's headless Chromium (no browser download).

    With ``block_external`` every request to a host other than 127.0.0.1/localhost is aborted
    and recorded in ``page.blocked_requests``.
    """
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `make test` (it installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        blocked: list[str] = []
        if block_external:
            def _route(route: Any) -> None:
                url = route.request.url
                host = url.split("/")[2].split(":")[0] if "//" in url else ""
                if host in ("127.0.0.1", "localhost", "") or route.request.url.startswith(
                    ("data:", "blob:")
                ):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", _route)
        page.blocked_requests = blocked  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


def sign_in(page: Any, url: str, *, username: str = TESTER,
            password: str = TEST_PASSWORD, role_label: str | None = None) -> None:
    """Open ``url``, sign in through the form, and (optionally) pick the role to act in."""
    page.goto(url)
    page.get_by_label("Username").wait_for(timeout=45_000)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out", exact=True).wait_for(timeout=45_000)
    wait_for_app(page)
    if role_label:
        page.get_by_role("combobox", name="Role").click()  # the sidebar's role selector
        page.get_by_role("option", name=role_label).click()
        wait_for_app(page)


def wait_for_app(page: Any, *, text: str | None = None, timeout_ms: int = 45_000) -> None:
    """Wait until Streamlit has finished running the script (and ``text`` is visible)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    if text:
        page.get_by_text(text, exact=False).first.wait_for(timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            break
        time.sleep(0.25)
    page.wait_for_timeout(500)


def open_page_as(page: Any, url: str, *, role: str, nav: str, text: str) -> None:
    """Sign in, choose the role (its label in the sidebar), then the page ``nav`` from the
    sidebar, and wait until ``text`` shows."""
    sign_in(page, url + "/", role_label=role)
    page.get_by_test_id("stSidebarNav").get_by_text(nav, exact=True).click()
    wait_for_app(page, text=text)


def assert_no_exception(page: Any) -> None:
    """Fail when Streamlit shows an exception element on the page."""
    n = page.locator('[data-testid="stException"]').count()
    assert n == 0, f"{n} exception element(s) on the page"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
