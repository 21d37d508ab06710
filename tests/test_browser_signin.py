"""Sign-in in Debian's headless Chromium: local accounts (wrong password, lockout, roles,
sign-out) and an OpenID Connect identity provider (oidc-provider-mock on 127.0.0.1):
each group's role, a user with no role, sign-out, and a replayed cookie refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import (
    TEST_PASSWORD,
    assert_no_exception,
    chromium,
    free_port,
    screenshot,
    serve_app,
    sign_in,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _nav_titles(page: Any) -> list[str]:
    texts = page.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()
    return [t.strip().splitlines()[-1] for t in texts]  # without the icon's name


def _attempt(page: Any, username: str, password: str) -> None:
    page.get_by_label("Username").wait_for(timeout=60_000)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_for_app(page)


def test_local_sign_in_lockout_roles_and_sign_out(demo_db: Path) -> None:
    with serve_app(demo_db, CSMAP_LOCKOUT_FAILURES="3") as url, chromium() as page:
        page.goto(url + "/")
        page.get_by_label("Username").wait_for(timeout=45_000)
        screenshot(page, "signin-local")
        assert page.get_by_text("Children with open concerns").count() == 0
        for _ in range(3):
            _attempt(page, "analyst1", "not-the-password")
            page.get_by_text("not recognised").first.wait_for(timeout=60_000)
        _attempt(page, "analyst1", TEST_PASSWORD)  # locked: the right password is refused
        page.get_by_text("not recognised").first.wait_for(timeout=60_000)
        assert page.get_by_role("button", name="Sign out", exact=True).count() == 0

        sign_in(page, url + "/")  # another account is not affected
        titles = _nav_titles(page)
        assert "Panel meeting" in titles and "Network" in titles
        assert_no_exception(page)
        page.get_by_role("button", name="Sign out", exact=True).click()
        page.get_by_label("Username").wait_for(timeout=45_000)
        assert page.get_by_text("You have signed out").count() == 1
        assert page.get_by_test_id("stSidebarNav").count() == 0


@pytest.fixture
def idp() -> Any:
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub="chair1", claims={"name": "Panel Chair", "groups": ["mace-panel"]}),
             User(sub="intel1", claims={"name": "Analyst One", "groups": ["police-analysts"]}),
             User(sub="nobody1", claims={"name": "No Role", "groups": ["finance"]})]
    with run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def _sign_out(page: Any) -> None:
    """Sign out of CSMap, and (RP-initiated logout) confirm ending the provider's session."""
    wait_for_app(page)
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/oauth2/end_session**", timeout=120_000)  # the provider's own page
    end = page.get_by_role("button", name="End session")
    end.wait_for(timeout=90_000)
    end.click()
    page.get_by_role("button", name="Sign in with your organisation").wait_for(timeout=90_000)


def _oidc_sign_in(page: Any, url: str, sub: str) -> None:
    page.goto(url + "/")
    page.get_by_role("button", name="Sign in with your organisation").click()
    page.locator("input[name=sub]").wait_for(timeout=45_000)  # the provider's own page
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(url + "/**", timeout=45_000)
    wait_for_app(page)


def test_oidc_sign_in_roles_sign_out_and_replayed_cookie(demo_db: Path, tmp_path: Path,
                                                         idp: str) -> None:
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-some-length"\n'
        'client_id = "csmap-test"\n'
        'client_secret = "csmap-test-secret"\n'
        f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n')
    env = {"CSMAP_OIDC_ROLE_MAP": "mace-panel=panel;police-analysts=analyst",
           "AUTHLIB_INSECURE_TRANSPORT": "1"}
    with serve_app(demo_db, port, auth="oidc", extra=("--secrets", str(secrets)),
                   **env) as url, chromium() as page:
        page.goto(url + "/")
        page.get_by_role("button", name="Sign in with your organisation").wait_for(
            timeout=45_000)
        screenshot(page, "signin-oidc")

        _oidc_sign_in(page, url, "chair1")
        page.get_by_role("button", name="Sign out", exact=True).wait_for(timeout=45_000)
        assert "Panel meeting" in _nav_titles(page)
        assert page.get_by_text("Signed in as").count() == 1
        kept = page.context.cookies()
        screenshot(page, "signin-oidc-panel")

        _sign_out(page)
        assert page.get_by_test_id("stSidebarNav").count() == 0

        page.context.clear_cookies()
        page.context.add_cookies(kept)  # a copy of the cookie taken before sign-out
        page.goto(url + "/")
        page.get_by_role("button", name="Sign in with your organisation").wait_for(
            timeout=45_000)
        wait_for_app(page)
        assert page.get_by_role("button", name="Sign out", exact=True).count() == 0
        assert page.get_by_text("Children with open concerns").count() == 0

        page.context.clear_cookies()
        _oidc_sign_in(page, url, "intel1")
        page.get_by_role("button", name="Sign out", exact=True).wait_for(timeout=45_000)
        titles = _nav_titles(page)
        assert "Network" in titles and "Panel meeting" not in titles
        _sign_out(page)

        page.context.clear_cookies()
        _oidc_sign_in(page, url, "nobody1")
        page.get_by_text("none of your groups").wait_for(timeout=45_000)
        assert page.get_by_test_id("stSidebarNav").count() == 0
        assert_no_exception(page)
