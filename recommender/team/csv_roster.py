"""Read a CSV roster: a header row naming the columns, then one row per person."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import RosterError, RosterTooManyRows
from ..schemas import PROFILE_FIELDS
from .rows import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    LIST_FIELDS,
    LIST_SEPARATOR,
    NAME_COLUMNS,
    REQUIRED_COLUMNS,
    ROSTER_COLUMNS,
    ROW_FIELD,
    WORD_FIELDS,
    Roster,
    RosterRow,
    count_of,
    decode_text,
    duplicate_names,
    empty_message,
    numbers_list,
)


def parse_csv_roster(
    data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> Roster:
    """Parse a CSV roster: a header row of profile field names, then one row per person."""
    text = decode_text(data, max_bytes)
    if not text.strip():
        raise RosterError(empty_message(), kind="empty")
    records = _records(text)
    header = next((cells for _, cells in records if cells is not None and _filled(cells)), None)
    if header is None:
        raise RosterError(empty_message(), kind="empty")
    columns = _Columns.from_header(header)
    rows, blank = _read_rows(records, columns, max_rows)
    if not rows:
        raise RosterError(
            "The roster has a header but no rows: add one row per person below it.",
            kind="no_rows",
        )
    notices = columns.notices()
    if blank:
        notices.append(f"Skipped {count_of(len(blank), 'blank line')}: {numbers_list(blank)}.")
    return Roster(rows, notices + duplicate_names(rows), "csv")


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
            out.append(f"Ignored {count_of(self.unnamed, 'column')} without a header.")
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
