"""The layers hold: import-linter's contracts pass on the tree and fail on an upward import;
every module in ``dashboard/`` is Streamlit code; page scripts stay short."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "analytics", "data", "services", "dashboard")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"),
                           "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=300)


def _copy_tree(dest: Path) -> Path:
    for pkg in PACKAGES:
        shutil.copytree(ROOT / pkg, dest / pkg,
                        ignore=shutil.ignore_patterns("__pycache__", "*.geojson", "*.csv"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_the_layer_contracts_hold() -> None:
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("domain/settings.py", "from data import store", "Pages over services"),
    ("analytics/places.py", "from data import store", "Pages over services"),
    ("data/store.py", "from analytics import places", "Pages over services"),
    ("services/pack.py", "from dashboard import common", "Pages over services"),
    ("analytics/network.py", "import duckdb", "Only the data layer talks to DuckDB"),
    ("services/briefing.py", "import streamlit", "Streamlit only in the dashboard"),
])
def test_an_upward_or_forbidden_import_breaks_a_contract(tmp_path: Path, module: str,
                                                         line: str, contract: str) -> None:
    root = _copy_tree(tmp_path)
    target = root / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    done = _lint_imports(root)
    assert done.returncode != 0
    broken = done.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, done.stdout


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_dashboard_module_is_streamlit_code() -> None:
    not_streamlit = [str(p.relative_to(ROOT)) for p in (ROOT / "dashboard").rglob("*.py")
                     if p.name != "__init__.py" and "streamlit" not in _imports(p)]
    assert not not_streamlit, f"move these to services/: {not_streamlit}"



def test_page_scripts_only_compose() -> None:
    long_pages = {p.name: n for p in (ROOT / "dashboard" / "views").glob("*.py")
                  if (n := len(p.read_text().splitlines())) > 80}
    assert not long_pages, f"over 80 lines (move logic to components or services): {long_pages}"
