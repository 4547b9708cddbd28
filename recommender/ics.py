"""The exam plan as an iCalendar file (RFC 5545): one all-day event per exam window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from .vocabulary import ROUTE_TITLES


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, as RFC 5545 asks."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    start = 0
    while start < len(data):
        end = min(start + (75 if not parts else 74), len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start = end
    return "\r\n ".join(parts)


def exam_calendar(answer: dict[str, Any], route: str | None = None) -> str:
    """The exam windows of `route` (default: the recommended one) as an .ics document."""
    route = route or answer["recommended_route"]
    chosen = next((r for r in answer["routes"] if r["route"] == route), None)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//career-path//exam plan//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape('Exam plan: ' + (ROUTE_TITLES[route] if route else 'none'))}",
    ]
    for exam in chosen["exam_schedule"] if chosen else []:
        assert chosen is not None
        start = date.fromisoformat(exam["window_start"])
        end = date.fromisoformat(exam["window_end"]) + timedelta(days=1)  # DTEND is exclusive
        title = next(c["title"] for c in chosen["remaining_courses"] if c["code"] == exam["code"])
        lines += [
            "BEGIN:VEVENT",
            f"UID:{exam['code'].replace(' ', '-')}-{start:%Y%m%d}-{route}@career-path",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{_escape('Exam window: ' + exam['code'] + ' ' + title)}",
            "DESCRIPTION:"
            + _escape(
                f"Sit the {exam['code']} exam in this testing window; your study should be done "
                f"by {exam['ready']}. Course access ends {exam['access_ends']}. "
                "Dates to confirm with The Institutes."
            ),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
