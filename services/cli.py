"""The ``csmap`` command: generate a demo town, serve the dashboard, analyst tools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from domain import settings
from domain.errors import CSMapError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="CSMap: contextual safeguarding mapping dashboard.",
)

APP_PATH = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"

# Security options pinned on the command line, where Streamlit gives them precedence over any
# .streamlit/config.toml in the operator's folder: a config file cannot loosen them.
STREAMLIT_FLAGS = [
    "--server.headless=true",
    "--browser.gatherUsageStats=false",
    "--client.showErrorDetails=none",
    "--client.toolbarMode=minimal",
    "--client.disableDataExport=true",  # tables offer no unaudited CSV download
    "--server.enableXsrfProtection=true",
    "--server.enableCORS=true",
    "--server.enableAgentApi=false",
    "--server.enableStaticServing=false",
    "--server.fileWatcherType=none",
    "--global.developmentMode=false",
    "--server.runOnSave=false",
]
AUTH_MODES = ("local", "oidc", "demo")


def security_flags(*, address: str, port: int, hosts: list[str]) -> list[str]:
    """The pinned security options for one server: its address, the host names and origins it
    answers (a DNS-rebinding page with another Host or Origin is refused) and the upload
    limit (the import limit, so a bigger file never reaches server memory)."""
    names = list(dict.fromkeys(["127.0.0.1", "localhost", *hosts]))
    upload_mb = max(1, -(-settings.get_int("import_max_bytes") // 1_048_576))
    flags = [*STREAMLIT_FLAGS, f"--server.address={address}", f"--server.port={port}",
             f"--server.maxUploadSize={upload_mb}"]
    for name in names:
        flags += ["--server.allowedHosts", name]
    for name in names:
        for scheme in ("http", "https"):
            flags += ["--server.corsAllowedOrigins", f"{scheme}://{name}:{port}"]
    return flags


def fail(message: str) -> None:
    """Print a one-line error and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command()
def generate(
    size: str = typer.Option("small", help="small (~300 children), county (~10k), national (20x)"),
    seed: int = typer.Option(7, help="Random seed; the same seed gives the same database."),
    out: Path = typer.Option(Path("demo/csmap_demo.duckdb"), help="DuckDB file to write."),
    force: bool = typer.Option(False, help="Replace the file if it exists."),
) -> None:
    """Build a seeded synthetic demo town on the real Cheshire East ward boundaries."""
    from data import generate as gen

    try:
        report = gen.generate(out, size=size, seed=seed, force=force)
    except CSMapError as exc:
        fail(str(exc))
    typer.echo(report.summary())


def _serve(db: Path, port: int, *, auth: str, accounts: Path | None = None,
           address: str = "127.0.0.1", hosts: list[str] | None = None,
           secrets: Path | None = None) -> None:
    env = dict(os.environ)
    env[settings.SETTINGS["db_path"].env] = str(db.resolve())
    env[settings.SETTINGS["auth_mode"].env] = auth
    if accounts is not None:
        env[settings.SETTINGS["accounts_path"].env] = str(accounts.resolve())
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP_PATH),
           *security_flags(address=address, port=port, hosts=hosts or [])]
    if secrets is not None:
        cmd += ["--secrets.files", str(secrets.resolve())]
    typer.echo(f"CSMap on http://{address}:{port} (database {db}, sign-in: {auth}); "
               "Ctrl+C stops it.")
    if os.name == "posix":  # become the server, so stopping this process stops Streamlit
        sys.stdout.flush()
        os.execve(sys.executable, cmd, env)
    try:
        raise typer.Exit(subprocess.call(cmd, env=env))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def check_serve(db: Path, auth: str, accounts: Path | None,
                secrets: Path | None = None) -> None:
    """Refuse to serve what cannot work or would be unsafe, with what to do instead."""
    from data.store import Store

    if auth not in AUTH_MODES:
        fail(f"--auth {auth}: use local, oidc or demo")
    if not db.exists():
        fail(f"no database at {db}: run `csmap generate --out {db}` first")
    if auth == "local":
        path = accounts or (Path(settings.get_str("accounts_path"))
                            if settings.get_str("accounts_path") else None)
        if path is None or not path.exists():
            fail("--auth local needs an accounts file: add users with "
                 "`csmap users add NAME --role panel --accounts PATH`, then "
                 "`csmap serve --auth local --accounts PATH`")
    if auth == "oidc" and not (secrets or Path(".streamlit/secrets.toml")).exists():
        fail("--auth oidc needs the identity provider's client settings in "
             ".streamlit/secrets.toml or --secrets PATH ([auth] redirect_uri, cookie_secret, "
             "client_id, client_secret, server_metadata_url); see docs/security.md")
    if auth == "demo":
        try:
            with Store.open(db, read_only=True) as store:
                synthetic = store.meta().get("synthetic") == "true"
        except CSMapError as exc:
            fail(str(exc))
        if not synthetic:
            fail(f"--auth demo works only on a generated demo town, and {db} is not one: "
                 "serve it with --auth local or --auth oidc")


@app.command()
def serve(
    db: Path = typer.Option(None, help="DuckDB file (default: the CSMAP_DB_PATH setting)."),
    port: int = typer.Option(8501, help="Port."),
    auth: str = typer.Option("local", "--auth",
                             help="Sign-in: local (accounts file), oidc (identity provider in "
                                  ".streamlit/secrets.toml) or demo (role selector; demo "
                                  "towns only)."),
    accounts: Path = typer.Option(None, "--accounts",
                                  help="Local accounts file (default: CSMAP_ACCOUNTS_PATH)."),
    address: str = typer.Option("127.0.0.1", help="Address to listen on (keep 127.0.0.1 "
                                                  "behind a TLS proxy)."),
    host: list[str] = typer.Option([], "--host",
                                   help="Public host name the proxy serves CSMap as (repeat "
                                        "for several); any other Host header is refused."),
    secrets: Path = typer.Option(None, "--secrets",
                                 help="The identity provider's client settings (TOML, [auth]); "
                                      "default .streamlit/secrets.toml."),
) -> None:
    """Serve the dashboard behind sign-in."""
    path = db or settings.db_path()
    check_serve(path, auth, accounts, secrets)
    _serve(path, port, auth=auth, accounts=accounts, address=address, hosts=host,
           secrets=secrets)


@app.command()
def demo(
    port: int = typer.Option(8501, help="Port on 127.0.0.1."),
    db: Path = typer.Option(Path("demo/csmap_demo.duckdb"), help="Demo database file."),
) -> None:
    """Build the small demo town if missing, make one demo account per role (passwords
    printed here, new at every start), then serve the dashboard with local sign-in."""
    from services import accounts as local_accounts

    if not db.exists():
        generate(size="small", seed=7, out=db, force=False)
    path = db.parent / "demo_accounts.json"
    made = local_accounts.demo_accounts(path)
    typer.echo("Demo accounts (synthetic data only; passwords are new at every start):")
    for username, password, role in made:
        typer.echo(f"  {role:<13} username {username:<18} password {password}")
    _serve(db, port, auth="local", accounts=path)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="File from an agency: CSV (any common encoding; "
                                          "comma, semicolon, tab or pipe) or Excel .xlsx."),
    kind: str = typer.Option(None, "--type",
                             help="person_records, incidents, links or presences "
                                  "(default: guessed from the file name)."),
    agency: str = typer.Option(None, help="Agency id for files without an agency column."),
    db: Path = typer.Option(None, help="DuckDB file (default: the CSMAP_DB_PATH setting)."),
    dry_run: bool = typer.Option(False, help="Check and report only; write nothing."),
    actor: str = typer.Option("csmap-cli", help="Who is importing (recorded in the audit)."),
    encoding: str = typer.Option(None, "--encoding",
                                 help="Text encoding, e.g. cp1252 (default: detected)."),
    delimiter: str = typer.Option(None, "--delimiter",
                                  help="comma, semicolon, tab or pipe (default: detected)."),
    sheet: str = typer.Option(None, "--sheet", help="Excel sheet name (default: the first)."),
    progress: bool = typer.Option(None, "--progress/--no-progress",
                                  help="Show a progress bar (default: on a terminal)."),
) -> None:
    """Check an agency file and import it; rejected rows go to quarantine (docs/import.md)."""
    from data import importers
    from data.store import Store
    from domain.access import Role, Viewer
    from services import cli_progress

    kind = kind or importers.guess_kind(file.name) or ""
    if not file.exists():
        fail(f"no file at {file}")
    try:
        # refuse a huge file before reading it into memory
        importers.check_size(file.name, file.stat().st_size)
        options = importers.ReadOptions(encoding=importers.check_encoding(encoding),
                                        delimiter=importers.parse_delimiter(delimiter),
                                        sheet=sheet)
        with Store.open(db or settings.db_path()) as store, \
                cli_progress.bar(file.name, shown=progress) as step:
            viewer = Viewer(actor, Role.ANALYST, f"import of {file.name}")
            plan = importers.check_file(store, viewer, kind=kind, file_name=file.name,
                                        data=file.read_bytes(), agency_id=agency,
                                        options=options, progress=step)
            if not dry_run:
                step(-1, -1)  # the write: one transaction, no steps to count
            report = plan.report if dry_run else importers.commit(store, viewer, plan)
    except CSMapError as exc:
        fail(str(exc))
    typer.echo(report.read_as)
    for p in report.problems:
        typer.echo(f"row {p.row}, {p.column}: {p.reason}")
    typer.echo(report.summary() + (" (dry run: nothing written)" if dry_run else ""))


from services import cli_roles  # noqa: E402

cli_roles.register(app)

from services import cli_hotspots  # noqa: E402

cli_hotspots.register(app)

from services import cli_protection  # noqa: E402

cli_protection.register(app)

from services import cli_users  # noqa: E402

cli_users.register(app)

from services import cli_audit  # noqa: E402

cli_audit.register(app)

from services import cli_link  # noqa: E402

cli_link.register(app)


def main() -> None:
    """Entry point."""
    app()


if __name__ == "__main__":
    main()
