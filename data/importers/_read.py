"""Reading an agency file into header + numbered rows, streamed in chunks.

A file is CSV text in any common encoding and separated by commas, semicolons, tabs or pipes,
or an Excel workbook (``.xlsx``/``.xlsm``, read with openpyxl). What was found (encoding,
separator, or sheet) is reported as :class:`Reading` so the validation report can say it, and
each guess can be overridden (:class:`ReadOptions`).

Every problem with the file as a whole (too big, empty, unreadable text, broken quoting, a
header that does not fit the format) is a :class:`~domain.errors.ValidationError` naming the
file and what to fix. Problems with single rows are left to the validator so the rest can be
imported.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

from data.importers.formats import FileFormat
from domain import settings
from domain.errors import ValidationError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
OLD_EXCEL_SUFFIXES = (".xls",)
DELIMITERS: dict[str, str] = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Spellings accepted for --delimiter and the page option, besides the character itself.
DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
# What a file that is not UTF-8 most probably is in the UK: Excel's "CSV" on Windows.
WINDOWS_WESTERN = "cp1252"
_SNIFF_LINES = 50
_DETECT_SAMPLE = 65_536
_FEW_BYTES = 40


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; None means detect it. ``sheet`` is an Excel sheet's name."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Reading:
    """What a file was read as, for the validation report: 'text, encoding cp1252
    (detected), separator semicolon (detected)' or "Excel workbook, sheet 'Incidents'"."""

    kind: str  # "text" or "excel"
    encoding: str | None = None
    encoding_detected: bool = False
    delimiter: str | None = None
    delimiter_detected: bool = False
    sheet: str | None = None
    sheets: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for people: what was detected and what was chosen."""
        if self.kind == "excel":
            others = len(self.sheets) - 1
            more = f" (the workbook has {others} other sheet{'s' * (others != 1)})" \
                if others > 0 else ""
            return f"Read as an Excel workbook, sheet {self.sheet!r}{more}."
        how_enc = "detected" if self.encoding_detected else "as chosen"
        how_sep = "detected" if self.delimiter_detected else "as chosen"
        sep = DELIMITERS.get(self.delimiter or ",", repr(self.delimiter))
        return (f"Read as text in {self.encoding} ({how_enc}), values separated by "
                f"{sep} ({how_sep}).")


class Flagged(str):
    """A cell read from a workbook that must not be imported as it is (a formula or an
    error value); ``why`` says what to do. Its text stays the formula, kept in quarantine."""

    why: str

    def __new__(cls, text: str, why: str) -> Flagged:  # noqa: D102
        cell = super().__new__(cls, text)
        cell.why = why
        return cell


class RawRow(NamedTuple):
    """One data row as read: its spreadsheet row number (header = 1), its cells, and the
    positions of workbook cells that are flagged (:class:`Flagged`)."""

    number: int
    cells: tuple[str, ...]
    flagged: tuple[int, ...] = ()


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


def parse_delimiter(value: str | None) -> str | None:
    """A separator given by a person ('semicolon', ';', 'tab', '\\t', 'pipe'), checked."""
    if value is None or value == "":
        return None
    sep = DELIMITER_NAMES.get(value.strip().lower(), value)
    if sep not in DELIMITERS:
        raise ValidationError(
            f"separator {value!r} is not one CSMap reads: use comma, semicolon, tab or pipe "
            "(or leave it out to detect it)")
    return sep


def check_encoding(value: str | None) -> str | None:
    """An encoding name given by a person, checked to exist ('cp1252', 'utf-8', 'latin-1')."""
    if value is None or not value.strip():
        return None
    try:
        return codecs.lookup(value.strip()).name
    except LookupError:
        raise ValidationError(
            f"unknown text encoding {value!r}: use for example utf-8, cp1252 (Excel on "
            "Windows), latin-1 or utf-16 (or leave it out to detect it)") from None


# -- Excel ---------------------------------------------------------------------------------
def _excel_text(value: Any) -> str:
    """A workbook cell as the text a CSV export would hold (dates ISO, 3.0 -> '3')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open_workbook(name: str, data: bytes) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ValidationError(
            f"{name} could not be read as an Excel workbook ({type(exc).__name__}). "
            "Open it in Excel and save it again as .xlsx, or save it as CSV UTF-8."
        ) from None


def sheet_names(name: str, data: bytes) -> list[str]:
    """The sheet names of an Excel workbook, in order."""
    wb = _open_workbook(name, data)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _excel_cell(cell: Any, serial_date: bool, epoch: datetime) -> str:
    """One workbook cell as text; formulas and error values come back :class:`Flagged`."""
    value = cell.value
    kind = getattr(cell, "data_type", None)
    if kind == "f":
        return Flagged(str(value), "holds an Excel formula, which is not imported (its result "
                                   "is not stored reliably): replace the formula by its value "
                                   "(Copy, then Paste Special > Values) and import again")
    if kind == "e":
        return Flagged(str(value), f"holds the Excel error value {str(value)[:12]}: correct "
                                   "the cell in the workbook and import again")
    if serial_date and isinstance(value, int | float) and not isinstance(value, bool) \
            and 1 <= value < 2_958_466:  # a date column holding Excel's day number
        from openpyxl.utils.datetime import from_excel

        return _excel_text(from_excel(value, epoch))
    return _excel_text(value)


def _excel_rows(name: str, data: bytes, fmt: FileFormat,
                sheet: str | None) -> tuple[Reading, int, Iterator[list[str]]]:
    wb = _open_workbook(name, data)
    if sheet is not None and sheet not in wb.sheetnames:
        wb.close()
        raise ValidationError(
            f"{name} has no sheet called {sheet!r}: choose one of "
            f"{', '.join(repr(s) for s in wb.sheetnames)}")
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    reading = Reading("excel", sheet=ws.title, sheets=tuple(wb.sheetnames))
    dated = {c.name for c in fmt.columns if c.kind in ("date", "timestamp")}
    epoch = wb.epoch
    estimate = max(0, (ws.max_row or 1) - 1)

    def rows() -> Iterator[list[str]]:
        try:
            serial: list[bool] = []
            width = 0
            for i, row in enumerate(ws.iter_rows()):
                if i == 0:
                    serial = [normalise_header(_excel_text(c.value)) in dated for c in row]
                cells = [_excel_cell(c, i > 0 and j < len(serial) and serial[j], epoch)
                         for j, c in enumerate(row)]
                while len(cells) > width and cells[-1] == "":  # a sheet's empty margins
                    cells.pop()
                width = width or len(cells)
                yield cells + [""] * (width - len(cells))
        finally:
            wb.close()

    return reading, estimate, rows()


# -- text ----------------------------------------------------------------------------------
def _latin_only(text: str) -> bool:
    """True when most non-ASCII letters are Latin, or sit in words with Latin letters (a
    Western text misread as another script mixes scripts inside words; a real Cyrillic or
    Greek text has whole words in its script)."""
    letters = other = 0
    for word in re.findall(r"[^\W\d_]+", text):
        foreign = sum(ord(ch) >= 128 and ch not in "\u00b5\u00aa\u00ba"
                      and "LATIN" not in unicodedata.name(ch, "") for ch in word)
        letters += sum(ord(ch) >= 128 for ch in word)
        if foreign and not re.search(r"[A-Za-z]", word):  # a whole word in another script
            other += foreign
    return other * 2 <= letters


def _detect_encoding(name: str, data: bytes) -> str:
    """The encoding of bytes that are not UTF-8: charset-normalizer's guess over the lines
    with non-ASCII bytes, except that Windows-1252 (what Excel on UK Windows writes) is
    preferred when the guess reads the text mostly as Latin letters too (another Latin code
    page: they differ only in a few letters) or when there are too few non-ASCII bytes for
    any guess to be reliable. A text mostly in another script keeps the guess."""
    from charset_normalizer import from_bytes

    lines = re.findall(rb"[^\n]*[\x80-\xff][^\n]*\n?", data[:8 * _DETECT_SAMPLE])
    sample = b"".join(lines)[:_DETECT_SAMPLE] or data[:_DETECT_SAMPLE]
    best = from_bytes(sample).best()
    guess = codecs.lookup(best.encoding).name if best is not None else None
    try:
        western = sample.decode(WINDOWS_WESTERN)
    except UnicodeDecodeError:
        western = None
    few = len(re.findall(rb"[\x80-\xff]", sample)) < _FEW_BYTES  # too few to tell scripts apart
    if western is not None and (guess is None or few or _latin_only(
            sample.decode(guess, errors="replace"))):
        return WINDOWS_WESTERN
    if guess is None:
        raise ValidationError(
            f"{name} is not text CSMap can read (no text encoding fits it). Save it as "
            "'CSV UTF-8', or name its encoding (--encoding, or Text encoding on the Import page).")
    return guess


def _decode(name: str, data: bytes, encoding: str | None) -> tuple[str, str, bool]:
    """Text, the encoding used, and whether it was detected (not chosen)."""
    detected = encoding is None
    if encoding is None:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            try:
                return data.decode("utf-8-sig"), "utf-8", True
            except UnicodeDecodeError:
                encoding = _detect_encoding(name, data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        how = "detected" if detected else "chosen"
        raise ValidationError(
            f"{name} cannot be read as {encoding} text, the encoding {how} (unreadable byte "
            f"0x{data[exc.start]:02x} on line {line}). Choose its encoding (--encoding, or "
            "Text encoding on the Import page), or save it as 'CSV UTF-8'."
        ) from None
    return text.removeprefix("\ufeff"), codecs.lookup(encoding).name, detected


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, one at a time (io.StringIO would hold a
    second, four-bytes-a-character copy of a large file)."""
    if "\n" not in text:  # old Mac files end lines with a carriage return only
        yield from text.splitlines(keepends=True)
        return
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def sniff_delimiter(text: str) -> str:
    """The separator of CSV text: the one that splits the first lines into the most columns,
    the same number on each line (header cells never contain a separator); comma on a tie."""
    head = [line for line in text[:200_000].splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_score = ",", (0, 0)
    for sep in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(head, delimiter=sep)]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        score = (sum(w == widths[0] for w in widths), widths[0])
        if score > best_score:
            best, best_score = sep, score
    return best


def arrow_table(text: str, data: bytes, encoding: str, sep: str) -> Any:
    """The data rows of CSV text as an Arrow table of strings (Arrow's multi-threaded CSV
    reader: several times faster than Python's), or None when its result could differ from
    the row-by-row reader's in any way: a blank line or a value spanning lines (row numbers
    would shift), a row of another width, or a line whose quoting Python's strict reader
    reads otherwise. Then the row-by-row reader reads the file, and words any error."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if re.search(r"\n[ \t]*\r?\n|\r(?!\n)", text.rstrip("\r\n")):
        return None
    raw = data.removeprefix(codecs.BOM_UTF8) if encoding == "utf-8" else text.encode()
    lines = text.rstrip("\r\n").split("\n", 2)
    if len(lines) < 2:
        return None
    try:  # every row must have the width of the first data row (else: row by row)
        names = [f"c{i}" for i in range(len(next(csv.reader([lines[1]], delimiter=sep))))]
    except (csv.Error, StopIteration):
        return None
    skipped: list[Any] = []
    try:
        table = pacsv.read_csv(
            pa.BufferReader(raw),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                                             ignore_empty_lines=False,
                                             invalid_row_handler=_skip_into(skipped)),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False, auto_dict_encode=False))
    except pa.ArrowException:
        return None
    count = text.rstrip("\r\n").count("\n")  # data lines (the header is line 1)
    if skipped or table.num_rows != count:
        return None
    import pyarrow.compute as pc

    table = pa.table({f.name: pc.fill_null(table.column(i).cast(pa.string()), "")
                      for i, f in enumerate(table.schema)})
    if '"' in text and not _same_quoting(text, table, sep):
        return None
    return table


def _skip_into(skipped: list[Any]) -> Callable[[Any], str]:
    """An Arrow invalid-row handler that notes the row and skips it."""
    def handler(row: Any) -> str:
        skipped.append(row)
        return "skip"
    return handler


def _same_quoting(text: str, table: Any, sep: str) -> bool:
    """True when Python's strict reader reads every quoted line as Arrow did."""
    quoted = [i for i, line in enumerate(text.split("\n")[1:]) if '"' in line]
    if not quoted:
        return True
    lines = text.split("\n")
    try:
        ours = [next(csv.reader([lines[i + 1]], delimiter=sep, strict=True)) for i in quoted]
    except (csv.Error, StopIteration):
        return False
    theirs = table.take(quoted).to_pylist()
    return all(list(row.values()) == cells for row, cells in zip(theirs, ours, strict=True))


def _text_records(name: str, data: bytes,
                  options: ReadOptions) -> tuple[Reading, int, Iterator[list[str]], Any]:
    """CSV records of text bytes; raises ValidationError for bad encoding or quoting."""
    text, encoding, enc_detected = _decode(name, data, options.encoding)
    if "\x00" in text:
        raise ValidationError(
            f"{name} contains NUL bytes: it is probably not a CSV file (a spreadsheet saved "
            "under a .csv name?). Save it as 'CSV UTF-8' and import again, or choose its "
            "text encoding (e.g. utf-16).")
    sep = options.delimiter or sniff_delimiter(text)
    reading = Reading("text", encoding=encoding, encoding_detected=enc_detected,
                      delimiter=sep, delimiter_detected=options.delimiter is None)
    estimate = max(0, text.count("\n") - 1)

    def rows() -> Iterator[list[str]]:
        reader = csv.reader(_lines(text), delimiter=sep, strict=True)
        try:
            yield from reader
        except csv.Error as exc:
            raise ValidationError(
                f"{name} has broken CSV quoting near line {reader.line_num}: {exc}. "
                'Check that every quoted value is closed, and that quotes inside values are '
                'doubled ("").'
            ) from None

    return reading, estimate, rows(), lambda: arrow_table(text, data, encoding, sep)


@dataclass
class Source:
    """An opened file: what it was read as, about how many data rows, its records (header
    first), and for text a way to read the data rows as columns at once (None: not safe)."""

    reading: Reading
    estimated_rows: int
    records: Iterator[list[str]]
    columns: Callable[[], Any] = lambda: None


def open_source(name: str, data: bytes, fmt: FileFormat,
                options: ReadOptions | None = None) -> Source:
    """All records (header first) of a CSV or Excel file's bytes, and how it was read."""
    options = options or ReadOptions()
    check_size(name, len(data))
    suffix = Path(name).suffix.lower()
    if suffix in OLD_EXCEL_SUFFIXES:
        raise ValidationError(
            f"{name} is an old-style Excel 97-2003 workbook (.xls), which CSMap does not read. "
            "In Excel use File > Save As > 'Excel Workbook (.xlsx)' or 'CSV UTF-8'.")
    if suffix in EXCEL_SUFFIXES:
        return Source(*_excel_rows(name, data, fmt, options.sheet))
    return Source(*_text_records(name, data, options))


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
    if len(header) == 1 and any(sep in first[0] for sep in DELIMITERS):
        sep = next(DELIMITERS[s] for s in DELIMITERS if s in first[0])
        raise ValidationError(
            f"{name} seems to be separated by {sep}s, but was read with another separator. "
            f"Choose the separator ({sep}) on the Import page or with --delimiter. {expected}"
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


def chunks(rows: Iterator[list[str]], *, size: int,
           workbook: bool = False) -> Iterator[list[RawRow]]:
    """Numbered, non-blank data rows in lists of at most ``size`` (row 1 is the header).
    From a workbook, the positions of flagged cells (formulas, errors) are noted."""
    batch: list[RawRow] = []
    for number, cells in enumerate(rows, start=2):
        flagged = tuple(i for i, c in enumerate(cells) if isinstance(c, Flagged)) \
            if workbook else ()
        if not flagged and not "".join(cells).strip():
            continue  # blank lines are not rows
        batch.append(RawRow(number, tuple(cells), flagged))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
