"""Who is looking, and what they may see.

Every data-layer read takes a :class:`Viewer`, so access rules, pseudonymisation and audit are
enforced in one place (:mod:`data.store`) and cannot be bypassed by a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import ValidationError


class Role(StrEnum):
    """The roles CSMap knows. Real sign-in maps users to these."""

    PANEL = "panel"  # contextual safeguarding / MACE panel member
    ANALYST = "analyst"  # police intelligence analyst
    COMMISSIONER = "commissioner"  # aggregates only
    ADMIN = "admin"  # data management (import review, data protection) and the audit trail
    AUDITOR = "auditor"  # reads the audit trail and checks it; no case data


class Mode(StrEnum):
    """Display mode: pseudonyms (safety planning, the default) or names (multi-agency)."""

    PSEUDONYMISED = "pseudonymised"
    NAMED = "named"


class Access(StrEnum):
    """What a named query touches, which decides who may run it and whether it is audited."""

    REFERENCE = "reference"  # wards, agencies, place kinds: anyone
    AGGREGATE = "aggregate"  # counts with suppression applied by the caller: anyone
    PERSONAL = "personal"  # about identifiable people: panel, analyst; audited
    ADMIN = "admin"  # data management: admin only; audited
    AUDIT = "audit"  # the audit trail: admin and auditor; audited


ROLE_LABELS: dict[Role, str] = {
    Role.PANEL: "MACE / contextual safeguarding panel",
    Role.ANALYST: "Police intelligence analyst",
    Role.COMMISSIONER: "Commissioner (aggregates only)",
    Role.ADMIN: "Administrator",
    Role.AUDITOR: "Auditor (audit trail only)",
}

_ALLOWED: dict[Access, frozenset[Role]] = {
    Access.REFERENCE: frozenset(Role),
    Access.AGGREGATE: frozenset({Role.PANEL, Role.ANALYST, Role.COMMISSIONER, Role.ADMIN}),
    Access.PERSONAL: frozenset({Role.PANEL, Role.ANALYST}),
    Access.ADMIN: frozenset({Role.ADMIN}),
    Access.AUDIT: frozenset({Role.ADMIN, Role.AUDITOR}),
}

_MAY_SEE_NAMES: frozenset[Role] = frozenset({Role.PANEL, Role.ANALYST})


@dataclass(frozen=True)
class Viewer:
    """The person asking: who they are, their role, why they are looking, display mode, and
    their sign-in session (none until sign-in exists; the audit records it)."""

    actor: str
    role: Role
    purpose: str
    mode: Mode = Mode.PSEUDONYMISED
    session: str | None = None

    def __post_init__(self) -> None:
        if not self.actor.strip():
            raise ValidationError("a viewer needs an actor (who is looking)")
        if not self.purpose.strip():
            raise ValidationError("a viewer needs a purpose (why they are looking)")
        if not isinstance(self.role, Role):
            object.__setattr__(self, "role", parse_role(str(self.role)))
        if not isinstance(self.mode, Mode):
            object.__setattr__(self, "mode", Mode(str(self.mode)))

    def may(self, access: Access) -> bool:
        """True when this viewer's role may run queries of that access class."""
        return self.role in _ALLOWED[access]

    @property
    def shows_names(self) -> bool:
        """True when restricted identifying columns are shown to this viewer."""
        return self.mode is Mode.NAMED and self.role in _MAY_SEE_NAMES

    def with_mode(self, mode: Mode) -> Viewer:
        """The same viewer in another display mode."""
        return Viewer(self.actor, self.role, self.purpose, mode, self.session)


def parse_role(text: str) -> Role:
    """Turn a role name into a :class:`Role`, with a message listing the valid ones."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise ValidationError(f"unknown role {text!r}: use one of {valid}") from None


def may_see_names(role: Role) -> bool:
    """True when a role may switch to named (multi-agency) mode."""
    return role in _MAY_SEE_NAMES
