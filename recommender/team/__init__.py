"""Team plans: read a roster, plan each person, schedule cohorts, budget, export.

rows.py is what a roster is read into, roster.py (JSON, and the choice of reader),
csv_roster.py and workbook.py read one; planning.py plans the team, outcomes.py each distinct
profile; schedule.py makes cohorts and aligns them; budget.py sums fees by period; exports.py
writes CSV and Excel (recommender/ics.py writes the calendar); text.py the terminal table;
schemas.py the API's shape; cli.py the `team-plan` command.
"""

from .budget import budget, budget_of, buy_by, fiscal_year_of, quarter_of
from .csv_roster import parse_csv_roster
from .exports import (
    EXPORT_COLUMNS,
    FORMULA_PREFIXES,
    XLSX_TYPE,
    export_csv,
    export_xlsx,
    guard_cell,
)
from .outcomes import Planner
from .planning import (
    NO_ROUTE,
    ROUTE_KEYS,
    PlannedRow,
    SeatParts,
    TeamTotals,
    plan_rows,
    plan_team,
    row_notices,
    summarise,
    team_summary,
)
from .roster import parse_json_roster, parse_roster, read_limited, roster_template
from .rows import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    LIST_SEPARATOR,
    NAME_COLUMNS,
    NOTICE_NUMBERS,
    ROSTER_COLUMNS,
    ROW_FIELD,
    Failure,
    Roster,
    RosterRow,
)
from .schedule import CohortTotal, group_sessions, windows_of
from .schemas import TeamMemberSchema, TeamPlanSchema
from .text import format_table

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "EXPORT_COLUMNS",
    "FORMULA_PREFIXES",
    "LIST_SEPARATOR",
    "NAME_COLUMNS",
    "NOTICE_NUMBERS",
    "NO_ROUTE",
    "ROSTER_COLUMNS",
    "ROUTE_KEYS",
    "ROW_FIELD",
    "XLSX_TYPE",
    "CohortTotal",
    "Failure",
    "PlannedRow",
    "Planner",
    "Roster",
    "RosterRow",
    "SeatParts",
    "TeamMemberSchema",
    "TeamPlanSchema",
    "TeamTotals",
    "budget",
    "budget_of",
    "buy_by",
    "export_csv",
    "export_xlsx",
    "fiscal_year_of",
    "format_table",
    "group_sessions",
    "guard_cell",
    "parse_csv_roster",
    "parse_json_roster",
    "parse_roster",
    "plan_rows",
    "plan_team",
    "quarter_of",
    "read_limited",
    "roster_template",
    "row_notices",
    "summarise",
    "team_summary",
    "windows_of",
]
