"""Team plans over HTTP, for the API and the web page: the roster's own limits and the CSV."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import RosterTooLarge
from .team import export_csv, read_limited

# Room for multipart boundaries and part headers around a roster of the full size.
MULTIPART_OVERHEAD = 64 * 1024
PLAN_FILENAME = "team-plan.csv"


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


def read_body(max_bytes: int) -> bytes:
    """The raw request body, refusing (RosterTooLarge) more than `max_bytes`."""
    try:
        return read_limited(request.stream, max_bytes)
    except RequestEntityTooLarge as exc:  # a chunked body past the request's limit
        raise RosterTooLarge(max_bytes) from exc


def read_upload(field: str, max_bytes: int) -> bytes | None:
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


def read_text_field(field: str, max_bytes: int) -> str | None:
    """A text form field (e.g. a roster posted back by the web page), None if absent or blank."""
    try:
        value = request.form.get(field)
    except RequestEntityTooLarge as exc:
        raise RosterTooLarge(max_bytes) from exc
    return value if value and value.strip() else None


def csv_download(text: str, filename: str) -> Response:
    """A CSV text as a file download named `filename`."""
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def plan_csv_download(plan: dict[str, Any]) -> Response:
    """The per-member plan as team-plan.csv, formula cells guarded, with a BOM for Excel."""
    return csv_download(export_csv(plan, bom=True), PLAN_FILENAME)
