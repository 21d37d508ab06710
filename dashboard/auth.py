"""Sign-in: who is using the app, checked on every run against a server-side session.

Three modes (the ``auth_mode`` setting, chosen by ``csmap serve --auth``):

- ``local``: a sign-in form (``Username``, ``Password``, ``Sign in``) checked against the
  accounts file (:mod:`services.accounts`: argon2id, lockout);
- ``oidc``: the organisation's identity provider through Streamlit's ``st.login``; roles come
  from a claim (``oidc_roles_claim``) through ``oidc_role_map``;
- ``demo``: a role selector, only on a generated demo town.

Each sign-in creates a session row (:mod:`data.sessions`) that every run checks, so signing
out, an idle time-out and an absolute time-out hold whatever the browser kept. Signed out
means no page runs: the page runner stops before any page script.

Owns the session-state key ``csmap_session_token`` (the random token of this browser
session's sign-in; the store keeps only its hash).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from data import sessions
from data.sessions import Session
from data.store import Store
from domain import settings
from domain.access import Role, parse_role
from domain.errors import SignInError, ValidationError
from services import accounts

TOKEN_KEY = "csmap_session_token"
MESSAGE_KEY = "csmap_signin_message"
MODES = ("local", "oidc", "demo")


def mode() -> str:
    """The sign-in mode in force."""
    chosen = settings.get_str("auth_mode").strip().lower()
    if chosen not in MODES:
        raise ValidationError(f"CSMAP_AUTH_MODE={chosen!r}: use local, oidc or demo.")
    return chosen


def role_map(text: str | None = None) -> dict[str, Role]:
    """The group-to-role mapping (``'group=role;group=role'``) for identity-provider sign-in."""
    raw = settings.get_str("oidc_role_map") if text is None else text
    out: dict[str, Role] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        group, sep, role = part.partition("=")
        if not sep or not group.strip():
            raise ValidationError(f"oidc_role_map entry {part!r} is not 'group=role'.")
        out[group.strip()] = parse_role(role)
    return out


def roles_from_claims(claims: Mapping[str, Any], mapping: Mapping[str, Role]) -> list[Role]:
    """The roles a user's groups map to, in the order of :class:`Role` (none: no data)."""
    groups = claims.get(settings.get_str("oidc_roles_claim")) or []
    if isinstance(groups, str):
        groups = [g for g in groups.replace(",", " ").split() if g]
    granted = {mapping[g] for g in groups if g in mapping}
    return [r for r in Role if r in granted]


def start(store: Store, *, subject: str, display_name: str, roles: list[Role],
          auth_mode: str, idp: str | None = None) -> Session:
    """Open a server-side session for this browser session (after the identity was proven)."""
    token = sessions.start(store, subject=subject, display_name=display_name, roles=roles,
                           auth_mode=auth_mode, idp=idp)
    st.session_state[TOKEN_KEY] = token
    return sessions.check(store, token)


def _live(store: Store) -> Session | None:
    token = st.session_state.get(TOKEN_KEY)
    if not token:
        return None
    try:
        return sessions.check(store, str(token))
    except SignInError as exc:
        forget_everything(str(exc))
        return None


def _oidc_session(store: Store) -> Session | None:
    user = st.user
    if not user.is_logged_in:  # the provider's cookie is gone: so is our session
        token = st.session_state.pop(TOKEN_KEY, None)
        if token:
            sessions.end(store, str(token), "signed_out")
            forget_everything("You have signed out.")
        return None
    claims = user.to_dict()
    idp = sessions.idp_key(str(claims.get("iss", "")), str(claims.get("sub", "")),
                           claims.get("iat", ""))
    if sessions.idp_sign_in_ended(store, idp):  # a token kept from before a sign-out
        forget_everything("That sign-in has ended. Sign in again.")
        return None
    live = _live(store)
    if live is not None:
        return live
    roles = roles_from_claims(claims, role_map())
    if not roles:
        st.session_state[MESSAGE_KEY] = (
            "You are signed in to your organisation, but none of your groups gives a CSMap "
            "role, so no data is shown. Ask an administrator to grant one.")
        return None
    name = str(claims.get("name") or claims.get("email") or claims.get("sub"))
    return start(store, subject=str(claims.get("sub")), display_name=name, roles=roles,
                 auth_mode="oidc", idp=idp)


def _demo_session(store: Store) -> Session:
    if store.meta().get("synthetic") != "true":
        raise SignInError("Demo sign-in works only on a generated demo town. Serve this "
                          "database with --auth local or --auth oidc.")
    live = _live(store)
    if live is not None:
        return live
    return start(store, subject="demo-user", display_name="Demo user", roles=list(Role),
                 auth_mode="demo")


def current(store: Store) -> Session | None:
    """The signed-in session of this browser session, or None (signed out)."""
    chosen = mode()
    if chosen == "demo":
        return _demo_session(store)
    if chosen == "oidc":
        return _oidc_session(store)
    return _live(store)


def sign_in_page(store: Store) -> None:
    """The sign-in screen of the mode in force (no data on it)."""
    st.title("CSMap: sign in")
    st.caption("Contextual safeguarding map. Only signed-in people with a role see any data, "
               "and every view of personal data is recorded with its purpose.")
    if msg := st.session_state.pop(MESSAGE_KEY, None):
        st.warning(msg, icon=":material/lock:")
    if mode() == "oidc":
        if st.button("Sign in with your organisation", type="primary", key="signin_oidc"):
            st.login()
        if st.user.is_logged_in and st.button("Sign out of the identity provider",
                                              key="signin_oidc_out"):
            st.logout()
        return
    with st.form("signin", clear_on_submit=True):
        username = st.text_input("Username", key="signin_username", autocomplete="username")
        password = st.text_input("Password", type="password", key="signin_password",
                                 autocomplete="current-password")
        if st.form_submit_button("Sign in", type="primary"):
            try:
                account = accounts.verify(username, password)
            except SignInError as exc:
                st.error(str(exc), icon=":material/lock:")
                return
            start(store, subject=account.username, display_name=account.username,
                  roles=list(account.roles), auth_mode="local")
            st.rerun()


def sign_out(store: Store) -> bool:
    """End this browser session's sign-in for good (and the identity provider's cookie).

    Returns True when the browser is being sent to the identity provider to sign out there
    too (the caller must then not rerun the page, which could cancel that redirect).
    """
    token = st.session_state.pop(TOKEN_KEY, None)
    if token:
        sessions.end(store, str(token), "signed_out")
    forget_everything("You have signed out.")
    if mode() == "oidc" and st.user.is_logged_in:
        claims = st.user.to_dict()
        sessions.end_idp_sign_in(store, sessions.idp_key(
            str(claims.get("iss", "")), str(claims.get("sub", "")), claims.get("iat", "")))
        st.logout()
        return True
    return False


def forget_everything(message: str) -> None:
    """Forget all this browser session held (searches typed, which may be names; reads kept
    for reruns; a names grant), leaving only ``message``: a sign-in that ended, by signing
    out or timing out, leaves nothing for whoever uses the browser next."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[MESSAGE_KEY] = message
