"""Saved teams' use-cases, above the store: save a roster, change members, record progress, plan.

teams.py holds every change (the one writer of what a member was shown); plans.py works out a
saved team's plan afresh from its members and progress with the team planner.
"""

from .plans import SavedPlan, rules_change_data
from .teams import (
    acknowledge_rules,
    add_member,
    checked_member,
    create_from_roster,
    create_member_link,
    member_for_link,
    plan,
    record_progress,
    replace_member,
    revoke_member_link,
)

__all__ = [
    "SavedPlan",
    "acknowledge_rules",
    "add_member",
    "checked_member",
    "create_from_roster",
    "create_member_link",
    "member_for_link",
    "plan",
    "record_progress",
    "replace_member",
    "revoke_member_link",
    "rules_change_data",
]
