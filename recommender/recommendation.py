"""Put it together: profile -> rule engine (which rules fire) -> planner -> recommendation."""

from __future__ import annotations

import functools
import weakref
import zlib
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from .answers import BoundedCache, EngineAnswers
from .changes import UNKNOWN, RulebookRoutes, changes_worth_trying, what_would_change
from .engine import RuleEngine
from .errors import EngineError
from .planner import (
    Profile,
    RoutePlan,
    copy_cost,
    copy_credit_answers,
    credit_answers,
    estimate_cost,
    exam_schedule,
    milestones,
    plan_months,
    plan_routes,
)
from .rulebook import (
    RULESET_NAME,
    Rule,
    Rulebook,
    compile_ruleset,
    load_rulebook,
)
from .schemas import JsonProfileSchema, ProfileSchema, load_profile
from .summary import (
    also_consider,
    crediting,
    fact_verified,
    route_warnings,
    summary,
    to_confirm,
)
from .vocabulary import ROUTE_NAMES, ROUTES
from .wording import (
    TO_CONFIRM,
    fill,
    plan_values,
    route_status,
)

# How many answers each cache keeps, about 2 MB at most apiece: an engine answer per rule
# fact and years band takes about 1.5 KB, a what_would_change list about 1 KB, the three
# route plans of a person's credits about 2 KB, a route's exam dates, months and costs 4 KB.
ENGINE_CACHE_SIZE = 1024
CHANGES_CACHE_SIZE = 1024
PLANS_CACHE_SIZE = 512
SCHEDULE_CACHE_SIZE = 512
# Whole answers encoded as JSON and compressed, about 2 KB each (10 KB before compression;
# uncompressed, 160 took 2-3 MB of a worker's RSS in bench/soak.py, measured).
ENCODED_CACHE_SIZE = 160
# An answer is encoded and kept on its profile's second sighting among this many (hashes).
ENCODED_SEEN_SIZE = 512


class Recommender:
    """Recommend a route for a profile; one per app, safe to share between threads."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook
        self.catalog = rulebook.catalog
        # One schema for every load: building one per call costs more than the validation.
        self._profile_schema = ProfileSchema(self.catalog)
        self._json_profile_schema = JsonProfileSchema(self.catalog)
        self._rulebook_routes = RulebookRoutes(rulebook.decision_rules)
        self._deciding_designations = sorted(
            {c for r in rulebook.decision_rules for c in (*r.when.holds, *r.when.not_holds)}
        )
        self.engine = RuleEngine(
            RULESET_NAME, compile_ruleset(rulebook), [r.id for r in rulebook.rules]
        )
        # The engine's answers, kept per rule fact and years band (every fact in a band
        # fires the same rules): durable_rules still decides every distinct band.
        self.answers = EngineAnswers(self.engine, rulebook, ENGINE_CACHE_SIZE)
        self._thresholds = self.answers.thresholds
        # Answers kept by their inputs, bounded as inputs are countless.
        # The caches call back through a weak proxy: bound methods would make a reference
        # cycle, and a recommender in one is freed (its engine with it) only when the garbage
        # collector runs, which can be inside another engine's call, holding the engine lock.
        me = weakref.proxy(self)
        # The planning was most of explain(), and is the same for everyone with the same
        # credits, pace, start (nearly always today) and discounts.
        self._route_plans = functools.lru_cache(maxsize=PLANS_CACHE_SIZE)(
            functools.partial(Recommender._plan_routes, me)
        )
        self._dates_and_costs = functools.lru_cache(maxsize=SCHEDULE_CACHE_SIZE)(
            functools.partial(Recommender._plan_dates_and_costs, me)
        )
        # The credits and their alternatives: the same for everyone with the same credit
        # inputs, pace, start and discounts (half of explain() when worked out each time).
        self._kept_credits = functools.lru_cache(maxsize=PLANS_CACHE_SIZE)(
            functools.partial(Recommender._credits_of, me)
        )
        # what_would_change tries up to eight changed profiles, each still a new Profile, a
        # fact and a look-up when the engine's answer is kept: the whole list is kept too,
        # per years band (the changes of years it tries are the thresholds ahead).
        self._changes: BoundedCache[
            tuple[Any, ...], tuple[tuple[str, ...], tuple[dict[str, Any], ...]]
        ] = BoundedCache(CHANGES_CACHE_SIZE)
        # recommend()'s answer as JSON per profile and day (the answer's start when the
        # profile has none): assembling and encoding a warm answer was most of a request's
        # own cost, and the engine decided the answer when it was first worked out.
        self._encoded: BoundedCache[tuple[Profile, date], bytes] = BoundedCache(ENCODED_CACHE_SIZE)
        # Only a profile seen again lately gets one: one-off profiles (a long tail of distinct
        # people) neither take the memory nor push out the answers that repeat.
        self._seen: BoundedCache[int, bool] = BoundedCache(ENCODED_SEEN_SIZE)

    @classmethod
    def from_dir(cls, rules_dir: Path | str) -> Recommender:
        """Load and validate the rules in `rules_dir` and build a recommender on them."""
        return cls(load_rulebook(rules_dir))

    def load_profile(self, data: Any) -> Profile:
        """Validate raw profile data against this catalog (ProfileError if invalid)."""
        return load_profile(data, self._profile_schema)

    def load_json_profile(self, data: Any) -> Profile:
        """Validate a profile sent as JSON: as load_profile, but numbers must be JSON numbers."""
        return load_profile(data, self._json_profile_schema)

    def fired_rules(self, profile: Profile) -> list[str]:
        """Run the rules for a profile; return the ids of the rules that fired, in order."""
        return list(self.answers.fired(profile))

    def decide(self, profile: Profile) -> str | None:
        """Only the recommended route for a profile (the decision rules alone)."""
        return self.decide_all([profile])[0]

    def decide_all(self, profiles: list[Profile]) -> list[str | None]:
        """The recommended route of each profile; the engine runs the missing ones at once."""
        rule = self.rulebook.rule
        return [rule(fired[0]).recommend for fired in self.answers.decisions(profiles)]

    def clear_cache(self) -> None:
        """Forget every answer kept so far (engine runs, changes, plans): work each out afresh."""
        self.answers.clear()
        self._changes.clear()
        self._encoded.clear()
        self._seen.clear()
        self._route_plans.cache_clear()
        self._kept_credits.cache_clear()
        self._dates_and_costs.cache_clear()

    def _plan_routes(self, profile: Profile) -> Mapping[str, RoutePlan]:
        # Read-only, as every caller shares it (RoutePlans are frozen).
        return MappingProxyType(plan_routes(profile, self.catalog))

    def _plans_of(self, profile: Profile) -> Mapping[str, RoutePlan]:
        """The three route plans of a profile, kept per what plan_routes reads of it."""
        return self._route_plans(self._plan_key(profile))

    @staticmethod
    def _plan_key(profile: Profile) -> Profile:
        # Every field that plan_routes reads: a field it comes to read must join them.
        return Profile(
            "",
            profile.lines,
            0,
            profile.designations,
            profile.completed_courses,
            api_path=profile.api_path,
            cpcu_concentration=profile.cpcu_concentration,
            cpcu_elective=profile.cpcu_elective,
        )

    def _plan_dates_and_costs(
        self, codes: tuple[str, ...], hours_per_week: float, start: date, discounts: tuple[str, ...]
    ) -> tuple[tuple[dict[str, Any], ...], dict[str, int], dict[str, Any]]:
        remaining = list(codes)
        schedule = exam_schedule(remaining, self.catalog, hours_per_week, start)
        return (
            tuple(schedule),
            # Every time figure a person reads comes from the dated plan (docs/policy.md,
            # "One clock"): the windows, the per-window limit and course access are in it.
            plan_months(schedule, start),
            # Prices from the rules that apply: no early purchase in a window already open.
            estimate_cost(remaining, self.catalog, discounts, schedule, start),
        )

    def _changes_key(self, profile: Profile) -> tuple[Any, ...]:
        # Every field that what_would_change reads, directly or through the rules (the
        # engine fact), with years as their band: a field it comes to read must join them.
        years = self.answers.band_years(profile.years_experience)
        return (profile.role, profile.lines, years, profile.designations, profile.goal)

    def _fired_and_changes(self, profile: Profile) -> tuple[list[str], tuple[dict[str, Any], ...]]:
        """The rules fired for a profile and its what-would-change list, in one engine session.

        The changed profiles that the rulebook's conditions say may move the route are
        decided with the profile itself; the engine decides every change kept.
        """
        key = self._changes_key(profile)
        kept = self._changes.get(key)
        if kept is not None:
            fired_kept, changes_kept = kept
            return list(fired_kept), changes_kept
        role, lines, years, designations, goal = key
        base = Profile(role, lines, years, designations=designations, goal=goal)
        read = self._rulebook_routes.route
        guess = read(base)
        candidates = changes_worth_trying(
            base, guess, self._thresholds, self._deciding_designations
        )
        likely = [c for c in candidates if read(c[2]) != guess]
        fired = list(self.answers.fired(profile, also=[changed for _, _, changed, _ in likely]))
        route = self.decision(fired).recommend
        if guess == UNKNOWN or guess != route:
            # The rulebook was misread: try every change with the engine.
            likely = changes_worth_trying(
                base, route, self._thresholds, self._deciding_designations
            )
        changes = tuple(what_would_change(route, likely, self.decide_all))
        # The key holds every input of the rule fact too: the fired rules are kept with it.
        self._changes.put(key, (tuple(fired), changes))
        return fired, changes

    def recommend(self, profile: Profile) -> dict[str, Any]:
        """Recommend a route for one profile: the recommendation object of docs/api.md."""
        fired, kept = self._fired_and_changes(profile)
        answer = self.explain(profile, fired)
        changes = [dict(change) for change in kept]  # copies: the answer is the caller's
        # In RecommendationSchema's order: the API sends this dict as it is, without a dump.
        version, echo = answer.pop("rules_version"), answer.pop("profile")
        answer.update(what_would_change=changes, rules_version=version, profile=echo)
        return answer

    def recommend_json(self, profile: Profile) -> bytes:
        """recommend()'s answer encoded as JSON (UTF-8), kept per distinct profile and day."""
        key = (profile, profile.start_date or date.today())
        kept = self._encoded.get(key)
        if kept is not None:
            return zlib.decompress(kept)  # 7 us for a 10 KB answer
        # orjson: its 10 KB in a ninth of the standard library's time.
        encoded = orjson.dumps(self.recommend(profile))
        # A hash collision only lets an answer in early: the answers are kept by key.
        if self._seen.get(hash(key)):
            self._encoded.put(key, zlib.compress(encoded, 1))
        else:
            self._seen.put(hash(key), True)
        return encoded

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
        plans = self._plans_of(profile)
        return plans[route] if route else None

    def explain(self, profile: Profile, fired: list[str]) -> dict[str, Any]:
        """Build the recommendation for a profile from the rules that fired for it."""
        rules = [self.rulebook.rule(rule_id) for rule_id in fired]
        decision = self.decision(fired)
        plans = self._plans_of(profile)
        start = profile.start_date or date.today()
        kept = self._kept_credits(
            self._plan_key(profile), profile.hours_per_week, start, profile.discounts
        )
        credits = copy_credit_answers(kept)  # each answer is its caller's
        routes = [
            self._route(plans[route], decision, rules, profile, start, credits[route])
            for route in ROUTES
        ]
        suggested = also_consider(rules, profile, self.catalog)
        for route in routes:
            # The words a route's badge takes: never "completed by" a route that does not fit.
            route["status"], route["status_note"] = route_status(
                route, profile.designations, decision.recommend, routes
            )
        return {
            "recommended_route": decision.recommend,
            "summary": summary(
                decision, routes, profile, rules, suggested, crediting(profile, self.catalog)
            ),
            "routes": routes,
            "also_consider": suggested,
            "facts_to_confirm": [
                {"id": f.id, "text": f.text, "source": f.source}
                for f in self.catalog.facts
                if not f.verified
            ],
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

    def _credits_of(
        self, profile: Profile, hours_per_week: float, start: date, discounts: tuple[str, ...]
    ) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        # `profile`: the plan key (_plan_key); the alternatives' months at this pace and start.
        return credit_answers(
            profile,
            self.catalog,
            self._plans_of,
            lambda codes: self._dates_and_costs(codes, hours_per_week, start, discounts)[1],
        )

    def _route(
        self,
        plan: RoutePlan,
        decision: Rule,
        rules: list[Rule],
        profile: Profile,
        start: date,
        credits: tuple[list[dict[str, Any]], list[dict[str, Any]]],
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
        codes = [s.code for s in plan.remaining]
        kept_schedule, kept_months, kept_cost = self._dates_and_costs(
            tuple(codes), profile.hours_per_week, start, profile.discounts
        )
        # Copies of what is kept, which every caller shares: each answer is its caller's.
        schedule = [dict(exam) for exam in kept_schedule]
        answer: dict[str, Any] = {
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
            "warnings": route_warnings(
                [r for r in rules if r.kind == "warn" and plan.route in r.warn_routes],
                schedule,
                profile.hours_per_week,
                self.catalog,
            ),
            "to_confirm": to_confirm(remaining, credits[0]),
            "exam_schedule": schedule,
            "estimated_cost": copy_cost(kept_cost),
            "milestones": milestones(plan, schedule, self.catalog, profile.designations, start),
            "credits": credits[0],
            "credit_alternatives": credits[1],
        }
        # The reason's words of time are this route's dated plan (docs/policy.md, "One clock"),
        # and its credit what the plan credits.
        values = plan_values(answer, profile.hours_per_week, crediting(profile, self.catalog))
        text = fill(verdict.reason, values)
        answer["reasons"] = [
            {
                "rule": decision.id,
                "text": text,
                # To confirm while a fact it states, or a credit it names, is unconfirmed.
                "verified": all(fact_verified(self.catalog, f) for f in verdict.facts)
                and TO_CONFIRM not in text,
            }
        ]
        return answer
