"""Browser test: an analyst checks a sample file on the Import page in headless Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests import browser_support as browser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_import_page_checks_a_sample_in_chromium(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "import-browser.duckdb"
    shutil.copy(demo_db, db)  # the server holds its own copy read-write
    with browser.serve_app(db) as url, browser.chromium() as page:
        browser.open_page_as(page, url, role="Police intelligence analyst", nav="Import",
                             text="Import agency data")
        page.get_by_test_id("stMain").get_by_test_id("stSelectbox").nth(0).click()
        page.get_by_role("option", name="person_records_education.csv").click()
        browser.wait_for_app(page)
        page.get_by_test_id("stMain").get_by_test_id("stSelectbox").nth(2).click()
        page.get_by_role("option", name="EDU", exact=True).click()
        browser.wait_for_app(page)
        page.get_by_role("button", name="Check file").click()
        browser.wait_for_app(page, text="Validation report")
        browser.assert_no_exception(page)
        assert page.get_by_text("3 accepted + 0 rejected = 3 rows").count() == 1
        shot = browser.screenshot(page, "import-check")
        assert shot.stat().st_size > 20_000
        page.get_by_role("tab", name="Merge review").click()
        page.get_by_role("button", name="Find candidate matches").click()
        browser.wait_for_app(page, text="Pair to decide")
        browser.assert_no_exception(page)
        browser.screenshot(page, "import-merge-review")
        assert not page.blocked_requests, page.blocked_requests


def _files(folder: Path) -> dict[str, bytes]:
    """An .xlsx, a cp1252 semicolon CSV and a tab-separated file of person records."""
    import io
    from datetime import date

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Records"
    ws.append(["local_ref", "given_name", "family_name", "date_of_birth", "postcode"])
    ws.append(["XL-1", "Zoë", "Ward", date(2010, 3, 4), "CW1 1AA"])
    ws.append(["XL-2", "Ann", '=UPPER("hall")', date(2011, 5, 6), None])
    out = io.BytesIO()
    wb.save(out)
    header = "local_ref;given_name;family_name;date_of_birth;postcode\r\n"
    return {
        "person_records_excel.xlsx": out.getvalue(),
        "person_records_windows.csv": (header + "W-1;Siân;O'Brien;04/03/2010;CW2 2BB\r\n"
                                       "W-2;Renée;Müller;2011-05-06;\r\n").encode("cp1252"),
        "person_records_tabs.tsv": header.replace(";", "\t").encode()
        + b"T-1\tLeo\tHall\t2012-01-02\tCW3 3CC\n",
    }


@pytest.mark.parametrize(("name", "detected", "counts"), [
    ("person_records_excel.xlsx", "Excel workbook, sheet 'Records'", "1 accepted + 1 rejected"),
    ("person_records_windows.csv", "cp1252 (detected), values separated by semicolon",
     "2 accepted + 0 rejected"),
    ("person_records_tabs.tsv", "utf-8 (detected), values separated by tab",
     "1 accepted + 0 rejected"),
])
def test_excel_windows_and_tab_files_import_in_chromium(demo_db: Path, tmp_path: Path,
                                                       name: str, detected: str,
                                                       counts: str) -> None:
    db = tmp_path / "import-formats.duckdb"
    shutil.copy(demo_db, db)
    path = tmp_path / name
    path.write_bytes(_files(tmp_path)[name])
    with browser.serve_app(db) as url, browser.chromium() as page:
        browser.open_page_as(page, url, role="Police intelligence analyst", nav="Import",
                             text="Import agency data")
        page.locator("input[type=file]").set_input_files(str(path))
        browser.wait_for_app(page)
        page.get_by_test_id("stMain").get_by_test_id("stSelectbox").nth(2).click()
        page.get_by_role("option", name="EDU", exact=True).click()
        browser.wait_for_app(page)
        page.get_by_role("button", name="Check file").click()
        browser.wait_for_app(page, text="Validation report")
        browser.assert_no_exception(page)
        assert page.get_by_text(detected).count() >= 1
        assert page.get_by_text(counts).count() == 1
        browser.screenshot(page, f"import-{Path(name).stem}")
        page.get_by_role("button", name=re.compile(r"^Import \d")).click()
        browser.wait_for_app(page, text="Written.")
        browser.assert_no_exception(page)
        browser.screenshot(page, f"import-{Path(name).stem}-written")
