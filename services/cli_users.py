"""``csmap users``: local accounts for a deployment with no identity provider.

Passwords are read from standard input (typed twice at a terminal, or one line from a pipe),
never from the command line, where other users and the shell history would see them.
"""

from __future__ import annotations

import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from domain.errors import CSMapError
from services import accounts

users = typer.Typer(no_args_is_help=True, help="Local accounts (argon2id, lockout).")

ACCOUNTS_HELP = "Accounts file (default: the CSMAP_ACCOUNTS_PATH setting)."


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _read_password() -> str:
    """The new password from standard input: asked twice at a terminal, else one line."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            _fail("the two passwords differ; nothing was changed")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@users.command("add")
def add(
    username: str = typer.Argument(..., help="Sign-in name (lowercase letters, digits, . - _)."),
    role: list[str] = typer.Option(..., "--role",
                                   help="panel, analyst, commissioner, admin or auditor; "
                                        "give --role more than once for several roles."),
    accounts_file: Path = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
) -> None:
    """Add a user, or set a user's password and roles (password from standard input)."""
    password = _read_password()
    try:
        account = accounts.add_user(username, password, role, path=accounts_file)
    except CSMapError as exc:
        _fail(str(exc))
    typer.echo(f"{account.username}: {', '.join(r.value for r in account.roles)} "
               f"({accounts.accounts_path(accounts_file)})")


@users.command("disable")
def disable(
    username: str = typer.Argument(..., help="The user to disable."),
    enable: bool = typer.Option(False, "--enable", help="Enable the user again instead."),
    accounts_file: Path = typer.Option(None, "--accounts", help=ACCOUNTS_HELP),
) -> None:
    """Disable a user (they can no longer sign in), or enable them again with --enable."""
    try:
        account = accounts.set_disabled(username, not enable, path=accounts_file)
    except CSMapError as exc:
        _fail(str(exc))
    typer.echo(f"{account.username}: {'disabled' if account.disabled else 'enabled'}")


@users.command("list")
def list_(accounts_file: Path = typer.Option(None, "--accounts", help=ACCOUNTS_HELP)) -> None:
    """List users, their roles and whether they may sign in (never their hashes)."""
    try:
        found = accounts.list_users(accounts_file)
    except CSMapError as exc:
        _fail(str(exc))
    if not found:
        typer.echo("no users")
    now = datetime.now(UTC)
    for a in found:
        state = "disabled" if a.disabled else ("locked" if a.locked(now) else "active")
        typer.echo(f"{a.username}\t{','.join(r.value for r in a.roles)}\t{state}")


def register(app: typer.Typer) -> None:
    """Add ``csmap users`` to the main command."""
    app.add_typer(users, name="users")
