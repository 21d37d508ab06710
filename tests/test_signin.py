"""Sign-in that holds: local accounts (argon2id, timing, lockout), server-side sessions
(idle and absolute time-outs, sign-out), names on request, demo mode only on demo towns,
and the `csmap users` / `csmap serve` commands."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import sessions
from data.store import Store
from domain.access import Role
from domain.errors import SignInError, ValidationError
from services import accounts

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "synthetic-password-42"


@pytest.fixture
def accounts_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "accounts.json"
    monkeypatch.setenv("CSMAP_ACCOUNTS_PATH", str(path))
    accounts.add_user("chair", PASSWORD, ["panel"], path=path)
    accounts.add_user("sam", PASSWORD, ["analyst", "panel"], path=path)
    return path


def test_accounts_file_holds_argon2id_hashes_only(accounts_file: Path) -> None:
    text = accounts_file.read_text()
    assert PASSWORD not in text
    users = json.loads(text)["users"]
    assert users["chair"]["password_hash"].startswith("$argon2id$")
    assert users["sam"]["roles"] == ["panel", "analyst"]
    assert accounts_file.stat().st_mode & 0o777 == 0o600


def test_verify_accepts_the_right_password_and_refuses_the_rest(accounts_file: Path) -> None:
    assert accounts.verify("Chair", PASSWORD).roles == [Role.PANEL]
    for name, pw in [("chair", "wrong-password-1"), ("nobody", PASSWORD)]:
        with pytest.raises(SignInError, match="not recognised") as exc:
            accounts.verify(name, pw)
        assert isinstance(exc.value, PermissionError)


def test_verification_takes_the_same_time_for_unknown_users(accounts_file: Path) -> None:
    def timed(name: str) -> float:
        start = time.perf_counter()
        with pytest.raises(SignInError):
            accounts.verify(name, "not-the-password")
        return time.perf_counter() - start

    accounts.set_disabled("sam", True, path=accounts_file)  # failures on chair would lock it
    known = statistics.median(timed("sam") for _ in range(5))
    unknown = statistics.median(timed("no-such-user") for _ in range(5))
    assert unknown > 0.5 * known, (known, unknown)  # a hash is checked either way


def test_lockout_after_repeated_failures(accounts_file: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSMAP_LOCKOUT_FAILURES", "3")
    for _ in range(3):
        with pytest.raises(SignInError):
            accounts.verify("chair", "wrong-password-1")
    with pytest.raises(SignInError):  # the right password no longer works
        accounts.verify("chair", PASSWORD)
    raw = json.loads(accounts_file.read_text())
    assert raw["users"]["chair"]["locked_until"]
    raw["users"]["chair"]["locked_until"] = "2000-01-01T00:00:00+00:00"  # time has passed
    accounts_file.write_text(json.dumps(raw))
    assert accounts.verify("chair", PASSWORD).username == "chair"


def test_a_disabled_user_cannot_sign_in(accounts_file: Path) -> None:
    accounts.set_disabled("chair", True, path=accounts_file)
    with pytest.raises(SignInError):
        accounts.verify("chair", PASSWORD)
    accounts.set_disabled("chair", False, path=accounts_file)
    assert accounts.verify("chair", PASSWORD).username == "chair"


@pytest.mark.parametrize(("username", "password", "roles", "message"), [
    ("Bad Name!", PASSWORD, ["panel"], "not a valid username"),
    ("ok-name", "short", ["panel"], "at least 12"),
    ("ok-name", PASSWORD, ["superuser"], "unknown role"),
    ("ok-name", PASSWORD, [], "at least one --role"),
])
def test_add_user_says_what_to_fix(tmp_path: Path, username: str, password: str,
                                   roles: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        accounts.add_user(username, password, roles, path=tmp_path / "a.json")


def test_a_corrupt_accounts_file_is_a_readable_error(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="not a CSMap accounts file"):
        accounts.verify("chair", PASSWORD, path=path)


def _cli(*args: str, stdin: str = "", env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "services.cli", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_csmap_users_add_disable_list(tmp_path: Path) -> None:
    path = str(tmp_path / "acc.json")
    done = _cli("users", "add", "alex", "--role", "analyst", "--role", "panel",
                "--accounts", path, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert accounts.verify("alex", PASSWORD, path=path).roles == [Role.PANEL, Role.ANALYST]
    assert _cli("users", "disable", "alex", "--accounts", path).returncode == 0
    listed = _cli("users", "list", "--accounts", path)
    assert "alex\tpanel,analyst\tdisabled" in listed.stdout
    refused = _cli("users", "add", "kim", "--role", "panel", "--accounts", path, stdin="short\n")
    assert refused.returncode != 0 and "at least 12" in refused.stderr


def test_serve_refuses_demo_sign_in_on_a_real_database(tmp_path: Path) -> None:
    path = tmp_path / "real.duckdb"
    Store.open(path, create=True).close()  # not a generated demo town
    done = _cli("serve", "--db", str(path), "--auth", "demo")
    assert done.returncode != 0
    assert "only on a generated demo town" in done.stderr
    no_accounts = _cli("serve", "--db", str(path), "--auth", "local",
                       "--accounts", str(tmp_path / "none.json"))
    assert no_accounts.returncode != 0 and "csmap users add" in no_accounts.stderr


def test_sessions_time_out_and_sign_out_for_good(empty_store: Store,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    token = sessions.start(empty_store, subject="chair", display_name="chair",
                           roles=[Role.PANEL], auth_mode="local")
    live = sessions.check(empty_store, token)
    assert live.roles == (Role.PANEL,) and live.subject == "chair"
    later = sessions.utcnow() + timedelta(minutes=31)
    with pytest.raises(SignInError, match="no activity"):
        sessions.check(empty_store, token, now=later)
    with pytest.raises(SignInError, match="ended"):  # ended for good, even "earlier"
        sessions.check(empty_store, token)

    token2 = sessions.start(empty_store, subject="chair", display_name="chair",
                            roles=[Role.PANEL], auth_mode="local")
    monkeypatch.setenv("CSMAP_SESSION_MAX_HOURS", "1")
    with pytest.raises(SignInError, match="time limit"):
        sessions.check(empty_store, token2, now=sessions.utcnow() + timedelta(minutes=61))

    token3 = sessions.start(empty_store, subject="chair", display_name="chair",
                            roles=[Role.PANEL], auth_mode="local")
    sessions.end(empty_store, token3)
    with pytest.raises(SignInError, match="signed out"):
        sessions.check(empty_store, token3)
    with pytest.raises(SignInError, match="signed out"):
        sessions.check(empty_store, "a-token-nobody-issued")
    stored = empty_store.cursor.execute("SELECT session_id FROM user_session").fetchall()
    assert all(token not in str(r) for r in stored), "only hashes of tokens are stored"


def test_an_identity_token_used_before_a_sign_out_is_refused(empty_store: Store) -> None:
    idp = sessions.idp_key("https://idp.example", "user-1", 1_700_000_000)
    sessions.start(empty_store, subject="user-1", display_name="U", roles=[Role.ANALYST],
                   auth_mode="oidc", idp=idp)
    assert not sessions.idp_sign_in_ended(empty_store, idp)
    sessions.end_idp_sign_in(empty_store, idp)
    assert sessions.idp_sign_in_ended(empty_store, idp)
    fresh = sessions.idp_key("https://idp.example", "user-1", 1_700_000_999)
    assert not sessions.idp_sign_in_ended(empty_store, fresh)  # a new sign-in is fine


def test_a_user_with_no_role_gets_no_session(empty_store: Store) -> None:
    with pytest.raises(SignInError, match="no CSMap role"):
        sessions.start(empty_store, subject="x", display_name="x", roles=[],
                       auth_mode="oidc")


def test_group_claims_map_to_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import auth

    mapping = auth.role_map("mace=panel; intel=analyst ;audit-team=auditor")
    assert auth.roles_from_claims({"groups": ["intel", "other", "mace"]}, mapping) == [
        Role.PANEL, Role.ANALYST]
    assert auth.roles_from_claims({"groups": ["nothing"]}, mapping) == []
    assert auth.roles_from_claims({}, mapping) == []
    with pytest.raises(ValidationError, match="not 'group=role'"):
        auth.role_map("mace")


# -- the app -------------------------------------------------------------------------------
@pytest.fixture
def local_app(demo_db: Path, accounts_file: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CSMAP_DB_PATH", str(demo_db))
    monkeypatch.setenv("CSMAP_AUTH_MODE", "local")
    return demo_db


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


def test_signed_out_the_app_shows_only_the_sign_in_form(local_app: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    labels = {w.label for w in at.text_input}
    assert labels == {"Username", "Password"}
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.metric and not at.sidebar.selectbox


def test_sign_in_choose_among_granted_roles_and_sign_out(local_app: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    _sign_in(at, "sam", "wrong-password-1")
    assert "not recognised" in at.error[0].value
    _sign_in(at, "sam", PASSWORD)
    assert not at.exception, at.exception
    role = at.sidebar.selectbox(key="csmap_role")
    assert role.options == ["MACE / contextual safeguarding panel",
                            "Police intelligence analyst"]  # only the roles granted
    assert at.metric, "a signed-in panel member sees the Overview"
    at.sidebar.button(key="csmap_sign_out").click().run()
    assert "You have signed out." in at.warning[0].value
    assert {w.label for w in at.text_input} == {"Username", "Password"}
    assert not at.metric


def test_names_need_a_reason_are_audited_and_lapse(local_app: Path, demo_store: Store) -> None:
    from dashboard.common import NamesGrant

    at = AppTest.from_file(APP, default_timeout=60).run()
    _sign_in(at, "chair", PASSWORD)
    before = len(demo_store.frame("admin.audit_events", _auditor(), _window()))
    at.sidebar.button(key="csmap_names_show").click().run()
    assert "Say why" in at.error[0].value  # no reason, no names
    at.sidebar.text_input(key="csmap_names_reason").input("Strategy discussion for YP-00012")
    at.sidebar.button(key="csmap_names_show").click().run()
    assert not at.exception, at.exception
    assert "Names shown on this page until" in at.sidebar.success[0].value
    events = demo_store.frame("admin.audit_events", _auditor(), _window())
    assert len(events) > before
    assert "Strategy discussion for YP-00012" in set(events["purpose"])
    grant = at.session_state["csmap_names"]
    assert grant.page == "overview"
    later = NamesGrant(grant.reason, grant.page, sessions.utcnow() - timedelta(seconds=1))
    at.session_state["csmap_names"] = later  # the grant's time has run out
    at.run()
    assert not at.sidebar.success, "names went back to pseudonyms"
    at.session_state["csmap_names"] = NamesGrant(grant.reason, "map",
                                                 sessions.utcnow() + timedelta(minutes=5))
    at.run()  # a grant for another page does not show names here
    assert not at.sidebar.success


def _auditor() -> object:
    from domain.access import Viewer

    return Viewer("test-auditor", Role.AUDITOR, "checking the test")


def _window() -> dict[str, object]:
    now = sessions.utcnow()
    return {"start": now - timedelta(days=1), "end": now + timedelta(days=1)}


def test_demo_mode_refuses_a_database_that_is_not_a_demo_town(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "real.duckdb"
    Store.open(path, create=True).close()
    monkeypatch.setenv("CSMAP_DB_PATH", str(path))
    monkeypatch.setenv("CSMAP_AUTH_MODE", "demo")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "only on a generated demo town" in at.error[0].value
    assert not at.sidebar.selectbox


def test_a_session_that_times_out_keeps_no_search_text(local_app: Path) -> None:
    """A search typed as a name lives in the browser session's state; when the sign-in ends
    (time-out, sign-out, revocation) everything the session held is forgotten, so whoever
    uses the browser next finds no trace of it."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    _sign_in(at, "sam", PASSWORD)
    assert not at.exception, at.exception
    at.session_state["network_search"] = "Amelia Stone"
    at.session_state["child_search"] = "amelia"
    from dashboard import auth, common

    token = at.session_state[auth.TOKEN_KEY]
    sessions.end(common.store(), str(token), "idle")
    at.run()
    assert {w.label for w in at.text_input} == {"Username", "Password"}
    for key in ("network_search", "child_search", "csmap_session_token"):
        assert key not in at.session_state, key
