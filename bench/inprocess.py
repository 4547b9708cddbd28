"""Microseconds per recommendation in process, next to a plain-Python floor (not a test).

Run from a clean clone: bin/setup && .venv/bin/python bench/inprocess.py [ROUNDS]

Times each call over the same 1,000 mixed profiles (bench/_common.mixed_profiles):
- recommendation: Recommender.recommend, the full answer (rules, plans, what would change),
  first with the recommender's kept answers (engine runs, exam dates, changes) warm from
  earlier calls, then fresh: every kept answer forgotten before each call (not timed), so
  each call runs the engine (one session) for its profile and the changed profiles it tries;
- engine only: Recommender.fired_rules, fresh: one durable_rules session (decide + advise);
- floor: `floor_route` below, the decision table of docs/policy.md by hand, the route only.
Each profile runs once to warm up, then ROUNDS (default 3) times per figure. A time per call
includes reading the clock (well under 0.1 us), which is most of the floor's.
Target: a recommendation's median at most 500 us (fresh, the worst case).
"""

from __future__ import annotations

import statistics
import sys

from _common import ROOT, microseconds, mixed_profiles, p99

from recommender.planner import Profile
from recommender.recommendation import Recommender

TARGET_MEDIAN_US = 500.0
PROFILES = 1000


def floor_route(p: Profile) -> str | None:
    """docs/policy.md's decision table by hand: the first matching row's route (a floor)."""
    api, cpcu = "API" in p.designations, "CPCU" in p.designations
    years, goal = p.years_experience, p.goal
    if api and cpcu:
        return None
    if cpcu:
        return None if p.lines == "commercial" else "API"
    if api or p.lines == "commercial":
        return "CPCU"
    if goal in ("quick_credential", "master_personal_lines"):
        return "API"
    if goal == "advance_to_leadership":
        return "API_THEN_CPCU" if years < 10 else "CPCU"
    if years < 3:
        return "API"
    return "API_THEN_CPCU" if years < 10 else "CPCU"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    recommender = Recommender.from_dir(ROOT / "rules")
    profiles = [recommender.load_profile(p) for p in mixed_profiles(PROFILES)]
    # The floor is only a floor if it answers what the rules answer.
    disagree = sum(floor_route(p) != recommender.decide(p) for p in profiles)
    for profile in profiles:  # warm-up: imports, first allocations, caches
        recommender.recommend(profile)

    forget = recommender.clear_cache
    figures = [
        (
            "recommendation, kept answers warm",
            microseconds(recommender.recommend, profiles * rounds),
        ),
        ("recommendation, fresh", microseconds(recommender.recommend, profiles * rounds, forget)),
        (
            "engine only (fired_rules), fresh",
            microseconds(recommender.fired_rules, profiles * rounds, forget),
        ),
        ("floor (route by hand, floor_route)", microseconds(floor_route, profiles * rounds)),
    ]
    floor = statistics.median(figures[-1][1])
    print(f"{PROFILES:,} mixed profiles x {rounds} rounds, microseconds per call")
    print(f"{'':40} {'median':>9} {'p99':>9} {'x floor':>9}")
    for name, samples in figures:
        median = statistics.median(samples)
        print(f"{name:40} {median:>9.1f} {p99(samples):>9.1f} {median / floor:>9,.0f}")
    median = statistics.median(figures[1][1])  # fresh: the worst case
    verdict = "met" if median <= TARGET_MEDIAN_US else "MISSED"
    print(
        f"recommendation median, fresh: {median:.0f} us (target <= {TARGET_MEDIAN_US:.0f} us: "
        f"{verdict}); the floor and the rules disagree on {disagree} of {len(profiles):,} routes"
    )
    sys.exit(0 if median <= TARGET_MEDIAN_US and not disagree else 1)


if __name__ == "__main__":
    main()
