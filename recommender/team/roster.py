"""Read a roster upload (CSV, JSON or an Excel workbook): parse_roster picks the reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from ..errors import RosterError, RosterTooLarge, RosterTooManyRows
from ..schemas import PROFILE_FIELDS
from . import workbook
from .csv_roster import parse_csv_roster
from .rows import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    NAME_COLUMNS,
    ROSTER_COLUMNS,
    ROW_FIELD,
    Roster,
    RosterRow,
    decode_text,
    duplicate_names,
    empty_message,
)

# A plain path rather than importlib.resources, which on Python 3.11 fails for a namespace
# package (as `recommender` was without an __init__.py).
TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "data" / "roster-template.csv"


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
    text = decode_text(data, max_bytes)
    if text.lstrip().startswith(("{", "[")):
        return parse_json_roster(text, max_bytes=max_bytes, max_rows=max_rows)
    return parse_csv_roster(text, max_bytes=max_bytes, max_rows=max_rows)


def parse_json_roster(
    data: Any, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> Roster:
    """Parse a JSON roster: {"members": [...]} or a bare list, as text or already decoded."""
    if isinstance(data, bytes | bytearray | str):
        text = decode_text(data, max_bytes)
        if not text.strip():
            raise RosterError(empty_message(), kind="empty")
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
    return Roster(rows, notices + duplicate_names(rows), "json")


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


def roster_template() -> str:
    """The roster template CSV (a header and two example rows) shipped with the package."""
    return TEMPLATE_PATH.read_text(encoding="utf-8")
