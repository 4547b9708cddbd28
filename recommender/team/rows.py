"""What a roster is read into: one RosterRow per person, their numbers, and notices about them."""

# Numbers: `row` 1 is the first data row (the row below the CSV header, or `members[0]` in
# JSON); blank CSV rows are skipped but keep their number. `line` is the spreadsheet row (the
# header is line 1), which every message to a person names; JSON rosters have no lines.

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import RosterError, RosterTooLarge
from ..schemas import PROFILE_FIELDS, PROFILE_LIST_FIELDS

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000

NAME_COLUMNS = ("name", "id")
REQUIRED_COLUMNS = ("role", "lines", "years_experience")
ROSTER_COLUMNS = ("name", *PROFILE_FIELDS)
LIST_FIELDS = PROFILE_LIST_FIELDS
WORD_FIELDS = ("role", "lines", "goal")
LIST_SEPARATOR = ";"
ROW_FIELD = "_row"
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


def decode_text(data: bytes | bytearray | str, max_bytes: int) -> str:
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


def empty_message() -> str:
    return (
        "The roster is empty: expected a header row naming the columns "
        f"({', '.join(ROSTER_COLUMNS)}) and one row per person."
    )


def duplicate_names(rows: list[RosterRow]) -> list[str]:
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
    return where_numbers(noun, [row.line if row.line is not None else row.row for row in rows])


def where_numbers(noun: str, numbers: list[int]) -> str:
    """'members 2, 6, ...': `numbers` need be no more than the first few, and one more."""
    return f"{noun}{'s' if len(numbers) > 1 else ''} {numbers_list(numbers)}"


NOTICE_NUMBERS = _NOTICE_EXAMPLES + 1  # numbers enough for where_numbers to say ", ..."


def numbers_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_NOTICE_EXAMPLES])
    return shown + (", ..." if len(numbers) > _NOTICE_EXAMPLES else "")


def count_of(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
