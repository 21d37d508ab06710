"""Server-side sign-in sessions (the ``user_session`` table).

Sign-in creates a row; every run of the app calls :func:`check`, which ends the session when
it has been idle for ``session_idle_minutes`` or open for ``session_max_hours``; sign-out
ends it for good. The browser session holds a random token and the table only its SHA-256,
so a copy of the database cannot be used to sign in. For identity-provider sign-in the row
also keeps a hash of the identity token's issuer, subject and issue time (``idp_key``): a
token kept from before a sign-out finds its ended row and is refused.

Times are naive UTC, like the rest of the store.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from data.store import Store
from domain import settings
from domain.access import Role, parse_role
from domain.errors import SignInError

TOUCH_EVERY = timedelta(seconds=30)  # last activity is written at most this often

_START = ("INSERT INTO user_session (session_id, subject, display_name, roles, auth_mode, "
          "idp_key, started_at, last_seen_at) VALUES ($id, $subject, $name, $roles, $mode, "
          "$idp, $now, $now)")
_GET = ("SELECT subject, display_name, roles, auth_mode, started_at, last_seen_at, ended_at, "
        "end_reason FROM user_session WHERE session_id = $id")
_END = ("UPDATE user_session SET ended_at = $now, end_reason = $reason "
        "WHERE session_id = $id AND ended_at IS NULL")
_TOUCH = "UPDATE user_session SET last_seen_at = $now WHERE session_id = $id"
_IDP_ENDED = ("SELECT count(*) > 0 FROM user_session WHERE idp_key = $idp "
              "AND ended_at IS NOT NULL")


@dataclass(frozen=True)
class Session:
    """A live sign-in: who, the roles granted, how they signed in, and since when."""

    session_id: str
    subject: str
    display_name: str
    roles: tuple[Role, ...]
    auth_mode: str
    started_at: datetime

    @property
    def short_id(self) -> str:
        """The first 12 characters of the session id, for the audit trail."""
        return self.session_id[:12]


def utcnow() -> datetime:
    """Now, as naive UTC (how the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def token_id(token: str) -> str:
    """The stored id of a browser's session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def idp_key(issuer: str, subject: str, issued_at: object) -> str:
    """The stored fingerprint of one identity-provider sign-in (one identity token)."""
    return hashlib.sha256(f"{issuer}\n{subject}\n{issued_at}".encode()).hexdigest()


def start(store: Store, *, subject: str, display_name: str, roles: Sequence[Role],
          auth_mode: str, idp: str | None = None) -> str:
    """Record a new sign-in and return the token the browser session keeps."""
    if not roles:
        raise SignInError(f"{display_name} has no CSMap role: ask an administrator.")
    token = secrets.token_urlsafe(32)
    with store.transaction() as tx:
        tx.execute(_START, {"id": token_id(token), "subject": subject, "name": display_name,
                            "roles": [r.value for r in roles], "mode": auth_mode, "idp": idp,
                            "now": utcnow()})
    return token


def check(store: Store, token: str, *, now: datetime | None = None) -> Session:
    """The live session for ``token``; ends it and raises :class:`SignInError` when it was
    signed out, idle too long or open too long."""
    now = now or utcnow()
    sid = token_id(token)
    row = store.cursor.execute(_GET, {"id": sid}).fetchone()
    if row is None:
        raise SignInError("You are signed out. Sign in again.")
    subject, name, roles, mode, started, last_seen, ended, reason = row
    if ended is not None:
        raise SignInError("This session has ended" + (f" ({reason.replace('_', ' ')})"
                                                      if reason else "") + ". Sign in again.")
    idle = timedelta(minutes=float(settings.get("session_idle_minutes")))
    most = timedelta(hours=float(settings.get("session_max_hours")))
    if now - started > most:
        end(store, token, "expired", now=now)
        raise SignInError("Your session reached its time limit. Sign in again.")
    if now - last_seen > idle:
        end(store, token, "idle", now=now)
        raise SignInError("Your session ended after a period with no activity. Sign in again.")
    if now - last_seen > TOUCH_EVERY:
        with store.transaction() as tx:
            tx.execute(_TOUCH, {"id": sid, "now": now})
    return Session(sid, subject, name, tuple(parse_role(r) for r in roles), mode, started)


def end(store: Store, token: str, reason: str = "signed_out", *,
        now: datetime | None = None) -> None:
    """End the session for good (signed out, idle, expired or revoked)."""
    with store.transaction() as tx:
        tx.execute(_END, {"id": token_id(token), "now": now or utcnow(), "reason": reason})


def idp_sign_in_ended(store: Store, idp: str) -> bool:
    """True when a session opened with this identity token has ended (signed out, timed out
    or revoked): the token may not open another one."""
    row = store.cursor.execute(_IDP_ENDED, {"idp": idp}).fetchone()
    return bool(row and row[0])


def end_idp_sign_in(store: Store, idp: str, reason: str = "signed_out") -> None:
    """End every session opened with that identity token."""
    with store.transaction() as tx:
        tx.execute("UPDATE user_session SET ended_at = $now, end_reason = $reason "
                   "WHERE idp_key = $idp AND ended_at IS NULL",
                   {"idp": idp, "now": utcnow(), "reason": reason})
