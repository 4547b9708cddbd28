"""Team plans over HTTP, for the API and the web page: limits, planning slots, downloads."""

# Planning a large roster holds a server thread for seconds. At most TEAM_PLAN_CONCURRENCY
# plans run at once in a process (default 2, below gunicorn's 4 threads), so the other
# threads are left for /healthz and one-person answers; a request that finds every slot
# taken is answered 503 with Retry-After at once (or after TEAM_PLAN_WAIT seconds, if set).

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import RosterTooLarge
from .team import ICS_TYPE, XLSX_TYPE, export_csv, export_ics, export_xlsx, read_limited

# Room for multipart boundaries and part headers around a roster of the full size.
MULTIPART_OVERHEAD = 64 * 1024
PLAN_FILENAME = "team-plan"
DOWNLOADS = {"csv": "text/csv", "xlsx": XLSX_TYPE, "ics": ICS_TYPE}
DEFAULT_CONCURRENCY = 2
DEFAULT_WAIT = 0.0  # seconds; a thread that waits is a thread /healthz cannot have
RETRY_AFTER = "5"


class PlanningBusy(Exception):
    """Every planning slot of this process is taken: try again shortly (HTTP 503)."""

    message = "The service is planning other large rosters right now: try again in a few seconds."


@contextmanager
def planning_slot() -> Iterator[None]:
    """Hold one of the process's planning slots while planning (PlanningBusy if none frees)."""
    config = current_app.config
    slots = current_app.extensions.setdefault(
        "team_planning_slots",
        threading.BoundedSemaphore(config.get("TEAM_PLAN_CONCURRENCY", DEFAULT_CONCURRENCY)),
    )
    wait = float(config.get("TEAM_PLAN_WAIT", DEFAULT_WAIT))
    if not (slots.acquire(timeout=wait) if wait > 0 else slots.acquire(blocking=False)):
        raise PlanningBusy()
    try:
        yield
    finally:
        slots.release()


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


def download(body: str | bytes, mimetype: str, filename: str) -> Response:
    """A file download named `filename`."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_download(text: str, filename: str) -> Response:
    """A CSV text as a file download named `filename`."""
    return download(text, "text/csv", filename)


def plan_download(plan: dict[str, Any], format_: str) -> Response:
    """The plan as team-plan.csv (formula cells guarded, BOM for Excel), .xlsx or .ics."""
    if format_ == "xlsx":
        body: str | bytes = export_xlsx(plan)
    elif format_ == "ics":
        body = export_ics(plan)
    else:
        body = export_csv(plan, bom=True)
    return download(body, DOWNLOADS[format_], f"{PLAN_FILENAME}.{format_}")


JSON_SLICE = 500  # members written at a time


def plan_json(plan: dict[str, Any]) -> Response:
    """The plan as a JSON answer, written a slice of members at a time.

    One json.dumps of a 50,000-member plan holds the interpreter lock for seconds (the C
    encoder never lets go of it), and every other thread, /healthz's too, waits; slices let
    the other threads in between. Keys stay in the plan's own order (TeamPlanSchema's).
    """
    members = plan["members"]
    head = json.dumps({key: value for key, value in plan.items() if key != "members"})
    parts = ['{"members": [']
    for start in range(0, len(members), JSON_SLICE):
        chunk = json.dumps(members[start : start + JSON_SLICE])[1:-1]
        parts.append(("," if start else "") + chunk)
    parts.append("], " + head[1:] if head != "{}" else "]}")
    return Response("".join(parts), mimetype="application/json")


def plan_csv_download(plan: dict[str, Any]) -> Response:
    """The per-member plan as team-plan.csv."""
    return plan_download(plan, "csv")
