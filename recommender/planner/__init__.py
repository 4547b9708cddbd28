"""Course plans, credits, dates, costs and retakes: pure functions of a profile and the catalog.

`profile` holds the data (Profile, Step, RoutePlan), `credits` what held designations and
passed courses credit, `routes` the three routes' plans, `dates` the dated plan (windows, exam
dates, milestones, the one clock's months), `costs` the exam fees and discounts, `retakes` a
failed exam's next sitting. Import from here: `from recommender.planner import plan_routes`.
"""

from ..vocabulary import ROUTE_DESIGNATIONS
from .costs import (
    OPEN_WINDOW_NOTE,
    before_window_only,
    best_discount,
    best_option,
    copy_cost,
    discount_options,
    estimate_cost,
    open_windows_at,
)
from .credits import (
    PASSED,
    Alternative,
    Credit,
    alternatives,
    concentration_for,
    copy_credit_answers,
    cpcu_concentration,
    credit_answers,
    credit_items,
    credit_sources,
    credited_courses,
    held_api_path,
    held_cpcu,
    held_cpcu_concentration,
)
from .dates import (
    DAYS_PER_MONTH,
    WEEKS_PER_MONTH,
    add_months,
    course_schedule,
    earliest_sitting,
    estimate_months,
    exam_schedule,
    exam_windows,
    milestones,
    months_between,
    next_business_day,
    plan_months,
)
from .profile import REQUIREMENTS, Profile, RoutePlan, Step
from .retakes import ATTEMPT_RESULTS, Attempt, plan_retake, plan_retakes, retake_count
from .routes import choose_api_path, plan_routes

__all__ = [
    "ATTEMPT_RESULTS",
    "DAYS_PER_MONTH",
    "OPEN_WINDOW_NOTE",
    "PASSED",
    "REQUIREMENTS",
    "ROUTE_DESIGNATIONS",
    "WEEKS_PER_MONTH",
    "Alternative",
    "Attempt",
    "Credit",
    "Profile",
    "RoutePlan",
    "Step",
    "add_months",
    "alternatives",
    "before_window_only",
    "best_discount",
    "best_option",
    "choose_api_path",
    "concentration_for",
    "copy_cost",
    "copy_credit_answers",
    "credit_answers",
    "course_schedule",
    "cpcu_concentration",
    "credit_items",
    "credit_sources",
    "credited_courses",
    "discount_options",
    "earliest_sitting",
    "estimate_cost",
    "estimate_months",
    "exam_schedule",
    "exam_windows",
    "held_api_path",
    "held_cpcu",
    "held_cpcu_concentration",
    "milestones",
    "months_between",
    "next_business_day",
    "open_windows_at",
    "plan_months",
    "plan_retake",
    "plan_retakes",
    "plan_routes",
    "retake_count",
]
