"""The team page through the test client: upload, the plan as a table and chart, CSV downloads."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from recommender.recommendation import Recommender
from recommender.team import FORMULA_PREFIXES, parse_roster, plan_team, roster_template
from recommender.web.charts import demand_chart_svg

HEADER = "name,role,lines,years_experience,designations,completed_courses,goal,hours_per_week"
NOTES_HEADER = "name,role,lines,years_experience,notes"
TEAM = [
    "Ana,agent,personal,2,,,undecided,4",
    "Ben,underwriter,commercial,12,AINS,CPCU 500;CPCU 520,advance_to_leadership,6",
    "Bob,manager,personal,ten,,,,",
    '"<script>alert(1)</script>",claims,both,1,,,quick_credential,',
    '"=HYPERLINK(""http://evil.example"",""x"")",agent,personal,3,,,,',
]


def roster(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def multipart(fields: dict[str, tuple[bytes, str] | str]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type: (bytes, filename) values are files."""
    # Built by hand: werkzeug's test client spools a large upload to a temporary file that it
    # never closes, a ResourceWarning that filterwarnings=error turns into a failure.
    boundary = "----team-page-boundary-3c9a"
    body = b""
    for name, value in fields.items():
        if isinstance(value, tuple):
            data, filename = value
            head = f'name="{name}"; filename="{filename}"\r\nContent-Type: text/csv'
        else:
            data, head = value.encode("utf-8"), f'name="{name}"'
        body += f"--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n".encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client: FlaskClient, data: bytes, filename: str = "team.csv") -> TestResponse:
    body, content_type = multipart({"file": (data, filename)})
    return client.post("/team", data=body, content_type=content_type)


def html_of(response: TestResponse, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def table_rows(html: str) -> list[str]:
    body = html[html.index('<table class="team-table people-table">') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)


def hidden_roster(html: str) -> str:
    match = re.search(r'<input type="hidden" name="roster" value="([^"]*)">', html)
    assert match, "no roster field in the page"
    return htmllib.unescape(match.group(1))


def csv_rows(response: TestResponse) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


# --- the upload page -----------------------------------------------------------------------


def test_the_upload_page_has_a_labelled_file_input_with_a_hint(client: FlaskClient) -> None:
    html = html_of(client.get("/team"))
    assert "<h1>Plan training for a team</h1>" in html
    assert '<label for="file">Roster file</label>' in html
    assert re.search(
        r'<input type="file" id="file" name="file"[^>]*aria-describedby="file-hint"', html
    )
    assert 'id="file-hint"' in html and "UTF-8" in html and "5 MiB" in html and "50,000" in html
    assert 'enctype="multipart/form-data"' in html and 'action="/team"' in html
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
    assert ids == ["file", "align", "fiscal_year_start"]  # every control labelled


def test_the_upload_page_links_the_template_and_explains_the_columns(client: FlaskClient) -> None:
    html = html_of(client.get("/team"))
    assert 'href="/team/template.csv"' in html
    for column in ("name", "role", "lines", "years_experience", "designations", "goal"):
        assert f"<dt>{column}</dt>" in html
    assert "customer_service" in html and "AINS;API" in html


@pytest.mark.parametrize("path", ["/", "/team"])
def test_every_page_links_the_team_plan_in_its_navigation(client: FlaskClient, path: str) -> None:
    assert '<a href="/team">Team plan</a>' in html_of(client.get(path))


def test_the_template_downloads_as_a_csv_that_plans_cleanly(
    client: FlaskClient, recommender: Recommender
) -> None:
    response = client.get("/team/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="team-roster-template.csv"'
    text = response.get_data(as_text=True)
    assert text == roster_template()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
    plan = plan_team(recommender, parse_roster(text))
    assert plan["summary"]["people"] == 2 and plan["summary"]["with_errors"] == 0


# --- the result ----------------------------------------------------------------------------


def test_an_uploaded_roster_shows_each_person_the_summary_and_the_chart(
    client: FlaskClient, recommender: Recommender
) -> None:
    html = html_of(upload(client, roster(*TEAM)))
    plan = plan_team(recommender, parse_roster(roster(*TEAM)))
    assert "<h1>Training plan for 5 people</h1>" in html
    rows = table_rows(html)
    assert len(rows) == 5
    assert ">Ana<" in rows[0] and ">API<" in rows[0] and "API 29" in rows[0]
    months = plan["members"][0]["estimated_months"]
    assert f"{months['low']}–{months['high']}" in rows[0]
    assert ">CPCU<" in rows[1] and "CPCU 500" not in rows[1]  # passed, so not remaining
    # The bad row shows its errors in its own row; the others are planned.
    assert "Not planned" in rows[2] and "Role:" in rows[2] and "Years in insurance:" in rows[2]
    assert 'class="row-error"' in html
    total = plan["summary"]["total_study_hours"]
    assert f"{total['low']:,} to {total['high']:,}" in html
    assert '<th scope="row">Not planned (errors)</th><td class="num">1</td>' in html
    # One bar per course in demand, in the accessible inline SVG.
    demand = plan["summary"]["course_demand"]
    start = html.index('<svg class="demand-chart"')
    chart = html[start : html.index("</svg>", start)]
    assert chart.count('<rect class="bar"') == len(demand) > 0
    assert 'role="img"' in chart and '<title id="demand-title">' in chart
    assert '<desc id="demand-desc">' in chart and demand[0]["code"] in chart


def test_names_are_escaped_everywhere(client: FlaskClient) -> None:
    html = html_of(upload(client, roster(*TEAM)))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_notices_are_shown(client: FlaskClient) -> None:
    data = roster(TEAM[0] + ",Sales", TEAM[0] + ",Sales", header=HEADER + ",Department")
    html = html_of(upload(client, data))
    assert "Passed through, not used for planning: Department." in html
    assert "Ana (lines 2, 3)" in html


def test_a_team_with_no_courses_left_says_so_instead_of_a_chart(client: FlaskClient) -> None:
    html = html_of(upload(client, roster("Dee,claims,commercial,9,CPCU,,,")))
    assert "No one needs a course" in html and "<svg" not in html


def test_a_large_team_shows_the_first_rows_and_the_csv_has_everyone(client: FlaskClient) -> None:
    data = roster(*[f"P{n},agent,personal,{n % 30},,,," for n in range(1005)])
    html = html_of(upload(client, data))
    assert len(table_rows(html)) == 1000
    assert "The table shows the first 1,000 of 1,005 people" in html
    response = client.post("/team/plan.csv", data={"roster": hidden_roster(html)})
    assert len(csv_rows(response)) == 1005


def test_a_roster_larger_than_the_app_wide_body_limit_is_planned(client: FlaskClient) -> None:
    rows = [f"P{n},agent,personal,2,{'x' * 100_000}" for n in range(16)]
    data = roster(*rows, header=NOTES_HEADER)
    assert len(data) > client.application.config["MAX_CONTENT_LENGTH"]
    html = html_of(upload(client, data))
    assert len(table_rows(html)) == 16
    # ...and posted back for the CSV, as a form field over Flask's 500 kB form-field limit.
    body, content_type = multipart({"roster": hidden_roster(html)})
    response = client.post("/team/plan.csv", data=body, content_type=content_type)
    assert response.status_code == 200 and len(csv_rows(response)) == 16


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "Choose a roster file"),  # what a browser sends when no file was chosen
        (b"\n", "The roster is empty"),
        (HEADER.encode() + b"\n", "header but no rows"),
        (b"name,role\nAna,agent\n", "lacks required columns: lines, years_experience"),
        ("name,role,lines,years_experience\nJosé,agent,personal,2\n".encode("cp1252"), "UTF-8"),
    ],
    ids=["no-file", "empty", "header-only", "missing-columns", "not-utf8"],
)
def test_an_unreadable_roster_shows_the_form_with_the_error_next_to_the_field(
    client: FlaskClient, data: bytes, words: str
) -> None:
    filename = "team.csv" if data else ""
    html = html_of(upload(client, data, filename), status=422)
    assert "<title>Error: Plan training for a team" in html
    error = re.search(r'<p class="error-text" id="file-error">(.*?)</p>', html, flags=re.S)
    assert error and words in error.group(1)
    assert re.search(
        r'<input type="file" id="file"[^>]*aria-describedby="file-hint file-error"', html
    )
    assert 'aria-invalid="true"' in html and 'class="error-summary"' in html


def test_a_post_without_a_file_field_shows_the_form_with_an_error(client: FlaskClient) -> None:
    html = html_of(client.post("/team", data={}), status=422)
    assert 'id="file-error"' in html


def test_a_roster_over_the_size_limit_is_a_413_page_with_the_error(small_app: Flask) -> None:
    client = small_app.test_client()
    data = roster(*[f"P{n},agent,personal,2,{'x' * 500}" for n in range(4)], header=NOTES_HEADER)
    html = html_of(upload(client, data), status=413)
    assert "larger than 2,000 bytes" in html and 'id="file-error"' in html
    assert "Up to 2,000 bytes and 5 people" in html


def test_a_roster_over_the_row_limit_is_a_422_page_with_the_error(small_app: Flask) -> None:
    data = roster(*[f"P{n},agent,personal,2,,,," for n in range(6)])
    html = html_of(upload(small_app.test_client(), data), status=422)
    assert "more than 5 rows" in html


# --- the CSV download ----------------------------------------------------------------------


def test_the_result_page_downloads_the_same_plan_as_csv(client: FlaskClient) -> None:
    html = html_of(upload(client, roster(*TEAM)))
    assert '<form method="post" action="/team/plan.csv"' in html
    text = hidden_roster(html)
    assert text == roster(*TEAM).decode()
    response = client.post("/team/plan.csv", data={"roster": text})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="team-plan.csv"'
    rows = csv_rows(response)
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[4]["name"] == '\'=HYPERLINK("http://evil.example","x")'  # a formula, guarded
    assert rows[3]["name"] == "<script>alert(1)</script>"  # CSV is data, not HTML
    assert rows[2]["errors"].startswith("role:")
    api = client.post("/api/v1/team-plans?format=csv", data=text, content_type="text/csv")
    assert response.get_data() == api.get_data()


def test_the_posted_back_roster_survives_crlf_line_ends(client: FlaskClient) -> None:
    text = roster(*TEAM).decode().replace("\n", "\r\n")  # as a browser sends a form field
    rows = csv_rows(client.post("/team/plan.csv", data={"roster": text}))
    assert len(rows) == 5


@pytest.mark.parametrize("data", [{}, {"roster": "  "}, {"roster": "name\n"}])
def test_a_csv_download_without_a_readable_roster_shows_the_form(
    client: FlaskClient, data: dict[str, Any]
) -> None:
    html = html_of(client.post("/team/plan.csv", data=data), status=422)
    assert 'id="file-error"' in html


# --- safety --------------------------------------------------------------------------------


@pytest.mark.parametrize("result", [False, True], ids=["upload", "result"])
def test_the_team_pages_have_no_inline_scripts_or_styles_and_no_external_assets(
    client: FlaskClient, result: bool
) -> None:
    response = upload(client, roster(*TEAM)) if result else client.get("/team")
    html = html_of(response)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r'(?:src|href|action)="(?:https?:)?//', html)
    assert "form-action 'self'" in response.headers["Content-Security-Policy"]


# --- the chart -----------------------------------------------------------------------------


def test_the_chart_has_a_bar_per_course_as_long_as_its_people() -> None:
    demand = [
        {"code": "CPCU 500", "title": "Leader <&> risk", "members": 4},
        {"code": "API 29", "title": "Personal lines", "members": 1},
    ]
    svg = str(demand_chart_svg(demand, "Demand & more"))
    widths = [float(w) for w in re.findall(r'<rect class="bar"[^>]* width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(4 * widths[1])
    assert '<title id="demand-title">Demand &amp; more</title>' in svg
    assert (
        "CPCU 500 (Leader &lt;&amp;&gt; risk): 4 people; API 29 (Personal lines): 1 person" in svg
    )
    assert " style=" not in svg


def test_no_demand_draws_no_chart() -> None:
    assert demand_chart_svg([], "Nothing") == ""


def test_the_form_s_align_and_fiscal_year_controls_shape_the_plan(client: FlaskClient) -> None:
    data = roster(*TEAM)
    body, content_type = multipart(
        {"file": (data, "team.csv"), "align": "true", "fiscal_year_start": "7"}
    )
    html = html_of(client.post("/team", data=body, content_type=content_type))
    assert "Cohorts aligned:" in html
    assert "Fees by fiscal year (starting in month 7)" in html
    # The downloads carry the options with the roster.
    assert '<input type="hidden" name="align" value="true">' in html
    assert '<input type="hidden" name="fiscal_year_start" value="7">' in html
    plain = html_of(upload(client, data))
    assert "Cohorts aligned:" not in plain and "starting in month 1" in plain


@pytest.mark.parametrize("month", ["13", "\u00b2", "9" * 5000])  # '²' is a digit to isdigit()
def test_a_fiscal_year_month_out_of_range_is_shown_at_its_control(
    client: FlaskClient, month: str
) -> None:
    fields = {"file": (roster(*TEAM), "team.csv"), "fiscal_year_start": month}
    body, content_type = multipart(fields)
    html = html_of(client.post("/team", data=body, content_type=content_type), status=422)
    assert 'id="fiscal_year_start-error"' in html
    assert "Choose the month the fiscal year starts in" in html


def test_the_page_shows_the_schedule_with_names_and_the_budget(
    client: FlaskClient, recommender: Recommender
) -> None:
    data = roster(*TEAM)
    html = html_of(upload(client, data))
    plan = plan_team(recommender, parse_roster(data))
    assert html.count('<table class="team-table schedule-table">') == len(plan["schedule"]) > 0
    first = plan["schedule"][0]["cohorts"][0]
    assert str(escape("; ".join(first["members"]))) in html
    assert f"{plan['budget']['total']:,.2f}" in html
    for quarter in plan["budget"]["by_quarter"]:
        assert f'<th scope="row">{quarter["quarter"]}</th>' in html
    assert 'class="demand-chart cohort-timeline"' in html


def test_aligned_cohorts_that_delay_a_designation_say_so_on_the_page_and_in_the_exports(
    client: FlaskClient,
) -> None:
    # Ana is a window ahead of Ben, Cy and Dee in every course: aligned, each of her exams
    # joins theirs, her last API and CPCU exams among them, so both are earned a window later.
    base = "agent,personal,3,,{start}"
    lines = ["name,role,lines,years_experience,designations,start_date,hours_per_week"]
    lines.append("Ana," + base.format(start="2026-12-01") + ",10")
    lines += [f"{n}," + base.format(start="2027-02-20") + ",10" for n in ("Ben", "Cy", "Dee")]
    data = "\n".join(lines) + "\n"
    body, content_type = multipart({"file": (data.encode(), "team.csv"), "align": "true"})
    html = html_of(client.post("/team", data=body, content_type=content_type))
    assert "makes it earned one window later for: Ana (API, CPCU)." in html
    assert "so the API is earned one window later" in html
    assert "so the CPCU is earned one window later" in html
    csv_text = client.post("/team/plan.csv", data={"roster": data, "align": "true"}).get_data(
        as_text=True
    )
    ana = next(line for line in csv_text.splitlines() if ",Ana," in line)
    assert "the API is earned one window later" in ana and "Ben" not in ana
    plain = client.post("/team/plan.csv", data={"roster": data}).get_data(as_text=True)
    assert "earned one window later" not in plain
