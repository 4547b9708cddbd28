"""File downloads: a body with its type and an attachment name; a team plan in each format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, request, stream_with_context

from ..ics import ICS_TYPE, team_calendar
from ..team import XLSX_TYPE, export_csv, export_xlsx
from ..team.exports import guard_cell

CSV_TYPE = "text/csv"
PLAN_FILENAME = "team-plan"
DOWNLOADS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE, "ics": ICS_TYPE}


def download(body: str | bytes, mimetype: str, filename: str) -> Response:
    """A file download named `filename`."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_download(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """Rows as a CSV file download, written as they are read (formula cells guarded, a BOM
    for Excel): a long audit log is never held whole in memory."""

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        yield "\ufeff" + out.getvalue()
        for row in rows:
            out.seek(0)
            out.truncate()
            writer.writerow([guard_cell(value) for value in row])
            yield out.getvalue()

    return Response(
        stream_with_context(lines()),
        mimetype=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def calendar_download(body: str | bytes, filename: str) -> Response:
    """An iCalendar document as a file download named `filename`."""
    return download(body, ICS_TYPE, filename)


def answer_format(requested: str | None) -> str:
    """The answer's format: `?format=` decides, else the Accept header (JSON by default)."""
    if requested:
        return requested
    types = {"application/json": "json", **{mime: name for name, mime in DOWNLOADS.items()}}
    return types.get(request.accept_mimetypes.best_match(tuple(types)) or "", "json")


def plan_download(plan: dict[str, Any], format_: str) -> Response:
    """The plan as team-plan.csv (formula cells guarded, BOM for Excel), .xlsx or .ics."""
    if format_ == "xlsx":
        body: str | bytes = export_xlsx(plan)
    elif format_ == "ics":
        body = team_calendar(plan)
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


def overview_csv(tables: list[tuple[str, list[str], list[list[Any]]]], filename: str) -> Response:
    """Tables (title, header, rows) as one CSV file download: each table under a line with its
    title, a blank line between them (formula cells guarded, a BOM for Excel)."""
    rows: list[Sequence[Any]] = []
    for number, (title, head, body) in enumerate(tables):
        rows.extend([[], [title]] if number else [[title]])
        rows.append(head)
        rows.extend(body)
    return csv_download(rows[0], rows[1:], filename)
