"""Put it together: profile -> rule engine (which rules fire) -> planner -> recommendation."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .changes import what_would_change
from .engine import RuleEngine
from .errors import EngineError, UnmatchedEventError
from .planner import (
    Profile,
    RoutePlan,
    estimate_cost,
    estimate_months,
    exam_schedule,
    milestones,
    plan_routes,
)
from .rulebook import (
    ADVISE,
    DECIDE,
    RULESET_NAME,
    Rule,
    Rulebook,
    compile_ruleset,
    load_rulebook,
    profile_fact,
)
from .schemas import ProfileSchema, load_profile
from .vocabulary import ROUTE_NAMES, ROUTES

# How many answers each cache keeps, about 2 MB at most apiece: an engine answer per rule
# fact takes about 1.5 KB, a what_would_change list about 1 KB, the three route plans of a
# person's credits about 2 KB, a route's exam dates, months and costs about 4 KB.
ENGINE_CACHE_SIZE = 1024
CHANGES_CACHE_SIZE = 1024
PLANS_CACHE_SIZE = 512
SCHEDULE_CACHE_SIZE = 512


class Recommender:
    """Recommend a route for a profile; one per app, safe to share between threads."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        self.catalog = rulebook.catalog
        # One schema for every load: building one per call costs more than the validation.
        self._profile_schema = ProfileSchema(self.catalog)
        self._thresholds = rulebook.thresholds()
        self._deciding_designations = sorted(
            {c for r in rulebook.decision_rules for c in (*r.when.holds, *r.when.not_holds)}
        )
        self.engine = RuleEngine(
            RULESET_NAME, compile_ruleset(rulebook), [r.id for r in rulebook.rules]
        )
        # Answers kept by their inputs, bounded as years make inputs countless. durable_rules
        # still decides every distinct fact; the same fact always fires the same rules.
        # The caches call back through a weak proxy: bound methods would make a reference
        # cycle, and a recommender in one is freed (its engine with it) only when the garbage
        # collector runs, which can be inside another engine's call, holding the engine lock.
        me = weakref.proxy(self)
        self._run_rules = functools.lru_cache(maxsize=ENGINE_CACHE_SIZE)(
            functools.partial(Recommender._run_engine, me)
        )
        # The planning was most of explain(), and is the same for everyone with the same
        # credits, pace, start (nearly always today) and discounts.
        self._route_plans = functools.lru_cache(maxsize=PLANS_CACHE_SIZE)(
            functools.partial(Recommender._plan_routes, me)
        )
        self._dates_and_costs = functools.lru_cache(maxsize=SCHEDULE_CACHE_SIZE)(
            functools.partial(Recommender._plan_dates_and_costs, me)
        )
        # what_would_change tries about eight changed profiles, each still a new Profile, a
        # fact and a look-up when the engine's answer is kept: the whole list is kept too.
        self._changes = functools.lru_cache(maxsize=CHANGES_CACHE_SIZE)(
            functools.partial(Recommender._what_would_change, me)
        )

    @classmethod
    def from_dir(cls, rules_dir: Path | str) -> Recommender:
        """Load and validate the rules in `rules_dir` and build a recommender on them."""
        return cls(load_rulebook(rules_dir))

    def load_profile(self, data: Any) -> Profile:
        """Validate raw profile data against this catalog (ProfileError if invalid)."""
        return load_profile(data, self._profile_schema)

    def fired_rules(self, profile: Profile) -> list[str]:
        """Run the rules for a profile; return the ids of the rules that fired, in order."""
        fact = tuple(profile_fact(profile, self.catalog).items())
        try:
            return list(self._run_rules(fact, True))
        except UnmatchedEventError:
            raise EngineError(
                "no decision rule matches this profile: the rules have a gap"
            ) from None

    def decide(self, profile: Profile) -> str | None:
        """Only the recommended route for a profile (the decision rules alone)."""
        fact = tuple(profile_fact(profile, self.catalog).items())
        try:
            fired = self._run_rules(fact, False)
        except UnmatchedEventError:
            raise EngineError("no decision rule matches this profile") from None
        return self.rulebook.rule(fired[0]).recommend

    def clear_cache(self) -> None:
        """Forget every answer kept so far (engine runs, changes, plans): work each out afresh."""
        self._run_rules.cache_clear()
        self._changes.cache_clear()
        self._route_plans.cache_clear()
        self._dates_and_costs.cache_clear()

    def _run_engine(self, fact_items: tuple[tuple[str, Any], ...], advise: bool) -> tuple[str, ...]:
        fact = dict(fact_items)
        advice = {**fact, "kind": ADVISE} if advise else None
        # A tuple: the cache hands the same answer to every caller, who must not change it.
        return tuple(self.engine.evaluate({**fact, "kind": DECIDE}, advice))

    def _plan_routes(
        self, lines: str, designations: tuple[str, ...], completed_courses: tuple[str, ...]
    ) -> Mapping[str, RoutePlan]:
        # Its arguments are every field that plan_routes reads: a field it comes to read must
        # join them. Read-only, as every caller shares it (RoutePlans are frozen).
        profile = Profile("", lines, 0, designations, completed_courses)
        return MappingProxyType(plan_routes(profile, self.catalog))

    def _plan_dates_and_costs(
        self, codes: tuple[str, ...], hours_per_week: float, start: date, discounts: tuple[str, ...]
    ) -> tuple[tuple[dict[str, Any], ...], dict[str, int], dict[str, Any]]:
        remaining = list(codes)
        return (
            tuple(exam_schedule(remaining, self.catalog, hours_per_week, start)),
            estimate_months(remaining, self.catalog, hours_per_week),
            estimate_cost(remaining, self.catalog, discounts),
        )

    def _what_would_change(
        self, role: str, lines: str, years: float, designations: tuple[str, ...], goal: str
    ) -> tuple[dict[str, Any], ...]:
        # Its arguments are every field that what_would_change reads, directly or through the
        # rules (the engine fact): a field it comes to read must join them.
        profile = Profile(role, lines, years, designations=designations, goal=goal)
        return tuple(
            what_would_change(
                profile,
                self.decide(profile),
                self.decide,
                self._thresholds,
                self._deciding_designations,
            )
        )

    def recommend(self, profile: Profile) -> dict[str, Any]:
        """Recommend a route for one profile: the CONTRACT.md recommendation object."""
        answer = self.explain(profile, self.fired_rules(profile))
        kept = self._changes(
            profile.role,
            profile.lines,
            profile.years_experience,
            profile.designations,
            profile.goal,
        )
        changes = [dict(change) for change in kept]  # copies: the answer is the caller's
        # In RecommendationSchema's order: the API sends this dict as it is, without a dump.
        version, echo = answer.pop("rules_version"), answer.pop("profile")
        answer.update(what_would_change=changes, rules_version=version, profile=echo)
        return answer

    def decision(self, fired: list[str]) -> Rule:
        """The one decision rule among the rules that fired (EngineError if not exactly one)."""
        decisions = [
            self.rulebook.rule(r) for r in fired if self.rulebook.rule(r).kind == "decision"
        ]
        if len(decisions) != 1:
            raise EngineError(
                f"expected one decision rule to fire, got {[r.id for r in decisions]}"
            )
        return decisions[0]

    def chosen_plan(self, profile: Profile, fired: list[str]) -> RoutePlan | None:
        """Only the recommended route's course plan (None when no route is recommended).

        What a team plan needs of each person, without the rest of explain()'s answer.
        """
        route = self.decision(fired).recommend
        plans = self._route_plans(profile.lines, profile.designations, profile.completed_courses)
        return plans[route] if route else None

    def explain(self, profile: Profile, fired: list[str]) -> dict[str, Any]:
        """Build the recommendation for a profile from the rules that fired for it."""
        rules = [self.rulebook.rule(rule_id) for rule_id in fired]
        decision = self.decision(fired)
        plans = self._route_plans(profile.lines, profile.designations, profile.completed_courses)
        start = profile.start_date or date.today()
        routes = [self._route(plans[route], decision, rules, profile, start) for route in ROUTES]
        also_consider = self._also_consider(rules, profile)
        return {
            "recommended_route": decision.recommend,
            "summary": self._summary(decision, routes, profile, rules, also_consider),
            "routes": routes,
            "also_consider": also_consider,
            "fired_rules": fired,
            "rules_version": self.rulebook.version,
            "profile": {
                # Not dataclasses.asdict: it deep-copies every field, for a flat dataclass.
                **{field.name: getattr(profile, field.name) for field in fields(profile)},
                # Numbers as ProfileEchoSchema sends them (the default of 4 hours is an int).
                "years_experience": float(profile.years_experience),
                "hours_per_week": float(profile.hours_per_week),
                "designations": list(profile.designations),
                "completed_courses": list(profile.completed_courses),
                "discounts": list(profile.discounts),
                "start_date": start.isoformat(),
            },
        }

    def _route(
        self, plan: RoutePlan, decision: Rule, rules: list[Rule], profile: Profile, start: date
    ) -> dict[str, Any]:
        courses = self.catalog.courses
        verdict = decision.routes[plan.route]
        remaining: list[dict[str, Any]] = [
            {
                "code": step.code,
                "title": courses[step.code].title,
                "requirement": step.requirement,
                "counts_toward": list(courses[step.code].counts_toward),
                "verified": courses[step.code].verified,
            }
            for step in plan.remaining
        ]
        unverified = [item["code"] for item in remaining if not item["verified"]]
        codes = [s.code for s in plan.remaining]
        kept_schedule, kept_months, kept_cost = self._dates_and_costs(
            tuple(codes), profile.hours_per_week, start, profile.discounts
        )
        # Copies of what is kept, which every caller shares: each answer is its caller's.
        schedule = [dict(exam) for exam in kept_schedule]
        cost = {
            **kept_cost,
            "discounts": list(kept_cost["discounts"]),
            "items": [dict(item) for item in kept_cost["items"]],
        }
        late = [e["code"] for e in schedule if not e["access_ok"]]
        warnings = [
            {"rule": r.id, "text": r.warn, "verified": self._fact_verified(r.fact)}
            for r in rules
            if r.kind == "warn" and plan.route in r.warn_routes
        ]
        if late:
            months = self.catalog.exams.access_months
            warnings.append(
                {
                    "rule": None,
                    "text": f"At {profile.hours_per_week:g} hours a week, course access "
                    f"({months} months) ends before you can sit the exam of {', '.join(late)}: "
                    "study more each week or plan to renew access.",
                    "verified": self.catalog.exams.verified,
                }
            )
        return {
            "route": plan.route,
            "name": ROUTE_NAMES[plan.route],
            "fit": verdict.fit,
            "folded_into": verdict.folded_into,
            "reasons": [{"rule": decision.id, "text": verdict.reason}],
            "api_path": plan.api_path,
            "concentration": plan.concentration,
            "credited_courses": list(plan.credited_codes),
            "remaining_courses": remaining,
            "estimated_months": dict(kept_months),
            "warnings": warnings,
            "to_confirm": (
                [
                    "Course codes and titles to confirm with The Institutes: "
                    + ", ".join(unverified)
                    + "."
                ]
                if unverified
                else []
            ),
            "exam_schedule": schedule,
            "estimated_cost": cost,
            "milestones": milestones(plan, schedule, self.catalog, profile.designations),
        }

    def _fact_verified(self, fact_id: str | None) -> bool:
        """Whether the catalog fact a warning states is verified (a warning of no fact is)."""
        return fact_id is None or next(f.verified for f in self.catalog.facts if f.id == fact_id)

    def _also_consider(self, rules: list[Rule], profile: Profile) -> list[dict[str, Any]]:
        held = set(profile.designations)
        out: list[dict[str, Any]] = []
        for rule in rules:
            for code in rule.suggest:
                if code in held or any(item["designation"] == code for item in out):
                    continue
                designation = self.catalog.designations[code]
                out.append(
                    {
                        "designation": code,
                        "name": designation.name,
                        "reason": rule.reason,
                        "rule": rule.id,
                        "verified": designation.verified,
                    }
                )
        return out

    @staticmethod
    def _summary(
        decision: Rule,
        routes: list[dict[str, Any]],
        profile: Profile,
        rules: list[Rule],
        also_consider: list[dict[str, Any]],
    ) -> str:
        summary = Recommender._route_summary(decision, routes, profile)
        note = decision.goal_notes.get(profile.goal)
        if not note:
            return summary
        # The deciding rule set the person's goal aside: say so, and name the quickest
        # credential that fits from also-consider (docs/policy.md, "A stated goal").
        shown = {item["designation"] for item in also_consider}
        quickest = next(
            (
                r.if_goal_set_aside
                for r in rules
                if r.if_goal_set_aside and any(code in shown for code in r.suggest)
            ),
            None,
        )
        return " ".join(part for part in (summary, note, quickest) if part)

    @staticmethod
    def _route_summary(decision: Rule, routes: list[dict[str, Any]], profile: Profile) -> str:
        if decision.summary:
            return decision.summary
        if decision.recommend is None:
            reasons = " ".join(dict.fromkeys(r["reasons"][0]["text"] for r in routes))
            return f"No new route is recommended. {reasons}"
        route = next(r for r in routes if r["route"] == decision.recommend)
        count = len(route["remaining_courses"])
        months = route["estimated_months"]
        hours = f"{profile.hours_per_week:g}"
        plan = (
            f"{count} course{'s' if count != 1 else ''} to go, about {months['low']} to "
            f"{months['high']} months at {hours} hours a week."
            if count
            else "No courses are left to take."
        )
        return f"We recommend {route['name']}. {plan}"
