"""Domain exceptions. Each subclasses a built-in so callers can catch either."""

from __future__ import annotations


class CSMapError(Exception):
    """Base class for errors CSMap shows to a user as a readable message."""


class StoreNotFoundError(CSMapError, FileNotFoundError):
    """The database file does not exist; say how to create it."""


class StoreLockedError(CSMapError, OSError):
    """Another process holds the database file."""


class EmptyStoreError(CSMapError, LookupError):
    """The database has no data yet."""


class SchemaError(CSMapError, RuntimeError):
    """The database schema is newer than this program or a migration failed."""


class AccessDeniedError(CSMapError, PermissionError):
    """The viewer's role may not see this data."""


class UnknownQueryError(CSMapError, KeyError):
    """A named query that does not exist was asked for."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "unknown query"


class NotFoundError(CSMapError, LookupError):
    """An id (person, place, meeting...) that is not in the store."""


class ValidationError(CSMapError, ValueError):
    """Input that does not fit: the message says what to fix."""


class SignInError(CSMapError, PermissionError):
    """Sign-in refused, or the session ended (signed out, timed out, revoked)."""


class AuditError(CSMapError, OSError):
    """The audit trail cannot be written, or does not match its head: nothing personal is
    shown until it is put right."""
