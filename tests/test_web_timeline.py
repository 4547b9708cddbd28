"""The timeline picture: courses laid end to end at the study pace."""

from __future__ import annotations

import re

from recommender.planner import course_schedule
from recommender.recommendation import Recommender
from recommender.web.timeline import timeline_svg


def test_courses_are_laid_end_to_end_and_a_faster_pace_is_shorter(recommender: Recommender) -> None:
    codes = ["API 29", "CPCU 555", "ETH 311"]
    slow = course_schedule(codes, recommender.catalog, 4)
    assert [c for c, _, _ in slow] == codes
    assert slow[0][1] == 0 and slow[0][2] == slow[1][1] and slow[1][2] == slow[2][1]
    # 85 study hours (the middle of 70-100) at 4 h/week and 4.33 weeks a month.
    assert abs(slow[0][2] - 85 / (4 * 4.33)) < 1e-9
    fast = course_schedule(codes, recommender.catalog, 8)
    assert fast[-1][2] < slow[-1][2]


def test_the_svg_has_a_bar_and_a_label_per_course_and_an_accessible_name(
    recommender: Recommender,
) -> None:
    svg = str(timeline_svg(["API 29", "CPCU 555", "ETH 311"], recommender.catalog, 4, "Plan <3>"))
    assert svg.count("<rect") == 3
    assert re.findall(r'class="code"[^>]*>([^<]+)<', svg) == ["API 29", "CPCU 555", "ETH 311"]
    assert 'role="img"' in svg and "Plan &lt;3&gt;" in svg
    assert "style=" not in svg


def test_no_courses_draw_nothing(recommender: Recommender) -> None:
    assert str(timeline_svg([], recommender.catalog, 4, "x")) == ""


def test_exam_windows_are_drawn_as_brackets_on_the_course_rows(recommender: Recommender) -> None:
    from datetime import date

    from recommender.planner import exam_schedule

    codes = ["API 29", "CPCU 555"]
    exams = exam_schedule(codes, recommender.catalog, 4, date(2026, 11, 1))
    svg = str(
        timeline_svg(codes, recommender.catalog, 4, "t", exams=exams, start=date(2026, 11, 1))
    )
    assert svg.count('class="window"') == 2
    assert "exam window 2027-04-15 to 2027-06-15" in svg
