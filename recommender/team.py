"""Team plans: read a roster (CSV or JSON), plan every member, sum up the team, export CSV."""

# Row numbers: `row` 1 is the first data row (the row below the CSV header, or `members[0]`
# in JSON); blank CSV rows are skipped but keep their number, so that row N is always
# spreadsheet row N+1 and a manager finds it without counting.

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from marshmallow import Schema, fields, validate

from .catalog import Catalog
from .errors import ProfileError, RosterError, RosterTooLarge, RosterTooManyRows
from .planner import Profile, RoutePlan, estimate_cost, estimate_months
from .rulebook import profile_fact
from .schemas import PROFILE_FIELDS, PROFILE_LIST_FIELDS, MonthsSchema
from .vocabulary import ROUTES

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000

NAME_COLUMNS = ("name", "id")
REQUIRED_COLUMNS = ("role", "lines", "years_experience")
ROSTER_COLUMNS = ("name", *PROFILE_FIELDS)
LIST_FIELDS = PROFILE_LIST_FIELDS
WORD_FIELDS = ("role", "lines", "goal")
LIST_SEPARATOR = ";"
NO_ROUTE = "none"
ROUTE_KEYS = (*ROUTES, NO_ROUTE)
ROW_FIELD = "_row"

EXPORT_COLUMNS = (
    "row",
    "name",
    "recommended_route",
    "remaining_courses",
    "courses_left",
    "months_low",
    "months_high",
    "study_hours_low",
    "study_hours_high",
    "errors",
)
# OWASP's CSV-injection list: a spreadsheet runs a cell starting with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain path rather than importlib.resources, which on Python 3.11 fails for a namespace
# package (as `recommender` was without an __init__.py).
TEMPLATE_PATH = Path(__file__).resolve().parent / "data" / "roster-template.csv"
_NOTICE_EXAMPLES = 10


class _Recommender(Protocol):
    catalog: Catalog
    rulebook: Any  # its .version names the rules a plan was made with

    def load_profile(self, data: Any) -> Profile: ...

    def fired_rules(self, profile: Profile) -> list[str]: ...

    def chosen_plan(self, profile: Profile, fired: list[str]) -> RoutePlan | None: ...


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One person as read: raw profile data (None if unreadable) and errors found reading."""

    row: int
    name: str
    data: dict[str, Any] | None
    errors: dict[str, list[str]]
    hint: str | None = None  # added to the errors if the row turns out to be bad


@dataclass(frozen=True)
class Roster:
    """A parsed roster: one RosterRow per person, plus notices for the manager."""

    rows: list[RosterRow]
    notices: list[str]
    format: str  # "csv" or "json"


# --- reading -------------------------------------------------------------------------------


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
    """Parse a roster upload: JSON if it starts with '{' or '[', else CSV."""
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
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next((cells for cells in records if _filled(cells)), None)
        if header is None:
            raise RosterError(_empty_message(), kind="empty")
        columns = _Columns.from_header(header)
        rows, blank = _read_rows(records, columns, max_rows)
    except csv.Error as exc:
        raise RosterError(
            f"Line {records.line_num} is not valid CSV: {exc}.", kind="bad_csv"
        ) from exc
    if not rows:
        raise RosterError(
            "The roster has a header but no rows: add one row per person below it.",
            kind="no_rows",
        )
    notices = columns.notices()
    if blank:
        notices.append(f"Skipped {_count(len(blank), 'blank row')}: {_rows_list(blank)}.")
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
    ignored = sorted(
        {
            str(key)
            for member in members
            if isinstance(member, dict)
            for key in member
            if key not in ROSTER_COLUMNS and key not in NAME_COLUMNS
        }
    )
    notices = [f"Ignored fields not used for planning: {', '.join(ignored)}."] if ignored else []
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
    """Where each known field is in the CSV, and what was left out."""

    positions: dict[str, int]
    name_column: str
    width: int
    ignored: list[str]
    unnamed: int

    @classmethod
    def from_header(cls, header: list[str]) -> _Columns:
        positions: dict[str, int] = {}
        ignored: list[str] = []
        unnamed = 0
        for index, cell in enumerate(header):
            key = _column_key(cell)
            if not key:
                unnamed += 1
            elif key not in ROSTER_COLUMNS and key not in NAME_COLUMNS:
                ignored.append(cell.strip())
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
        return cls(positions, name_column, len(header), ignored, unnamed)

    def notices(self) -> list[str]:
        out = []
        if self.ignored:
            out.append(f"Ignored columns not used for planning: {', '.join(self.ignored)}.")
        if self.unnamed:
            out.append(f"Ignored {_count(self.unnamed, 'column')} without a header.")
        if self.name_column == "name" and "id" in self.positions:
            out.append("Ignored the id column: the name column names each person.")
        return out

    def cell(self, cells: list[str], key: str) -> str:
        index = self.positions.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""


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


def _read_rows(records: Any, columns: _Columns, max_rows: int) -> tuple[list[RosterRow], list[int]]:
    rows: list[RosterRow] = []
    blank: list[int] = []
    for number, cells in enumerate(records, start=1):
        if not _filled(cells):
            blank.append(number)
        elif len(rows) >= max_rows:
            raise RosterTooManyRows(max_rows)
        else:
            rows.append(_csv_row(number, cells, columns))
    return rows, blank


def _csv_row(number: int, cells: list[str], columns: _Columns) -> RosterRow:
    name = columns.cell(cells, columns.name_column)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [f"Missing {columns.name_column}: every row needs one."]
    hint = None
    if len(cells) > columns.width:
        hint = (
            f"This row has {len(cells)} cells but the header has {columns.width}: "
            "put a cell that contains a comma in double quotes."
        )
        if _filled(cells[columns.width :]):
            # An unquoted comma inside a cell shifts every later field: validating them
            # would only add confusing messages.
            return RosterRow(number, name, None, {**errors, ROW_FIELD: [hint]})
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
    return RosterRow(number, name, data, errors, hint)


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
    return RosterRow(number, name, data, errors)


def _duplicate_names(rows: list[RosterRow]) -> list[str]:
    seen: dict[str, list[int]] = {}
    for row in rows:
        if row.name:
            seen.setdefault(row.name, []).append(row.row)
    repeated = [(name, numbers) for name, numbers in seen.items() if len(numbers) > 1]
    if not repeated:
        return []
    shown = "; ".join(f"{name} (rows {_rows_list(nums)})" for name, nums in repeated[:5])
    more = f"; and {len(repeated) - 5} more" if len(repeated) > 5 else ""
    return [f"Names on more than one row, each planned by row: {shown}{more}."]


def _rows_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_NOTICE_EXAMPLES])
    return shown + (", ..." if len(numbers) > _NOTICE_EXAMPLES else "")


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


# --- planning ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Outcome:
    route: str | None
    courses: tuple[str, ...]
    months: dict[str, int]
    hours: tuple[int, int]
    cost: dict[str, Any]


def plan_team(recommender: _Recommender, roster: Roster) -> dict[str, Any]:
    """Plan every roster row and sum up the team: the TeamPlanSchema shape."""
    catalog = recommender.catalog
    checked: dict[Any, Profile | dict[str, list[str]]] = {}
    outcomes: dict[Profile, _Outcome] = {}
    fired: dict[Any, list[str]] = {}
    members = []
    for row in roster.rows:
        errors = {field: list(messages) for field, messages in row.errors.items()}
        profile = None
        if row.data is not None:
            result = _check(recommender, row.data, checked)
            if isinstance(result, Profile):
                profile = result
            else:
                for field, messages in result.items():
                    errors.setdefault(field, []).extend(messages)
        if errors or profile is None:
            if row.hint and ROW_FIELD not in errors:
                errors[ROW_FIELD] = [row.hint]
            members.append(_member(row, None, errors))
            continue
        # Identical profiles share one evaluation: a large roster repeats a few profiles.
        outcome = outcomes.get(profile)
        if outcome is None:
            outcome = outcomes[profile] = _evaluate(recommender, profile, fired)
        members.append(_member(row, outcome, {}))
    bad = [m["row"] for m in members if m["errors"]]
    notices = list(roster.notices)
    if bad:
        notices.append(
            f"Not planned, see their errors: {_count(len(bad), 'row')} ({_rows_list(bad)})."
        )
    return {
        "rules_version": recommender.rulebook.version,
        "members": members,
        "summary": summarise(members, catalog),
        "notices": notices,
    }


def _check(
    recommender: _Recommender, data: dict[str, Any], checked: dict[Any, Any]
) -> Profile | dict[str, list[str]]:
    """Validate raw profile data, once per distinct raw data."""
    key = _freeze(data)
    if key is not None and key in checked:
        return checked[key]
    try:
        result: Profile | dict[str, list[str]] = recommender.load_profile(data)
    except ProfileError as exc:
        result = exc.errors
    if key is not None:
        checked[key] = result
    return result


def _freeze(data: dict[str, Any]) -> Any:
    """A hashable key for raw row data, or None when a value cannot be one."""
    try:
        key = tuple(
            (k, tuple(v) if isinstance(v, list) else v, type(v).__name__) for k, v in data.items()
        )
        hash(key)
    except TypeError:
        return None
    return key


def _evaluate(recommender: _Recommender, profile: Profile, fired: dict[Any, list[str]]) -> _Outcome:
    # The rules see only the profile's fact (role, lines, goal, years, designations held):
    # profiles differing in anything else (hours a week, courses passed) share one engine run.
    # Only the recommended route's plan: a team plan shows no other route, exam dates or
    # changes, and building them for every distinct person was most of a large roster's time.
    key = tuple(profile_fact(profile, recommender.catalog).items())
    rules = fired.get(key)
    if rules is None:
        rules = fired[key] = recommender.fired_rules(profile)
    plan = recommender.chosen_plan(profile, rules)
    catalog = recommender.catalog
    if plan is None:
        return _Outcome(None, (), {"low": 0, "high": 0}, (0, 0), _cost_band(None, recommender))
    codes = tuple(step.code for step in plan.remaining)
    return _Outcome(
        plan.route,
        codes,
        estimate_months(list(codes), catalog, profile.hours_per_week),
        _study_hours(codes, catalog),
        _cost_band(estimate_cost(list(codes), catalog, profile.discounts), recommender),
    )


def _cost_band(cost: dict[str, Any] | None, recommender: _Recommender) -> dict[str, Any]:
    """A route's exam fees without the per-course items: what a team plan sums."""
    if cost is None:
        return {"low": 0.0, "high": 0.0, "currency": recommender.catalog.currency, "verified": True}
    return {key: cost[key] for key in ("low", "high", "currency", "verified")}


def _study_hours(codes: tuple[str, ...], catalog: Catalog) -> tuple[int, int]:
    """The catalog's low-high study-hours band summed over courses, in whole hours."""
    hours = [catalog.courses[code].study_hours for code in codes]
    return round(sum(h.low for h in hours)), round(sum(h.high for h in hours))


def _member(
    row: RosterRow, outcome: _Outcome | None, errors: dict[str, list[str]]
) -> dict[str, Any]:
    if outcome is None:
        return {
            "row": row.row,
            "name": row.name,
            "recommended_route": None,
            "remaining_courses": [],
            "estimated_months": None,
            "study_hours": None,
            "estimated_cost": None,
            "errors": errors,
        }
    return {
        "row": row.row,
        "name": row.name,
        "recommended_route": outcome.route,
        "remaining_courses": list(outcome.courses),
        "estimated_months": dict(outcome.months),
        "study_hours": {"low": outcome.hours[0], "high": outcome.hours[1]},
        "estimated_cost": dict(outcome.cost),
        "errors": {},
    }


def summarise(members: list[dict[str, Any]], catalog: Catalog) -> dict[str, Any]:
    """The team summary: people per route, demand per course, total study hours."""
    planned = [m for m in members if not m["errors"]]
    routes = dict.fromkeys(ROUTE_KEYS, 0)
    demand: Counter[str] = Counter()
    low = high = 0
    cost_low = cost_high = 0.0
    cost_verified = True
    for member in planned:
        routes[member["recommended_route"] or NO_ROUTE] += 1
        demand.update(set(member["remaining_courses"]))
        low += member["study_hours"]["low"]
        high += member["study_hours"]["high"]
        cost_low += member["estimated_cost"]["low"]
        cost_high += member["estimated_cost"]["high"]
        cost_verified = cost_verified and member["estimated_cost"]["verified"]
    order = {code: index for index, code in enumerate(catalog.courses)}
    return {
        "people": len(members),
        "planned": len(planned),
        "with_errors": len(members) - len(planned),
        "routes": routes,
        # Most shared first, ties in catalog order: also the order for group sessions.
        "course_demand": [
            {"code": code, "title": catalog.courses[code].title, "members": count}
            for code, count in sorted(demand.items(), key=lambda item: (-item[1], order[item[0]]))
        ],
        "total_study_hours": {"low": low, "high": high},
        "total_cost": {
            "low": round(cost_low, 2),
            "high": round(cost_high, 2),
            "currency": catalog.currency,
            "verified": cost_verified,
        },
    }


# --- output --------------------------------------------------------------------------------


def guard_cell(value: Any) -> str:
    """Render a CSV cell so no spreadsheet runs it as a formula ('=1+1' -> "'=1+1")."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_csv(plan: dict[str, Any], *, bom: bool = False) -> str:
    """The per-member plan as CSV (EXPORT_COLUMNS); `bom` helps Excel see UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for member in plan["members"]:
        writer.writerow([guard_cell(value) for value in _export_row(member)])
    return ("\ufeff" if bom else "") + out.getvalue()


def _export_row(member: dict[str, Any]) -> list[Any]:
    if member["errors"]:
        return [member["row"], member["name"], "", "", "", "", "", "", "", _errors_text(member)]
    months, hours = member["estimated_months"], member["study_hours"]
    return [
        member["row"],
        member["name"],
        member["recommended_route"] or NO_ROUTE,
        f"{LIST_SEPARATOR} ".join(member["remaining_courses"]),
        len(member["remaining_courses"]),
        months["low"],
        months["high"],
        hours["low"],
        hours["high"],
        "",
    ]


def _errors_text(member: dict[str, Any]) -> str:
    return " | ".join(
        f"{field}: {message}"
        for field, messages in member["errors"].items()
        for message in messages
    )


def format_table(plan: dict[str, Any]) -> str:
    """The team plan as plain text: a row per person, then the summary."""
    summary = plan["summary"]
    members = plan["members"]
    width = min(30, max([4, *(len(m["name"]) for m in members)]))
    out = [
        f"Team plan: {_people(summary['people'])}, {summary['planned']:,} planned, "
        f"{summary['with_errors']:,} with errors (rules {plan['rules_version']})",
        "",
        f"{'Row':>5}  {'Name':<{width}}  {'Route':<13}  {'Courses':>7}  {'Months':<7}  Plan",
    ]
    for member in members:
        name = _clip(member["name"], width)
        if member["errors"]:
            out.append(
                f"{member['row']:>5}  {name:<{width}}  {'(error)':<13}  {'':>7}  {'':<7}  "
                + _errors_text(member)
            )
            continue
        band = "{low}-{high}".format(**member["estimated_months"])
        courses = member["remaining_courses"]
        out.append(
            f"{member['row']:>5}  {name:<{width}}  {member['recommended_route'] or NO_ROUTE:<13}  "
            f"{len(courses):>7}  {band:<7}  {', '.join(courses) or '-'}"
        )
    return "\n".join(out + [""] + _summary_lines(summary) + _notice_lines(plan["notices"]))


def _summary_lines(summary: dict[str, Any]) -> list[str]:
    out = ["People per route:"]
    out += [f"  {route:<15} {count:>6,}" for route, count in summary["routes"].items()]
    out += [f"  {'with errors':<15} {summary['with_errors']:>6,}", ""]
    out.append("Course demand (most shared first: the order for group sessions):")
    for number, item in enumerate(summary["course_demand"], start=1):
        out.append(
            f"  {number:>2}. {item['code']:<9} {_clip(item['title'], 50):<50} "
            f"{_people(item['members'])}"
        )
    if not summary["course_demand"]:
        out.append("  (no courses needed)")
    hours = summary["total_study_hours"]
    out += ["", f"Total study hours: {hours['low']:,} to {hours['high']:,}"]
    return out


def _notice_lines(notices: list[str]) -> list[str]:
    return ["", "Notices:", *(f"  - {n}" for n in notices)] if notices else []


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())  # a quoted cell may hold line breaks: keep one line a row
    return text if len(text) <= width else text[: width - 3] + "..."


def roster_template() -> str:
    """The roster template CSV (a header and two example rows) shipped with the package."""
    return TEMPLATE_PATH.read_text(encoding="utf-8")


# --- schemas -------------------------------------------------------------------------------


class HoursBandSchema(Schema):
    low = fields.Integer(required=True)
    high = fields.Integer(required=True)


class CostBandSchema(Schema):
    """Exam fees as a low-high band; `verified` is false while a fee is to confirm."""

    low = fields.Float(required=True)
    high = fields.Float(required=True)
    currency = fields.String(required=True)
    verified = fields.Boolean(required=True)


class TeamMemberSchema(Schema):
    """One roster row planned: its route and courses, or `errors` (field -> messages)."""

    row = fields.Integer(required=True)
    name = fields.String(required=True)
    recommended_route = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(ROUTES)
    )
    remaining_courses = fields.List(fields.String(), required=True)
    estimated_months = fields.Nested(MonthsSchema, required=True, allow_none=True)
    study_hours = fields.Nested(HoursBandSchema, required=True, allow_none=True)
    estimated_cost = fields.Nested(CostBandSchema, required=True, allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class CourseDemandSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    members = fields.Integer(required=True)


class TeamSummarySchema(Schema):
    people = fields.Integer(required=True)
    planned = fields.Integer(required=True)
    with_errors = fields.Integer(required=True)
    routes = fields.Dict(
        keys=fields.String(validate=validate.OneOf(ROUTE_KEYS)),
        values=fields.Integer(),
        required=True,
    )
    course_demand = fields.List(fields.Nested(CourseDemandSchema), required=True)
    total_study_hours = fields.Nested(HoursBandSchema, required=True)
    total_cost = fields.Nested(CostBandSchema, required=True)


class TeamPlanSchema(Schema):
    """The team plan of CONTRACT.md: members, summary, notices."""

    rules_version = fields.String(required=True)
    members = fields.List(fields.Nested(TeamMemberSchema), required=True)
    summary = fields.Nested(TeamSummarySchema, required=True)
    notices = fields.List(fields.String(), required=True)
