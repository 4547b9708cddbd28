"""Read a roster (CSV, JSON or an Excel workbook) into rows: profile data, errors, extra columns."""

# Numbers: `row` 1 is the first data row (the row below the CSV header, or `members[0]` in
# JSON); blank CSV rows are skipped but keep their number. `line` is the spreadsheet row (the
# header is line 1), which every message to a person names; JSON rosters have no lines.

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from ..errors import RosterError, RosterTooLarge, RosterTooManyRows
from ..schemas import PROFILE_FIELDS, PROFILE_LIST_FIELDS
from . import workbook

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000

NAME_COLUMNS = ("name", "id")
REQUIRED_COLUMNS = ("role", "lines", "years_experience")
ROSTER_COLUMNS = ("name", *PROFILE_FIELDS)
LIST_FIELDS = PROFILE_LIST_FIELDS
WORD_FIELDS = ("role", "lines", "goal")
LIST_SEPARATOR = ";"
ROW_FIELD = "_row"
# A plain path rather than importlib.resources, which on Python 3.11 fails for a namespace
# package (as `recommender` was without an __init__.py).
TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "data" / "roster-template.csv"
_NOTICE_EXAMPLES = 10


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed exam of a row's course, to be retaken (a saved team's progress)."""

    code: str
    failed_on: date
    retakes_in_window: int = 0  # retakes already taken in the failed exam's window
    access_ends: date | None = None  # the course's access, where known


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One person as read: raw profile data (None if unreadable) and errors found reading."""

    row: int
    name: str
    data: dict[str, Any] | None
    errors: dict[str, list[str]]
    hint: str | None = None  # added to the errors if the row turns out to be bad
    line: int | None = None  # the spreadsheet row of a CSV roster (the header is line 1)
    extra: dict[str, Any] = field(default_factory=dict)  # columns not used for planning
    failures: tuple[Failure, ...] = ()  # failed courses, planned as retakes

    @property
    def where(self) -> str:
        """How a message names this row: 'line 5' in a CSV roster, 'member 4' in JSON."""
        return f"line {self.line}" if self.line is not None else f"member {self.row}"


@dataclass(frozen=True)
class Roster:
    """A parsed roster: one RosterRow per person, plus notices for the manager."""

    rows: list[RosterRow]
    notices: list[str]
    format: str  # "csv", "json" or "xlsx"


def read_limited(stream: IO[bytes], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a whole binary stream, refusing (RosterTooLarge) more than `max_bytes`."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(1024 * 1024, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise RosterTooLarge(max_bytes)
    return b"".join(chunks)


def parse_roster(
    data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> Roster:
    """Parse a roster upload: an Excel workbook, JSON if it starts with '{' or '[', else CSV."""
    if isinstance(data, bytes | bytearray) and workbook.is_workbook(data):
        if len(data) > max_bytes:
            raise RosterTooLarge(max_bytes)
        text = workbook.workbook_as_csv(bytes(data), max_rows)
        roster = parse_csv_roster(text, max_bytes=max(max_bytes, len(text) * 4), max_rows=max_rows)
        return Roster(roster.rows, roster.notices, "xlsx")
    text = _decode(data, max_bytes)
    if text.lstrip().startswith(("{", "[")):
        return parse_json_roster(text, max_bytes=max_bytes, max_rows=max_rows)
    return parse_csv_roster(text, max_bytes=max_bytes, max_rows=max_rows)


def parse_csv_roster(
    data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> Roster:
    """Parse a CSV roster: a header row of profile field names, then one row per person."""
    text = _decode(data, max_bytes)
    if not text.strip():
        raise RosterError(_empty_message(), kind="empty")
    records = _records(text)
    header = next((cells for _, cells in records if cells is not None and _filled(cells)), None)
    if header is None:
        raise RosterError(_empty_message(), kind="empty")
    columns = _Columns.from_header(header)
    rows, blank = _read_rows(records, columns, max_rows)
    if not rows:
        raise RosterError(
            "The roster has a header but no rows: add one row per person below it.",
            kind="no_rows",
        )
    notices = columns.notices()
    if blank:
        notices.append(f"Skipped {_count(len(blank), 'blank line')}: {_rows_list(blank)}.")
    return Roster(rows, notices + _duplicate_names(rows), "csv")


def parse_json_roster(
    data: Any, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> Roster:
    """Parse a JSON roster: {"members": [...]} or a bare list, as text or already decoded."""
    if isinstance(data, bytes | bytearray | str):
        text = _decode(data, max_bytes)
        if not text.strip():
            raise RosterError(_empty_message(), kind="empty")
        try:
            data = json.loads(text)
        # ValueError: also a number past Python's digit limit; RecursionError: absurd nesting.
        except (ValueError, RecursionError) as exc:
            raise RosterError(f"The roster is not valid JSON: {exc}.", kind="bad_json") from exc
    members = data.get("members") if isinstance(data, dict) else data
    if not isinstance(members, list):
        raise RosterError(
            'A JSON roster is {"members": [...]}, each member an object of profile fields '
            "with a name.",
            field="members",
            kind="bad_json",
        )
    if not members:
        raise RosterError("The roster has no members.", field="members", kind="no_rows")
    if len(members) > max_rows:
        raise RosterTooManyRows(max_rows)
    rows = [_json_row(number, member) for number, member in enumerate(members, start=1)]
    extra = sorted({key for row in rows for key in row.extra})
    notices = [f"Passed through, not used for planning: {', '.join(extra)}."] if extra else []
    return Roster(rows, notices + _duplicate_names(rows), "json")


def _decode(data: bytes | bytearray | str, max_bytes: int) -> str:
    if isinstance(data, str):
        try:
            # Characters never outnumber bytes: skip encoding when the length already fails.
            if len(data) > max_bytes or len(data.encode("utf-8")) > max_bytes:
                raise RosterTooLarge(max_bytes)
        except UnicodeEncodeError as exc:
            # Only lone surrogates fail: text decoded from bytes with errors="surrogateescape".
            line = data.count("\n", 0, exc.start) + 1
            raise RosterError(_not_utf8(ord(data[exc.start]), line), kind="not_utf8") from exc
        return data.removeprefix("\ufeff")
    if len(data) > max_bytes:
        raise RosterTooLarge(max_bytes)
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise RosterError(_not_utf8(data[exc.start], line), kind="not_utf8") from exc


def _not_utf8(byte: int, line: int) -> str:
    return (
        f"The roster is not UTF-8 text (byte 0x{byte:02x} on line {line}): "
        "save it as 'CSV UTF-8' and try again."
    )


def _empty_message() -> str:
    return (
        "The roster is empty: expected a header row naming the columns "
        f"({', '.join(ROSTER_COLUMNS)}) and one row per person."
    )


# --- CSV records: never two people in one ------------------------------------------------

_OPEN_QUOTE = (
    'Line {line} opens a quote (") that is never closed, so the lines after it would have been '
    "read as part of this person: this line is not planned and the lines after it are read "
    "on their own. Close the quote (or remove it) and upload again."
)
_TOO_LONG = (
    'Line {line} has a cell longer than {limit:,} characters, most likely a quote (") '
    "that is never closed: this line is not planned and the lines after it are read on their "
    "own. Close the quote (or remove it) and upload again."
)


def _records(text: str) -> Iterator[tuple[int, list[str] | None]]:
    """Yield (line, cells) per CSV record; (line, None) for a line whose quote never closes.

    A record that runs over several physical lines with a line break inside a cell that holds
    commas (or any break at all before the last line) is a quote left open: that line is
    reported and reading starts again on the next physical line, so no two people merge.
    """
    physical = io.StringIO(text, newline="").readlines()
    position = 0  # index of the physical line the next reader starts at
    line = 0  # records (spreadsheet rows) read so far
    while position < len(physical):
        reader = csv.reader(itertools.islice(physical, position, None))
        consumed = 0
        try:
            for cells in reader:
                start, consumed = position + consumed, reader.line_num
                line += 1
                if reader.line_num - (start - position) > 1 and _swallowed(cells):
                    yield line, None
                    position = start + 1
                    break
                yield line, cells
            else:
                return
        except csv.Error as exc:
            line += 1
            if "field larger than field limit" not in str(exc):
                raise RosterError(
                    f'Line {line} cannot be read as CSV: check its quotes (") and save the '
                    "file as 'CSV UTF-8'.",
                    kind="bad_csv",
                ) from None
            yield -line, None  # negative: the field was too long
            position = position + consumed + 1


def _swallowed(cells: list[str]) -> bool:
    """Whether a multi-line record holds other roster lines inside a quoted cell."""
    return any(
        "," in rest
        for cell in cells
        if "\n" in cell or "\r" in cell
        for rest in cell.splitlines()[1:]
    )


def _filled(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _column_key(cell: str) -> str:
    """Fold a header cell to a field name: 'Years Experience' -> 'years_experience'."""
    return re.sub(r"[\s\-]+", "_", cell.strip().lower())


def _column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class _Columns:
    """Where each known field is in the CSV, and the extra columns passed through."""

    positions: dict[str, int]
    name_column: str
    width: int
    extra: dict[str, int]  # header text -> position, for columns not used for planning
    unnamed: int

    @classmethod
    def from_header(cls, header: list[str]) -> _Columns:
        positions: dict[str, int] = {}
        extra: dict[str, int] = {}
        unnamed = 0
        for index, cell in enumerate(header):
            key = _column_key(cell)
            if not key:
                unnamed += 1
            elif key not in ROSTER_COLUMNS and key not in NAME_COLUMNS:
                extra.setdefault(cell.strip(), index)
            elif key in positions:
                first, second = _column_letter(positions[key]), _column_letter(index)
                raise RosterError(
                    f"Column {key!r} appears twice (columns {first} and {second}): keep one.",
                    field="columns",
                    kind="duplicate_column",
                )
            else:
                positions[key] = index
        name_column = next((c for c in NAME_COLUMNS if c in positions), "")
        missing = [c for c in REQUIRED_COLUMNS if c not in positions]
        if not name_column:
            missing.insert(0, "name (or id)")
        if missing:
            raise RosterError(_missing_message(missing, header), field="columns", kind="missing")
        return cls(positions, name_column, len(header), extra, unnamed)

    def notices(self) -> list[str]:
        out = []
        if self.extra:
            out.append(f"Passed through, not used for planning: {', '.join(self.extra)}.")
        if self.unnamed:
            out.append(f"Ignored {_count(self.unnamed, 'column')} without a header.")
        if self.name_column == "name" and "id" in self.positions:
            out.append("Ignored the id column: the name column names each person.")
        return out

    def cell(self, cells: list[str], key: str) -> str:
        index = self.positions.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def extras(self, cells: list[str]) -> dict[str, str]:
        return {
            title: cells[index].strip() if index < len(cells) else ""
            for title, index in self.extra.items()
        }


def _missing_message(missing: list[str], header: list[str]) -> str:
    message = (
        f"The roster lacks required {'columns' if len(missing) > 1 else 'column'}: "
        f"{', '.join(missing)}. The header row must name the columns "
        f"{', '.join(('name', *REQUIRED_COLUMNS))} and may add "
        f"{', '.join(c for c in PROFILE_FIELDS if c not in REQUIRED_COLUMNS)}."
    )
    if len(header) == 1 and any(sep in header[0] for sep in ";\t"):
        message += " The file seems to separate columns with ';' or tabs: save it with commas."
    return message


def _read_rows(
    records: Iterator[tuple[int, list[str] | None]], columns: _Columns, max_rows: int
) -> tuple[list[RosterRow], list[int]]:
    rows: list[RosterRow] = []
    blank: list[int] = []
    header_line: int | None = None
    for line, cells in records:
        header_line = header_line or abs(line) - 1  # the first record after the header
        number = abs(line) - header_line
        if cells is not None and not _filled(cells):
            blank.append(abs(line))
        elif len(rows) >= max_rows:
            raise RosterTooManyRows(max_rows)
        elif cells is None:
            message = _TOO_LONG if line < 0 else _OPEN_QUOTE
            error = message.format(line=abs(line), limit=csv.field_size_limit())
            rows.append(RosterRow(number, "", None, {ROW_FIELD: [error]}, line=abs(line)))
        else:
            rows.append(_csv_row(number, line, cells, columns))
    return rows, blank


def _csv_row(number: int, line: int, cells: list[str], columns: _Columns) -> RosterRow:
    name = columns.cell(cells, columns.name_column)
    extra = columns.extras(cells)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [f"Missing {columns.name_column}: every row needs one."]
    hint = None
    if len(cells) > columns.width:
        hint = (
            f"Line {line} has {len(cells)} cells but the header has {columns.width}: "
            "put a cell that contains a comma in double quotes."
        )
        if _filled(cells[columns.width :]):
            # An unquoted comma inside a cell shifts every later field: validating them
            # would only add confusing messages.
            return RosterRow(number, name, None, {**errors, ROW_FIELD: [hint]}, None, line, extra)
    data: dict[str, Any] = {}
    for key in PROFILE_FIELDS:
        value = columns.cell(cells, key)
        if not value:
            continue  # absent: the default applies, or the field is reported as missing
        if key in LIST_FIELDS:
            data[key] = [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
        elif key in WORD_FIELDS:
            # Spreadsheet users type 'Customer service'; the vocabulary is 'customer_service'.
            data[key] = re.sub(r"[\s\-]+", "_", value.lower())
        else:
            data[key] = value
    # Extra empty cells are often only spreadsheet padding: a hint only if the row is bad.
    return RosterRow(number, name, data, errors, hint, line, extra)


def _json_row(number: int, member: Any) -> RosterRow:
    if not isinstance(member, dict):
        return RosterRow(
            number, "", None, {ROW_FIELD: ["A member must be an object of profile fields."]}
        )
    raw_name = next((member[c] for c in NAME_COLUMNS if member.get(c) not in (None, "")), "")
    errors: dict[str, list[str]] = {}
    if isinstance(raw_name, bool) or not isinstance(raw_name, str | int):
        errors["name"] = ["A name (or id) must be a string."]
        raw_name = ""
    name = str(raw_name).strip()
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        # JSON can carry lone surrogates ("\ud800"), which no page or CSV file can hold.
        errors["name"] = ["The name holds characters that are not valid Unicode text."]
        name = name.encode("utf-8", "replace").decode("utf-8")
    if not name and not errors:
        errors["name"] = ["Missing name (or id): every member needs one."]
    data = {key: value for key, value in member.items() if key in PROFILE_FIELDS}
    extra = {
        str(key): _plain(value)
        for key, value in member.items()
        if key not in ROSTER_COLUMNS and key not in NAME_COLUMNS
    }
    return RosterRow(number, name, data, errors, extra=extra)


def _plain(value: Any) -> Any:
    """A passed-through JSON value as a scalar an export can write (nested values as JSON)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False)


def _duplicate_names(rows: list[RosterRow]) -> list[str]:
    seen: dict[str, list[RosterRow]] = {}
    for row in rows:
        if row.name:
            seen.setdefault(row.name, []).append(row)
    repeated = [(name, found) for name, found in seen.items() if len(found) > 1]
    if not repeated:
        return []
    shown = "; ".join(f"{name} ({where_list(found)})" for name, found in repeated[:5])
    more = f"; and {len(repeated) - 5} more" if len(repeated) > 5 else ""
    return [f"Names on more than one row, each planned by row: {shown}{more}."]


def where_list(rows: list[RosterRow]) -> str:
    """'lines 3, 7' (CSV) or 'members 2, 6' (JSON), the first few of them."""
    if not rows:
        return ""
    noun = "line" if rows[0].line is not None else "member"
    numbers = [row.line if row.line is not None else row.row for row in rows]
    return f"{noun}{'s' if len(numbers) > 1 else ''} {_rows_list(numbers)}"


def _rows_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_NOTICE_EXAMPLES])
    return shown + (", ..." if len(numbers) > _NOTICE_EXAMPLES else "")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def roster_template() -> str:
    """The roster template CSV (a header and two example rows) shipped with the package."""
    return TEMPLATE_PATH.read_text(encoding="utf-8")
