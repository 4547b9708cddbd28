"""Rosters in requests, read one way by every view: the limits, the upload or body, the parse.

The API reads a roster by the body's content type (roster_from_body), the web pages from a form
field (roster_from_form). Both raise the team package's RosterTooLarge and RosterError, which
the error handlers answer 413 and 422 (roster_status) and the pages show on their form.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import RosterError, RosterTooLarge
from ..stored_text import text_problem
from ..team import (
    XLSX_TYPE,
    Roster,
    parse_csv_roster,
    parse_json_roster,
    parse_roster,
    read_limited,
)

# Room for multipart boundaries and part headers around a roster of the full size.
MULTIPART_OVERHEAD = 64 * 1024
UPLOAD_FIELD = "file"  # the API's multipart field, and the team page's file input
CSV_TYPES = ("text/csv", "application/csv")


def roster_status(error: RosterError) -> int:
    """The HTTP status of a roster that cannot be planned: 413 past the size limit, else 422."""
    return 413 if isinstance(error, RosterTooLarge) else 422


def allow_roster_body() -> tuple[int, int]:
    """Let this request's body reach the roster limit; return (TEAM_MAX_BYTES, TEAM_MAX_ROWS)."""
    # The app-wide MAX_CONTENT_LENGTH is sized for one profile and stays the limit of every
    # other view; only this request may be larger, and its roster is held to its own limit.
    config = current_app.config
    max_bytes, max_rows = config["TEAM_MAX_BYTES"], config["TEAM_MAX_ROWS"]
    limit = max_bytes + MULTIPART_OVERHEAD
    request.max_content_length = limit
    request.max_form_memory_size = limit  # the web page posts a roster back as a form field
    if (request.content_length or 0) > limit:
        raise RosterTooLarge(max_bytes)  # refused before reading a byte of it
    return max_bytes, max_rows


def roster_body() -> bytes:
    """The raw request body, up to the roster limit (RosterTooLarge past it)."""
    max_bytes, _ = allow_roster_body()
    return _body(max_bytes)


def roster_from_json(data: Any) -> Roster:
    """A roster from a JSON body parsed already (a saved team's, which names the team too)."""
    max_bytes, max_rows = allow_roster_body()
    found = bad_text(data)  # before the parser reads a name it cannot show as one
    if found:
        raise RosterError(f"The roster's {found[0]} is not text we can keep: {found[1]}", found[0])
    return parse_json_roster(data, max_bytes=max_bytes, max_rows=max_rows)


def roster_from_body() -> Roster:
    """The roster in the request body, by its content type (415 for any other)."""
    if request.mimetype == "multipart/form-data":
        missing = f"Upload the roster file as the multipart field {UPLOAD_FIELD!r}."
        return roster_from_form(UPLOAD_FIELD, missing)[0]
    max_bytes, max_rows = allow_roster_body()
    limits = {"max_bytes": max_bytes, "max_rows": max_rows}
    if request.is_json:
        return checked_text(parse_json_roster(_body(max_bytes), **limits))
    if request.mimetype in CSV_TYPES:
        return checked_text(parse_csv_roster(_body(max_bytes), **limits))
    if request.mimetype == XLSX_TYPE:
        return checked_text(parse_roster(_body(max_bytes), **limits))  # read as a workbook
    abort(
        415,
        "Send the roster as JSON (Content-Type: application/json), as CSV (text/csv), as an "
        f"Excel workbook ({XLSX_TYPE}) or as a multipart/form-data upload in the field "
        f"{UPLOAD_FIELD!r}.",
    )


def roster_from_form(field: str, missing: str, *, text: bool = False) -> tuple[Roster, bytes | str]:
    """The roster in form field `field` (a file, or `text`), and what was posted.

    RosterError with the message `missing` when the field is absent or empty.
    """
    max_bytes, max_rows = allow_roster_body()
    data = _text_field(field, max_bytes) if text else _upload(field, max_bytes)
    if data is None:
        raise RosterError(missing, field=field, kind="no_file")
    return checked_text(parse_roster(data, max_bytes=max_bytes, max_rows=max_rows)), data


def checked_text(roster: Roster) -> Roster:
    """The roster, if every cell is text a database holds; else RosterError naming the cell.

    A NUL (which PostgreSQL's text refuses) or a lone surrogate in any cell, a name, a profile
    field or a column passed through, refuses the roster (422) before anything is stored.
    """
    for row in roster.rows:
        cells = {"name": row.name, **(row.data or {}), **row.extra}
        for column, value in cells.items():
            found = bad_text(column) or bad_text(value)
            if found:
                named = "a column's name" if bad_text(column) else f"column {column}"
                where = f"members.{row.row - 1}" if row.line is None else f"line {row.line}"
                field = f"{where}.{column if not bad_text(column) else '_column'}"
                raise RosterError(f"The roster's {row.where}, {named}: {found[1]}", field=field)
    return roster


def bad_text(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first text in `value` (a string, or lists and objects of them) that no database
    holds: its path ('members.0.name') and the problem; None if there is none."""
    if isinstance(value, str):
        problem = text_problem(value)
        return (path, problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            found = bad_text(key, path or "_schema") if isinstance(key, str) else None
            found = found or bad_text(item, inner)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = bad_text(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def _body(max_bytes: int) -> bytes:
    try:
        return read_limited(request.stream, max_bytes)
    except RequestEntityTooLarge as exc:  # a chunked body past the request's limit
        raise RosterTooLarge(max_bytes) from exc


def _upload(field: str, max_bytes: int) -> bytes | None:
    """The bytes of the file uploaded as form field `field`, or None if none was chosen."""
    try:
        upload = request.files.get(field)
    except RequestEntityTooLarge as exc:
        raise RosterTooLarge(max_bytes) from exc
    if upload is None:
        return None
    data = read_limited(upload.stream, max_bytes)
    # A browser sends an empty part with no file name when no file was chosen.
    return None if not upload.filename and not data else data


def _text_field(field: str, max_bytes: int) -> str | None:
    """A text form field (a roster posted back by the web page), None if absent or blank."""
    try:
        value = request.form.get(field)
    except RequestEntityTooLarge as exc:
        raise RosterTooLarge(max_bytes) from exc
    return value if value and value.strip() else None
