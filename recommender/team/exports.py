"""The team plan as files: CSV (per person) and an Excel workbook (the calendar: ../ics.py)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import xlsxwriter

from .planning import NO_ROUTE
from .rows import LIST_SEPARATOR

EXPORT_COLUMNS = (
    "row",
    "line",
    "name",
    "recommended_route",
    "remaining_courses",
    "courses_left",
    "months_low",
    "months_high",
    "study_hours_low",
    "study_hours_high",
    "exam_fees",
    "currency",
    "exam_windows",
    "warnings",
    "errors",
)
# OWASP's CSV-injection list: a spreadsheet runs a cell starting with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_WIDTH = 60


def guard_cell(value: Any) -> str:
    """Render a CSV cell so no spreadsheet runs it as a formula ('=1+1' -> "'=1+1")."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def extra_columns(plan: dict[str, Any]) -> list[str]:
    """The roster's extra columns, in the order first seen."""
    return list(dict.fromkeys(key for member in plan["members"] for key in member["extra"]))


def export_csv(plan: dict[str, Any], *, bom: bool = False) -> str:
    """The per-member plan as CSV (EXPORT_COLUMNS, then extra columns); `bom` helps Excel."""
    extra = extra_columns(plan)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*EXPORT_COLUMNS, *extra])
    for member in plan["members"]:
        row = [*person_row(member), *(member["extra"].get(key, "") for key in extra)]
        writer.writerow([guard_cell(value) for value in row])
    return ("\ufeff" if bom else "") + out.getvalue()


def person_row(member: dict[str, Any]) -> list[Any]:
    """One member's cells, in EXPORT_COLUMNS order."""
    head = [member["row"], member["line"] or "", member["name"]]
    if member["errors"]:
        return [*head, *[""] * 10, warnings_text(member), errors_text(member)]
    months, hours, cost = (
        member["estimated_months"],
        member["study_hours"],
        member["estimated_cost"],
    )
    return [
        *head,
        member["recommended_route"] or NO_ROUTE,
        f"{LIST_SEPARATOR} ".join(member["remaining_courses"]),
        len(member["remaining_courses"]),
        months["low"],
        months["high"],
        hours["low"],
        hours["high"],
        cost["low"],
        cost["currency"],
        f"{LIST_SEPARATOR} ".join(
            f"{exam['code']} {exam['window_start']}" for exam in member["exam_schedule"]
        ),
        warnings_text(member),
        "",
    ]


def errors_text(member: dict[str, Any]) -> str:
    """A member's errors on one line: 'field: message | field: message'."""
    return " | ".join(
        f"{field}: {message}"
        for field, messages in member["errors"].items()
        for message in messages
    )


def warnings_text(member: dict[str, Any]) -> str:
    return " | ".join(member["warnings"])


# --- Excel -----------------------------------------------------------------------------------


def export_xlsx(plan: dict[str, Any]) -> bytes:
    """The plan as a workbook: sheets People, Schedule and Budget, headers frozen."""
    out = io.BytesIO()
    book, styles = _workbook(out)
    extra = extra_columns(plan)
    people = [
        [
            member["row"],
            member["line"],
            member["name"],
            *_person_cells(member),
            *(member["extra"].get(key) for key in extra),
        ]
        for member in plan["members"]
    ]
    _sheet(book, styles, "People", [*PEOPLE_HEAD, *extra], people)
    _sheet(book, styles, "Schedule", SCHEDULE_HEAD, list(_schedule_rows(plan)))
    _sheet(book, styles, "Budget", BUDGET_HEAD, list(_budget_rows(plan["budget"])))
    book.close()
    return out.getvalue()


def _workbook(out: io.BytesIO) -> tuple[Any, dict[str, Any]]:
    """A workbook writing to `out`, and its cell styles."""
    # Names are written with write_string (never a formula, a number or a link), and the
    # options make sure nothing else is guessed from a string either.
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    styles = {
        "head": book.add_format({"bold": True, "bottom": 1}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "money": book.add_format({"num_format": "#,##0.00"}),
    }
    return book, styles


PEOPLE_HEAD = [
    "Row",
    "Line",
    "Name",
    "Route",
    "Remaining courses",
    "Months (low)",
    "Months (high)",
    "Exam fees",
    "Warnings",
    "Errors",
]
SCHEDULE_HEAD = [
    "Window starts",
    "Window ends",
    "Course",
    "Title",
    "People",
    "Names",
    "Group session",
    "Study starts",
    "Fees",
]
BUDGET_HEAD = ["Breakdown", "Period", "Starts", "Buy by", "Fees"]


def _person_cells(member: dict[str, Any]) -> list[Any]:
    if member["errors"]:
        return [None, None, None, None, None, warnings_text(member), errors_text(member)]
    return [
        member["recommended_route"] or NO_ROUTE,
        ", ".join(member["remaining_courses"]),
        member["estimated_months"]["low"],
        member["estimated_months"]["high"],
        member["estimated_cost"]["low"],
        warnings_text(member),
        None,
    ]


def _schedule_rows(plan: dict[str, Any]) -> Any:
    for window in plan["schedule"]:
        for cohort in window["cohorts"]:
            yield [
                date.fromisoformat(window["window_start"]),
                date.fromisoformat(window["window_end"]),
                cohort["code"],
                cohort["title"],
                len(cohort["members"]),
                "; ".join(cohort["members"]),
                "yes" if cohort["group_session"] else "no",
                date.fromisoformat(cohort["study_starts"]),
                cohort["fees"],
            ]


def _budget_rows(budget: dict[str, Any]) -> Any:
    for item in budget["by_window"]:
        start = date.fromisoformat(item["window_start"])
        yield ["Testing window", item["window_start"], start, _day(item["buy_by"]), item["fees"]]
    for item in budget["by_quarter"]:
        yield ["Quarter", item["quarter"], None, _day(item["buy_by"]), item["fees"]]
    for item in budget["by_fiscal_year"]:
        yield [
            "Fiscal year",
            item["fiscal_year"],
            _day(item["starts"]),
            _day(item["buy_by"]),
            item["fees"],
        ]
    yield ["Total", budget["currency"], None, None, budget["total"]]


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _sheet(
    book: Any, styles: dict[str, Any], title: str, head: list[str], rows: list[list[Any]]
) -> None:
    sheet = book.add_worksheet(title)
    widths = [len(text) for text in head]
    for column, text in enumerate(head):
        sheet.write_string(0, column, text, styles["head"])
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            shown = _write(sheet, styles, number, column, value, head[column])
            widths[column] = max(widths[column], shown)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(_MAX_WIDTH, width + 2))
    sheet.freeze_panes(1, 0)


def _write(sheet: Any, styles: dict[str, Any], row: int, column: int, value: Any, head: str) -> int:
    """Write one cell by its Python type; return how many characters it shows."""
    if value is None or value == "":
        return 0
    if isinstance(value, date):
        sheet.write_datetime(
            row, column, datetime(value.year, value.month, value.day), styles["date"]
        )
        return 10
    if isinstance(value, bool):
        sheet.write_string(row, column, "yes" if value else "no")
        return 3
    if isinstance(value, int | float):
        money = head in ("Exam fees", "Fees")
        sheet.write_number(row, column, value, styles["money"] if money else None)
        return len(f"{value:,.2f}" if money else str(value))
    text = str(value)
    sheet.write_string(row, column, text)
    return max((len(part) for part in text.splitlines()), default=0)


def export_sheets(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """Tables as a workbook, one sheet each: (title, header, rows), headers frozen, cells
    written by their type as the plan's are (a string never a formula)."""
    out = io.BytesIO()
    book, styles = _workbook(out)
    for title, head, rows in sheets:
        _sheet(book, styles, title, head, rows)
    book.close()
    return out.getvalue()
