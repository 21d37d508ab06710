"""Local accounts for a standalone deployment with no identity provider.

The accounts file lives outside the repository (``--accounts PATH`` or the ``accounts_path``
setting): JSON, written atomically with mode 0600, one entry per user with an argon2id hash
(argon2-cffi), the roles granted, whether the account is disabled, and the count of failed
sign-ins. Passwords never appear on a command line or in a log.

:func:`verify` takes the same time whether or not the user exists, is disabled or locked
(a hash is always checked), and locks an account for ``lockout_minutes`` after
``lockout_failures`` failures in a row.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from domain import settings
from domain.access import Role, parse_role
from domain.errors import NotFoundError, SignInError, ValidationError

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
REFUSED = "Username or password not recognised, or the account is locked or disabled."


@dataclass
class Account:
    """One local user: the roles granted and the state of sign-in attempts."""

    username: str
    password_hash: str
    roles: list[Role]
    disabled: bool = False
    failures: int = 0
    locked_until: str | None = None
    created: str = field(default_factory=lambda: _now().isoformat())

    def locked(self, now: datetime) -> bool:
        """True while a lockout is in force."""
        return self.locked_until is not None and datetime.fromisoformat(self.locked_until) > now

    def to_json(self) -> dict[str, Any]:
        """The entry as the accounts file stores it."""
        return {"password_hash": self.password_hash, "roles": [r.value for r in self.roles],
                "disabled": self.disabled, "failures": self.failures,
                "locked_until": self.locked_until, "created": self.created}


def _now() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    """argon2id with the library's recommended parameters (RFC 9106 low-memory profile)."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check against when the user does not exist, so timing does not tell."""
    return _hasher().hash("csmap-no-such-user-" + os.urandom(8).hex())


def accounts_path(path: str | Path | None = None) -> Path:
    """The accounts file: ``path``, else the ``accounts_path`` setting."""
    chosen = str(path) if path else settings.get_str("accounts_path")
    if not chosen:
        raise ValidationError("No accounts file: give --accounts PATH or set CSMAP_ACCOUNTS_PATH "
                              "(a file outside the repository, e.g. /etc/csmap/accounts.json).")
    return Path(chosen)


@contextmanager
def _locked(path: Path) -> Iterator[dict[str, Account]]:
    """The accounts, read under an exclusive lock and written back atomically on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            accounts = _read(path)
            yield accounts
            _write(path, accounts)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path: Path) -> dict[str, Account]:
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {name: Account(username=name, password_hash=e["password_hash"],
                              roles=[parse_role(r) for r in e["roles"]],
                              disabled=bool(e.get("disabled")), failures=int(e.get("failures", 0)),
                              locked_until=e.get("locked_until"), created=e.get("created", ""))
                for name, e in raw.get("users", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValidationError(f"{path} is not a CSMap accounts file ({exc}). Restore it from a "
                              "backup, or move it aside and add the users again.") from None


def _write(path: Path, accounts: dict[str, Account]) -> None:
    body = json.dumps({"version": 1, "users": {n: a.to_json() for n, a in sorted(
        accounts.items())}}, indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".accounts-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_username(username: str) -> str:
    """The username, or a message saying what a username may hold."""
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise ValidationError(f"{username!r} is not a valid username: use 2-64 lowercase "
                              "letters, digits, dots, dashes or underscores.")
    return name


def add_user(username: str, password: str, roles: Sequence[str | Role], *,
             path: str | Path | None = None) -> Account:
    """Create a user (or replace their password and roles) with an argon2id hash."""
    name = check_username(username)
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"The password must be at least {MIN_PASSWORD} characters.")
    chosen = {r if isinstance(r, Role) else parse_role(r) for r in roles}
    granted = [r for r in Role if r in chosen]  # in the order of Role, whatever was typed
    if not granted:
        raise ValidationError("Give at least one --role.")
    account = Account(name, _hasher().hash(password), granted)
    with _locked(accounts_path(path)) as accounts:
        accounts[name] = account
    return account


def set_disabled(username: str, disabled: bool = True, *,
                 path: str | Path | None = None) -> Account:
    """Disable (or enable again) a user; a disabled user cannot sign in."""
    name = check_username(username)
    with _locked(accounts_path(path)) as accounts:
        if name not in accounts:
            raise NotFoundError(f"No user {name!r} in {accounts_path(path)}.")
        accounts[name].disabled = disabled
        if not disabled:
            accounts[name].failures, accounts[name].locked_until = 0, None
        return accounts[name]


def list_users(path: str | Path | None = None) -> list[Account]:
    """Every user, by name (hashes included: callers print only what they need)."""
    with _locked(accounts_path(path)) as accounts:
        return [accounts[n] for n in sorted(accounts)]


def verify(username: str, password: str, *, path: str | Path | None = None) -> Account:
    """The account when the password is right and the account may sign in; otherwise
    :class:`SignInError` with one message for every cause (no user, wrong password,
    disabled, locked), after the same amount of work."""
    name = username.strip().lower()
    now = _now()
    with _locked(accounts_path(path)) as accounts:
        account = accounts.get(name)
        try:
            _hasher().verify(account.password_hash if account else _dummy_hash(), password)
            good = account is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            good = False
        refused = account is None or account.disabled or account.locked(now)
        if account is not None and not refused:
            if good:
                account.failures, account.locked_until = 0, None
            else:  # counted and written back before the refusal is raised
                account.failures += 1
                if account.failures >= settings.get_int("lockout_failures"):
                    until = now + timedelta(minutes=float(settings.get("lockout_minutes")))
                    account.locked_until, account.failures = until.isoformat(), 0
    if refused or not good or account is None:
        raise SignInError(REFUSED)
    return account


def demo_accounts(path: str | Path) -> list[tuple[str, str, str]]:
    """Replace ``path`` with one demo account per role, each with a new random password;
    returns (username, password, role) to print. For generated demo towns only."""
    import secrets

    made: list[tuple[str, str, str]] = []
    target = Path(path)
    target.unlink(missing_ok=True)
    for role in Role:
        password = secrets.token_urlsafe(12)
        add_user(f"demo-{role.value}", password, [role], path=target)
        made.append((f"demo-{role.value}", password, role.value))
    return made
