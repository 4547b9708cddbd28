"""Saved teams' use-cases, above the store: save a roster, change members, record progress, plan.

teams.py holds every change (the one writer of what a member was shown); plans.py plans each
member and keeps the plan (the one writer of kept plans), re-planning stale ones; sums.py sums
a team's kept plans (summary, schedule, budget; cohorts aligned if the team aligns them) and
keeps the sums while they cannot change; shown.py reads a team as shown from the kept plans: a
page of members with the team's sums, the whole plan, a rules change.
"""

from .plans import refresh, replan_members, stale_members
from .shown import (
    MAX_PER_PAGE,
    PER_PAGE,
    PageQuery,
    SavedPlan,
    member_plan,
    progress_entry,
    team_page,
    whole_plan,
)
from .teams import (
    acknowledge_rules,
    add_member,
    checked_member,
    create_client,
    create_from_roster,
    create_member_link,
    is_client,
    member_for_link,
    plan,
    record_progress,
    remove_progress,
    replace_member,
    revoke_member_link,
)

__all__ = [
    "MAX_PER_PAGE",
    "PER_PAGE",
    "PageQuery",
    "SavedPlan",
    "acknowledge_rules",
    "add_member",
    "checked_member",
    "create_client",
    "create_from_roster",
    "create_member_link",
    "is_client",
    "member_for_link",
    "member_plan",
    "plan",
    "progress_entry",
    "record_progress",
    "refresh",
    "remove_progress",
    "replace_member",
    "replan_members",
    "revoke_member_link",
    "stale_members",
    "team_page",
    "whole_plan",
]
