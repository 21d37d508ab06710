"""Reading an agency file into header + numbered rows, streamed in chunks.

Every problem with the file as a whole (too big, empty, not UTF-8, broken quoting, a header
that does not fit the format) is a :class:`~domain.errors.ValidationError` naming the file and
what to fix. Problems with single rows are left to the validator so the rest can be imported.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from data.importers.formats import FileFormat
from domain import settings
from domain.errors import ValidationError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


@dataclass(frozen=True)
class RawRow:
    """One data row as read: its spreadsheet row number (header = 1) and its cells."""

    number: int
    cells: tuple[str, ...]


def normalise_header(name: str) -> str:
    """'Date of Birth ' -> 'date_of_birth': how header cells are matched to column names."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def human_size(n: int) -> str:
    """Bytes as 'N.N MB'."""
    return f"{n / 1_048_576:.1f} MB"


def check_size(name: str, size: int) -> None:
    """Refuse a file over the ``import_max_bytes`` setting with a message saying what to do."""
    cap = settings.get_int("import_max_bytes")
    if size > cap:
        raise ValidationError(
            f"{name} is {human_size(size)}, over the import limit of {human_size(cap)}. "
            "Split it into smaller files (each with the header row), or ask an administrator "
            "to raise the limit (setting CSMAP_IMPORT_MAX_BYTES)."
        )


def _excel_rows(name: str, data: bytes) -> list[list[str]]:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise ValidationError(
            f"{name} is an Excel workbook, but Excel support (the openpyxl package) is not "
            "installed here. In Excel use File > Save As > 'CSV UTF-8 (comma delimited)' and "
            "import the .csv file."
        ) from None
    import pandas as pd

    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=str)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ValidationError(
            f"{name} could not be read as an Excel workbook ({type(exc).__name__}). "
            "Open it in Excel and save it again, or save it as CSV UTF-8."
        ) from None
    frame = frame.fillna("")
    return [[str(v) for v in row] for row in frame.itertuples(index=False)]


def _text_records(name: str, data: bytes) -> Iterator[list[str]]:
    """CSV records from UTF-8 bytes; raises ValidationError for bad encoding or quoting."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    try:
        text = decoder.decode(data, final=True)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            f"{name} is not UTF-8 text (unreadable byte 0x{data[exc.start]:02x} on line {line}). "
            "In Excel use Save As > 'CSV UTF-8 (comma delimited)'; in other tools choose "
            "UTF-8 encoding."
        ) from None
    if "\x00" in text:
        raise ValidationError(
            f"{name} contains NUL bytes: it is probably not a CSV file (a spreadsheet or a "
            "UTF-16 export?). Save it as 'CSV UTF-8' and import again."
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise ValidationError(
            f"{name} has broken CSV quoting near line {reader.line_num}: {exc}. "
            'Check that every quoted value is closed, and that quotes inside values are '
            'doubled ("").'
        ) from None


def records(name: str, data: bytes) -> Iterator[list[str]]:
    """All records (header first) of a CSV or Excel file's bytes."""
    check_size(name, len(data))
    if Path(name).suffix.lower() in EXCEL_SUFFIXES:
        yield from _excel_rows(name, data)
    else:
        yield from _text_records(name, data)


def read_header(name: str, first: list[str] | None, fmt: FileFormat, *,
                agency_given: bool) -> list[str]:
    """Check the header row against the format and return the normalised column names."""
    expected = f"Expected header: {fmt.header}"
    if first is None or not any(c.strip() for c in first):
        raise ValidationError(
            f"{name} is empty: it needs a header row and at least one data row. {expected}"
        )
    header = [normalise_header(c) for c in first]
    while header and not header[-1]:  # spreadsheets often export empty trailing columns
        header.pop()
    if len(header) == 1 and (";" in first[0] or "\t" in first[0]):
        sep = "';'" if ";" in first[0] else "a tab"
        raise ValidationError(
            f"{name} seems to be separated by {sep}, not commas. Save it as comma-separated "
            f"CSV. {expected}"
        )
    seen: set[str] = set()
    dupes = sorted({h for h in header if h in seen or seen.add(h)})  # type: ignore[func-returns-value]
    if dupes:
        raise ValidationError(
            f"{name} has the column(s) {', '.join(dupes)} more than once; keep one of each. "
            f"{expected}"
        )
    known = {c.name for c in fmt.columns}
    unknown = [h for h in header if h not in known]
    required = list(fmt.required)
    if not agency_given and fmt.agency_column not in required:
        required.append(fmt.agency_column)
    missing = [c for c in required if c not in header]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(f"missing required column(s): {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(h or '(blank)' for h in unknown)}")
        hint = ""
        if fmt.agency_column in missing:
            hint = f" (or choose the agency on the Import page to leave {fmt.agency_column} out)"
        raise ValidationError(
            f"{name} does not look like a {fmt.kind.replace('_', ' ')} file: "
            f"{'; '.join(parts)}{hint}. {expected}"
        )
    return header


def chunks(rows: Iterator[list[str]], *, size: int) -> Iterator[list[RawRow]]:
    """Numbered, non-blank data rows in lists of at most ``size`` (row 1 is the header)."""
    batch: list[RawRow] = []
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are not rows
        batch.append(RawRow(number, tuple(cells)))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
