"""The team page in a real browser: Debian's chromium driven by Playwright, axe-core injected."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from recommender.recommendation import Recommender
from recommender.team import parse_roster, plan_team

pytestmark = pytest.mark.browser

HEADER = "name,role,lines,years_experience,designations,completed_courses,goal,hours_per_week"
TEAM = [
    "Ana Silva,agent,personal,2,,,undecided,4",
    "Ben Okafor,underwriter,commercial,12,AINS,CPCU 500;CPCU 520,advance_to_leadership,6",
    "Bob,manager,personal,ten,,,,",
    '"<b>Cai</b> Wong",claims,both,1,,,quick_credential,',
    '"=HYPERLINK(""http://evil.example"",""x"")",agent,personal,3,,,,',
    "Dee Long-Name-Without-Any-Break-Whatsoever-Here,customer_service,both,0.5,,,,2",
]


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "my team.csv"
    path.write_text("\n".join([HEADER, *TEAM]) + "\n", encoding="utf-8")
    return path


def upload(page, base_url: str, path: Path) -> None:
    page.goto(base_url + "/team")
    page.get_by_label("Roster file").set_input_files(str(path))
    page.get_by_role("button", name="Plan the team").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_a_manager_uploads_a_roster_sees_the_plan_and_downloads_it(
    new_page,
    base_url: str,
    roster_file: Path,
    recommender: Recommender,
    scripts: bool,
) -> None:
    page = new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=scripts)
    upload(page, base_url, roster_file)
    plan = plan_team(recommender, parse_roster(roster_file.read_bytes()))

    assert page.get_by_role("heading", level=1).inner_text() == "Training plan for 6 people"
    rows = page.locator("table.people-table tbody tr")
    assert rows.count() == 6
    assert rows.nth(3).locator("td").nth(1).inner_text() == "<b>Cai</b> Wong"  # text, not HTML
    assert "Role:" in rows.nth(2).inner_text() and "Not planned" in rows.nth(2).inner_text()
    chart = page.get_by_role("img", name="People who need each course, most shared first")
    assert chart.is_visible()
    bars = page.locator("svg.demand-chart:not(.cohort-timeline) rect.bar")
    assert bars.count() == len(plan["summary"]["course_demand"]) > 0
    # The longest bar is the most shared course's.
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(bars.count())]
    assert widths == sorted(widths, reverse=True)

    with page.expect_download() as info:
        page.get_by_role("button", name="Download as CSV").click()
    download = info.value
    assert download.suggested_filename == "team-plan.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    got = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert [r["name"] for r in got][:2] == ["Ana Silva", "Ben Okafor"]
    assert len(got) == 6
    assert got[4]["name"] == '\'=HYPERLINK("http://evil.example","x")'
    expected = {m["row"]: m["recommended_route"] or "none" for m in plan["members"]}
    assert {int(r["row"]): r["recommended_route"] or "none" for r in got if not r["errors"]} == {
        row: route for row, route in expected.items() if row != 3
    }


def test_the_page_shows_the_schedule_the_budget_and_offers_every_download(
    new_page,
    base_url: str,
    roster_file: Path,
    recommender: Recommender,
) -> None:
    page = new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    upload(page, base_url, roster_file)
    plan = plan_team(recommender, parse_roster(roster_file.read_bytes()))
    windows = page.locator("table.schedule-table")
    assert windows.count() == len(plan["schedule"]) > 0
    first = plan["schedule"][0]
    assert first["window_start"] in windows.first.locator("caption").inner_text()
    names = windows.first.locator("tbody tr").first.locator("td").nth(1).inner_text()
    assert names == "; ".join(first["cohorts"][0]["members"])
    timeline = page.get_by_role("img", name="Cohorts by testing window", exact=False)
    assert timeline.is_visible()
    budget = page.locator("section.team-budget")
    assert f"{plan['budget']['total']:,.2f}" in budget.inner_text()
    quarters = budget.locator("table").first.locator("tbody tr")
    assert quarters.count() == len(plan["budget"]["by_quarter"])
    with page.expect_download() as info:
        page.get_by_role("button", name="Download as Excel (.xlsx)").click()
    assert info.value.suggested_filename == "team-plan.xlsx"
    assert Path(info.value.path()).read_bytes().startswith(b"PK")
    with page.expect_download() as info:
        page.get_by_role("button", name="Add the exam windows to a calendar (.ics)").click()
    assert info.value.suggested_filename == "team-plan.ics"
    assert Path(info.value.path()).read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_a_bad_roster_shows_its_error_next_to_the_file_input(
    new_page,
    base_url: str,
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,role\nAna,agent\n", encoding="utf-8")
    page = new_page()
    upload(page, base_url, path)
    error = page.locator("#file-error")
    assert "lacks required columns: lines, years_experience" in error.inner_text()
    assert page.get_by_label("Roster file").get_attribute("aria-invalid") == "true"


def test_the_template_link_downloads_the_template(new_page, base_url: str) -> None:
    page = new_page()
    page.goto(base_url + "/team")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the roster template (CSV)").click()
    assert info.value.suggested_filename == "team-roster-template.csv"
    assert Path(info.value.path()).read_text(encoding="utf-8").startswith("name,role,lines")


@pytest.mark.parametrize("step", ["upload", "result", "error"])
def test_no_serious_or_critical_accessibility_violations(
    new_page,
    base_url: str,
    axe,
    roster_file: Path,
    tmp_path: Path,
    step: str,
) -> None:
    # The site's CSP rightly refuses injected scripts: let axe-core in for the audit only.
    page = new_page(bypass_csp=True)
    if step == "upload":
        page.goto(base_url + "/team")
    else:
        bad = tmp_path / "bad.csv"
        bad.write_bytes(b"name,role\nAna,agent\n")
        upload(page, base_url, roster_file if step == "result" else bad)
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


@pytest.mark.parametrize("step", ["upload", "result"])
def test_a_375px_phone_needs_no_sideways_scrolling(
    new_page,
    base_url: str,
    roster_file: Path,
    step: str,
) -> None:
    page = new_page(viewport={"width": 375, "height": 740})
    if step == "upload":
        page.goto(base_url + "/team")
    else:
        upload(page, base_url, roster_file)
        assert page.locator("table.people-table").is_visible()
        assert page.locator("table.schedule-table").first.is_visible()
        for chart in ("svg.cohort-timeline", "svg.demand-chart:not(.cohort-timeline)"):
            assert page.locator(chart).bounding_box()["width"] <= 375
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
