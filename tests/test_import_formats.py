"""Files as agencies really send them: Excel workbooks, Windows encodings, other separators,
overrides of what is detected, the progress callback, and the column-at-once reader."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest

from data import importers
from data.importers import _read
from data.store import Store
from domain.access import Role, Viewer
from domain.errors import ValidationError
from tests.import_support import TODAY, seed_reference

ANALYST = Viewer("test-analyst", Role.ANALYST, "testing")
PR_HEADER = ["local_ref", "given_name", "family_name", "date_of_birth", "postcode", "kind"]


@pytest.fixture
def store(empty_store: Store) -> Store:
    seed_reference(empty_store)
    return empty_store


def check(store: Store, data: bytes, name: str, kind: str = "person_records",
          **options: Any) -> importers.ImportPlan:
    return importers.check_file(store, ANALYST, kind=kind, file_name=name, data=data,
                                agency_id="police", today=TODAY,
                                options=importers.ReadOptions(**options))


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- Excel ---------------------------------------------------------------------------------
def test_excel_first_sheet_with_excel_dates_and_numbers(store: Store) -> None:
    data = workbook({"Records": [
        ["Local Ref", "Given Name", "Family Name", "Date of Birth", "Postcode", "Kind"],
        ["X1", "Zoë", "Lee", date(2010, 3, 4), "CW1 1AA", "child"],
        ["X2", "Ann", "Hall", datetime(2011, 5, 6), None, None],
        ["X3", "Tom", "Ward", 40179, "CW2 2BB", "child"],  # a date as Excel's day number
        [1234, "Ann", "Lee", "04/03/2010", None, None],  # a number as a reference
    ], "Other": [["nothing", "here"]]})
    plan = check(store, data, "records.xlsx")
    assert (plan.report.accepted, plan.report.rejected) == (4, 0), plan.report.problems
    dobs = {r["local_ref"]: r["date_of_birth"] for r in plan.rows}
    assert dobs["X1"].date() == date(2010, 3, 4) and dobs["X2"].date() == date(2011, 5, 6)
    assert dobs["X3"].date() == date(2010, 1, 1) and dobs["1234"].date() == date(2010, 3, 4)
    assert plan.report.read_as == ("Read as an Excel workbook, sheet 'Records' (the workbook "
                                   "has 1 other sheet).")


def test_excel_formula_and_error_cells_are_reported_never_imported_blank(store: Store) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PR_HEADER)
    ws.append(["F1", "Ann", '=UPPER("lee")', "2010-01-01", "", ""])
    ws.append(["F2", "Bob", "Smith", "2010-01-01", "", ""])
    ws.append(["F3", "Cy", "Hall", "2010-01-01", "", ""])
    ws["D4"] = "#N/A"
    ws["D4"].data_type = "e"
    out = io.BytesIO()
    wb.save(out)
    rep = importers.import_file(store, ANALYST, kind="person_records", file_name="f.xlsx",
                                data=out.getvalue(), agency_id="police", today=TODAY)
    assert (rep.accepted, rep.rejected, rep.total) == (1, 2, 3)
    reasons = {p.row: (p.column, p.reason) for p in rep.problems}
    assert reasons[2][0] == "family_name" and "holds an Excel formula" in reasons[2][1]
    assert "Paste Special > Values" in reasons[2][1] and "UPPER" not in reasons[2][1]
    assert reasons[4][0] == "date_of_birth" and "error value #N/A" in reasons[4][1]
    raw = store.cursor.execute("SELECT raw FROM quarantine_row WHERE row_number = 2").fetchone()
    assert raw is not None and '=UPPER(\\"lee\\")' in raw[0]  # kept whole, as text
    stored = store.cursor.execute("SELECT family_name FROM person_record").fetchall()
    assert stored == [("Smith",)]


def test_excel_sheet_is_chosen_by_name_and_a_wrong_name_lists_the_sheets(store: Store) -> None:
    data = workbook({"Notes": [["read me first"]],
                     "Records": [PR_HEADER, ["S1", "Ann", "Lee", "", "", ""]]})
    plan = check(store, data, "two.xlsx", sheet="Records")
    assert plan.report.accepted == 1 and "sheet 'Records'" in plan.report.read_as
    with pytest.raises(ValidationError, match=r"no sheet called 'Record': choose one of "
                                              r"'Notes', 'Records'"):
        check(store, data, "two.xlsx", sheet="Record")
    assert importers.sheet_names("two.xlsx", data) == ["Notes", "Records"]


def test_old_xls_and_damaged_workbooks_say_what_to_do(store: Store) -> None:
    with pytest.raises(ValidationError, match=r"\.xls.*Save As > 'Excel Workbook \(\.xlsx\)'"):
        check(store, b"\xd0\xcf\x11\xe0", "old.xls")
    with pytest.raises(ValidationError, match="could not be read as an Excel workbook"):
        check(store, b"not a workbook", "f.xlsx")


# -- encodings and separators -------------------------------------------------------------
@pytest.mark.parametrize(("sep", "word"), [(",", "comma"), (";", "semicolon"), ("\t", "tab"),
                                           ("|", "pipe")])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_each_encoding_and_separator_is_detected_and_reported(
        store: Store, sep: str, word: str, encoding: str) -> None:
    text = "\r\n".join([sep.join(PR_HEADER), sep.join(["E1", "Zoë", "O'Brien", "2010-03-04",
                                                        "CW1 1AA", "child"]),
                        sep.join(["E2", "Siân", "Müller", "", "", ""]),
                        sep.join(["E3", "Renée", "Œster £5 – ok", "", "", ""])]) + "\r\n"
    plan = check(store, text.encode(encoding), "f.csv")
    assert plan.report.accepted == 3, plan.report.problems
    names = [(r["given_name"], r["family_name"]) for r in plan.rows]
    assert names == [("Zoë", "O'Brien"), ("Siân", "Müller"), ("Renée", "Œster £5 – ok")]
    expected = {"utf-8": "utf-8", "cp1252": "cp1252", "utf-16": "utf-16"}[encoding]
    assert plan.report.read_as == (f"Read as text in {expected} (detected), values separated "
                                   f"by {word} (detected).")


def test_a_wrong_guess_can_be_overridden(store: Store) -> None:
    data = "\n".join([",".join(PR_HEADER), "O1,Zoë,Lee,,,"]).encode("cp1252")
    plan = check(store, data, "f.csv", encoding="latin-1")
    assert plan.rows[0]["given_name"] == "Zoë"
    assert "latin-1 (as chosen)" in plan.report.read_as.replace("iso8859-1", "latin-1")
    with pytest.raises(ValidationError, match=r"cannot be read as utf-8 text, the encoding "
                                              r"chosen .*line 2.*--encoding"):
        check(store, data, "f.csv", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"separated by commas, but was read with another "
                                              r"separator.*--delimiter"):
        check(store, data, "f.csv", delimiter=";")
    plan = check(store, data.replace(b",", b";"), "f.csv", delimiter=";")
    assert "semicolon (as chosen)" in plan.report.read_as


def test_override_values_are_checked() -> None:
    assert importers.parse_delimiter("Semicolon") == ";"
    assert importers.parse_delimiter("\\t") == "\t" and importers.parse_delimiter(None) is None
    with pytest.raises(ValidationError, match="use comma, semicolon, tab or pipe"):
        importers.parse_delimiter("colon")
    assert importers.check_encoding("CP1252") == "cp1252"
    with pytest.raises(ValidationError, match="unknown text encoding 'klingon'"):
        importers.check_encoding("klingon")


def test_formulas_and_markup_stay_inert_text(store: Store) -> None:
    text = ("incident_id,occurred_at,kind,harm_context,narrative,child_words\n"
            'I1,2025-01-01 10:00,arrest,unknown,"=HYPERLINK(""http://x"",""y"")",'
            "<script>alert(1)</script>\n")
    rep = importers.import_file(store, ANALYST, kind="incidents", file_name="i.csv",
                                data=text.encode(), agency_id="police", today=TODAY)
    assert rep.accepted == 1
    row = store.cursor.execute("SELECT narrative, child_words FROM incident").fetchone()
    assert row == ('=HYPERLINK("http://x","y")', "<script>alert(1)</script>")


# -- progress and the two readers ---------------------------------------------------------
def test_progress_is_reported_per_chunk_up_to_the_total(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSMAP_IMPORT_CHUNK_ROWS", "10")
    text = ",".join(PR_HEADER) + "\n" + "".join(f"P{i},Ann,Lee,,,\n" for i in range(35))
    seen: list[tuple[int, int]] = []
    importers.check_file(store, ANALYST, kind="person_records", file_name="p.csv",
                         data=text.encode(), agency_id="police", today=TODAY,
                         progress=lambda done, expected: seen.append((done, expected)))
    assert [d for d, _ in seen] == [10, 20, 30, 35] and all(e >= 35 for _, e in seen)


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n",  # plain: Arrow reads it
    'a,b\n"1,5",2\n',  # quoted separator: Arrow, checked against Python's reader
])
def test_arrow_reader_is_used_only_when_it_reads_as_python_does(text: str) -> None:
    table = _read.arrow_table(text, text.encode(), "utf-8", ",")
    assert table is not None
    assert table.to_pylist()[0] == dict(zip(table.column_names, next(iter(
        __import__("csv").reader([text.splitlines()[1]]))), strict=True))


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n\n3,4\n",  # a blank line: row numbers would shift
    'a,b\n"x\ny",2\n',  # a value over two lines
    "a,b\n1,2\n1,2,3\n",  # a row of another width
    'a,b\n"x"y,2\n',  # quoting Python's strict reader refuses
])
def test_arrow_reader_steps_aside_when_it_could_differ(text: str) -> None:
    assert _read.arrow_table(text, text.encode(), "utf-8", ",") is None


def test_cli_import_reads_windows_files_with_overrides_and_a_progress_bar(
        store: Store, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    db = tmp_path / "cli.duckdb"
    fresh = Store.open(db, create=True)
    seed_reference(fresh)
    fresh.close()
    path = tmp_path / "person_records_win.csv"
    path.write_bytes("local_ref;agency_id;given_name;family_name\r\nC1;police;Zoë;Lee\r\n"
                     .encode("cp1252"))
    runner = CliRunner()
    out = runner.invoke(app, ["import", str(path), "--db", str(db), "--progress"])
    assert out.exit_code == 0, out.output
    assert "cp1252 (detected), values separated by semicolon (detected)" in out.output
    assert "Checking person_records_win.csv" in out.output and "1 accepted" in out.output
    wrong = runner.invoke(app, ["import", str(path), "--db", str(db), "--no-progress",
                                "--delimiter", "comma", "--dry-run"])
    assert wrong.exit_code == 2 and "separated by semicolons" in wrong.output
    bad = runner.invoke(app, ["import", str(path), "--db", str(db), "--encoding", "klingon"])
    assert bad.exit_code == 2 and "unknown text encoding 'klingon'" in bad.output
    book = tmp_path / "person_records_book.xlsx"
    book.write_bytes(workbook({"Front": [["cover"]], "Data": [
        ["local_ref", "agency_id", "given_name"], ["C2", "police", "Ann"]]}))
    out = runner.invoke(app, ["import", str(book), "--db", str(db), "--sheet", "Data",
                              "--no-progress"])
    assert out.exit_code == 0 and "sheet 'Data'" in out.output, out.output
    with Store.open(db) as check_store:
        got = check_store.cursor.execute("SELECT local_ref, given_name FROM person_record "
                                         "ORDER BY local_ref").fetchall()
    assert got == [("C1", "Zoë"), ("C2", "Ann")]


def test_text_in_another_script_keeps_the_detected_encoding() -> None:
    western = ("a;b\n" + "Zoë;Müller £5\n" * 30).encode("cp1252")
    cyrillic = ("a;b\n" + "Привет;мир дорогой друг\n" * 10).encode("cp1251")
    assert _read._detect_encoding("w.csv", western) == "cp1252"
    assert _read._detect_encoding("c.csv", cyrillic) == "cp1251"
