"""The web pages in a real browser: Debian's chromium driven by Playwright, axe-core injected."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from recommender import create_app
from recommender.config import DEFAULT_RULES_DIR

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent


def fill_form(page, *, role: str, lines: str, years: str, goal: str, held=(), passed=()) -> None:
    page.get_by_label("Role").select_option(label=role)
    page.get_by_role("radio", name=lines, exact=True).check()
    page.get_by_label("Years in insurance").fill(years)
    for designation in held:
        page.get_by_role("checkbox", name=designation, exact=True).check()
    for course in passed:
        page.get_by_role("checkbox", name=course, exact=True).check()
    page.get_by_role("radio", name=goal, exact=True).check()
    page.get_by_role("button", name="Show my recommendation").click()


PROFILES = [
    (
        {"role": "Agent", "lines": "Personal lines", "years": "4", "goal": "Move into leadership"},
        "The API first, then the CPCU",
        "reuse two of them toward the CPCU",
    ),
    (
        {
            "role": "Underwriter",
            "lines": "Commercial lines",
            "years": "12",
            "goal": "Not decided yet",
        },
        "The Chartered Property Casualty Underwriter (CPCU)",
        "commercial concentration",
    ),
    (
        {
            "role": "Claims",
            "lines": "Both personal and commercial",
            "years": "1",
            "goal": "A recognised credential quickly",
            "held": ["AINS – Associate in General Insurance"],
        },
        "The Associate in Personal Insurance (API)",
        "fastest recognised credential",
    ),
]


@pytest.mark.parametrize(("answers", "route", "reason"), PROFILES)
def test_a_filled_form_shows_the_route_and_why(page, base_url: str, answers, route, reason) -> None:
    page.goto(base_url + "/")
    fill_form(page, **answers)
    assert page.get_by_role("heading", level=1).inner_text() == f"Recommended: {route}"
    assert reason in page.locator("#why + ul").inner_text()
    assert page.locator("svg.timeline rect").count() >= 1
    # The result is a plain GET URL: bookmarkable and shareable.
    again = page.context.new_page()
    again.goto(page.url)
    assert again.get_by_role("heading", level=1).inner_text() == f"Recommended: {route}"
    again.close()


def test_invalid_input_shows_the_field_error_and_keeps_the_answers(page, base_url: str) -> None:
    page.goto(base_url + "/")
    fill_form(page, role="Broker", lines="Personal lines", years="75", goal="Not decided yet")
    error = page.locator("#years_experience-error")
    assert "Enter your years of experience, from 0 to 60." in error.inner_text()
    assert page.get_by_label("Years in insurance").input_value() == "75"
    assert page.get_by_label("Role").input_value() == "broker"
    assert page.get_by_label("Years in insurance").get_attribute("aria-invalid") == "true"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/result?role=agent&lines=personal&years_experience=4&goal=advance_to_leadership",
        "/result?role=agent&lines=personal&years_experience=99&completed_courses=CPCU+999",
        "/result?role=claims&lines=personal&years_experience=4&designations=API"
        "&start_date=2025-01-06",
    ],
    ids=["form", "result", "form-with-errors", "old-bookmark-api-holder"],
)
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_no_serious_or_critical_accessibility_violations(
    browser, base_url: str, axe, path: str, width: int
) -> None:
    # The site's CSP rightly refuses injected scripts: let axe-core in for the audit only.
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base_url + path)
    violations = axe(page)
    context.close()
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


@pytest.mark.parametrize(
    "path",
    ["/", "/result?role=claims&lines=both&years_experience=3&completed_courses=CPCU+500"],
    ids=["form", "result"],
)
def test_a_375px_phone_needs_no_sideways_scrolling(browser, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(base_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0


def test_the_form_works_with_the_keyboard_alone(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.get_by_label("Role").focus()
    page.keyboard.press("ArrowDown")  # the first role
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # lines: moves to and checks the second choice
    page.keyboard.press("Tab")
    page.keyboard.type("6")
    page.get_by_role("button", name="Show my recommendation").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/result?**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Recommended:")


def test_the_print_button_appears_with_scripts_and_the_page_prints_without_navigation(
    page, base_url: str
) -> None:
    page.goto(base_url + "/result?role=agent&lines=personal&years_experience=4")
    assert page.get_by_role("button", name="Print this plan").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    # Print gets the wide drawing whatever the screen was.
    assert page.locator("svg.timeline-wide").is_visible()
    assert not page.locator("svg.timeline-narrow").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_result_restates_the_answers_and_its_url_pins_the_start_date(
    page, base_url: str
) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Study hours a week").fill("1")
    page.get_by_role("checkbox", name="Early purchase", exact=False).check()
    fill_form(page, role="Claims", lines="Personal lines", years="1", goal="Not decided yet")
    today = date.today().isoformat()
    page.wait_for_url("**/result?**")
    assert parse_qs(urlparse(page.url).query)["start_date"] == [today]
    prepared = page.locator(".prepared-for").inner_text()
    assert prepared == (
        "Prepared for: claims, personal lines, 1 year of experience, no designations held, "
        f"goal: not decided yet, 1 hour of study a week, starting {today}, "
        "discounts: Early purchase."
    )
    # Reopened later (here: at once, in a new page), the URL still says the same start date.
    again = page.context.new_page()
    again.goto(page.url)
    assert f"starting {today}" in again.locator(".prepared-for").inner_text()
    again.close()


def test_a_start_date_in_the_past_is_refused_in_the_form(page, base_url: str) -> None:
    past = (date.today() - timedelta(days=3)).isoformat()
    page.goto(base_url + "/")
    page.get_by_label("Start date").fill(past)
    fill_form(page, role="Agent", lines="Personal lines", years="4", goal="Not decided yet")
    error = page.locator("#start_date-error").inner_text()
    assert f"The start date {past} has passed" in error
    assert page.get_by_role("alert").is_visible()


def test_an_old_bookmark_still_shows_its_plan_with_a_notice(page, base_url: str) -> None:
    query = urlencode(
        {"role": "agent", "lines": "personal", "years_experience": 4, "start_date": "2025-01-06"}
    )
    page.goto(f"{base_url}/result?{query}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Recommended:")
    assert "a date that has passed" in page.locator(".stale-notice").inner_text()
    page.get_by_role("link", name="Plan again from today").click()
    page.wait_for_url("**/result?**")
    assert parse_qs(urlparse(page.url).query)["start_date"] == [date.today().isoformat()]


# The rendered size of every visible text of the timeline, in CSS pixels: its font size
# times the drawing's scale (viewBox to screen).
RENDERED_TEXT_SIZES = """() => [...document.querySelectorAll('svg.timeline text')]
  .filter(t => t.getClientRects().length && getComputedStyle(t.closest('svg')).display !== 'none')
  .map(t => ({text: t.textContent,
              px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
              height: t.getBoundingClientRect().height}))"""


@pytest.mark.parametrize("width", [375, 700, 1280])
def test_the_timeline_text_is_at_least_12px_on_a_phone_and_a_desktop(
    browser, base_url: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(
        base_url + "/result?role=agent&lines=personal&years_experience=4"
        "&goal=advance_to_leadership&start_date=" + date.today().isoformat()
    )
    sizes = page.evaluate(RENDERED_TEXT_SIZES)
    drawn = page.evaluate(
        "[...document.querySelectorAll('svg.timeline')]"
        ".filter(s => getComputedStyle(s).display !== 'none')"
        ".map(s => s.classList[1])"
    )
    context.close()
    assert drawn == (["timeline-narrow"] if width < 704 else ["timeline-wide"])
    assert len(sizes) > 10
    small = [s for s in sizes if s["px"] < 12]
    assert small == [], small
    assert min(s["height"] for s in sizes) >= 12


def test_dates_never_wrap_on_a_phone(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(
        base_url + "/result?role=agent&lines=personal&years_experience=4"
        "&goal=advance_to_leadership&start_date=" + date.today().isoformat()
    )
    lines_per_date = page.evaluate(
        "[...document.querySelectorAll('time.date')].filter(t => t.getClientRects().length)"
        ".map(t => t.getClientRects().length)"
    )
    context.close()
    assert len(lines_per_date) > 20
    assert set(lines_per_date) == {1}


def test_the_team_table_stays_usable_on_a_phone(browser, base_url: str) -> None:
    roster = ROOT / "recommender" / "data" / "roster-template.csv"
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(base_url + "/team")
    page.get_by_label("Roster file").set_input_files(str(roster))
    page.get_by_role("button", name="Plan the team").click()
    table = page.locator(".people-table")
    table.wait_for()
    page.wait_for_load_state()  # its stylesheet applied: measured before, the table is unstyled
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0  # the page itself never scrolls sideways; the table's frame does
    frame = table.locator("xpath=..")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # wider than the phone: it scrolls
    frame.evaluate("f => f.scrollLeft = f.scrollWidth")
    assert frame.evaluate("f => f.scrollLeft") > 0
    name = page.locator(".people-table td.name").first
    box, frame_box = name.bounding_box(), frame.bounding_box()
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.people-table td')).fontSize)"
    )
    context.close()
    assert box and frame_box and box["x"] >= frame_box["x"] - 1  # the name stays in view
    assert box["x"] + box["width"] <= frame_box["x"] + frame_box["width"]
    assert size >= 12


def test_the_developer_docs_are_named_as_such_and_lead_back(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("link", name="For developers: JSON API").click()
    page.wait_for_url("**/api/docs")
    page.get_by_role("link", name="Back to career-path", exact=False).click()
    page.wait_for_url(base_url + "/")
    assert page.get_by_role("heading", level=1).is_visible()


MILESTONE_QUERY = (
    "role=agent&lines=personal&years_experience=4&goal=advance_to_leadership&start_date=2027-01-04"
)


def _combined_route_milestones() -> list[dict]:
    from recommender.extensions import current_recommender

    app = create_app({"RULES_DIR": DEFAULT_RULES_DIR})
    with app.app_context():
        recommender = current_recommender()
        profile = recommender.load_profile(dict(p.split("=") for p in MILESTONE_QUERY.split("&")))
        answer = recommender.recommend(profile)
    (combined,) = [r for r in answer["routes"] if r["route"] == "API_THEN_CPCU"]
    return combined["milestones"]


@pytest.mark.parametrize("width", [375, 1280])
def test_milestones_are_listed_and_marked_on_the_timeline(
    browser, base_url: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/result?" + MILESTONE_QUERY)
    items = page.locator("ul.milestones li").all_inner_texts()
    diamonds = page.locator("svg.timeline:visible path.milestone")
    count = diamonds.count()
    labels = page.locator("svg.timeline:visible text.milestone-label").all_text_contents()
    sizes = page.evaluate(RENDERED_TEXT_SIZES)
    context.close()
    api, cpcu = _combined_route_milestones()
    assert (api["designation"], cpcu["designation"]) == ("API", "CPCU")
    assert items[0].startswith(
        f"The API: after {api['after_course']}, in the testing window"
        f" {api['window_start']} to {api['window_end']}."
    )
    assert cpcu["note"] in items[1]
    assert count == 2 and labels == ["API", "CPCU"]
    assert min(s["px"] for s in sizes) >= 12
