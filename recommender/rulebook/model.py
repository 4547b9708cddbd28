"""The rulebook as frozen dataclasses: rules, their conditions and verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Catalog

RULESET_NAME = "career_path"
DECIDE = "decide"  # posted as an event: consumed by the first matching decision rule
ADVISE = "advise"  # asserted as a fact: every matching advice rule fires
RULE_KINDS = ("decision", "advice")
# What a decision rule's reasons, summary and goal notes may say of the person's own plan,
# filled in from the dated plan (docs/policy.md, "One clock"): never written as figures.
PLAN_PLACEHOLDERS = {
    "months": "how long the route takes in the dated plan (the recommended route's, in a "
    "summary or goal note)",
    "first_months": "when the route's first designation is earned in the dated plan",
    "hours": "the study hours a week the plan is made at",
    "courses": "how many courses the route has left",
    "credit": "what the designations held credit toward the route, as the plan credits it "
    "(marked to confirm where the person or the catalog has not confirmed it)",
    "carry_over": "', and N of its courses (...) also count toward the CPCU' for an API route "
    "whose plan has such courses, else nothing",
}


@dataclass(frozen=True)
class Condition:
    """What must be true of a profile; every key given must hold (AND)."""

    role: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    goal: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()
    not_holds: tuple[str, ...] = ()
    years_below: float | None = None
    years_at_least: float | None = None


@dataclass(frozen=True)
class Verdict:
    fit: str
    reason: str
    # The route this one is folded into: the person is on it, and what is left of it is
    # that route (docs/policy.md row 4: an API holder's combined route is the CPCU).
    folded_into: str | None = None
    # The catalog facts the reason states: it is to confirm while any of them is unverified.
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    file: str
    kind: str  # "decision", "suggest" or "warn"
    description: str
    when: Condition
    recommend: str | None = None
    routes: dict[str, Verdict] = field(default_factory=dict)
    summary: str | None = None
    # Goals this decision rule sets aside, each with the sentence that says so plainly.
    goal_notes: dict[str, str] = field(default_factory=dict)
    suggest: tuple[str, ...] = ()
    reason: str | None = None
    # A suggestion's sentence for the summary when the deciding rule set the goal aside.
    if_goal_set_aside: str | None = None
    warn: str | None = None
    warn_routes: tuple[str, ...] = ()
    fact: str | None = None  # the catalog fact a warning states, for its `verified` flag


@dataclass(frozen=True)
class Rulebook:
    catalog: Catalog
    rules: tuple[Rule, ...]
    files: tuple[str, ...]
    content_hash: str

    @property
    def version(self) -> str:
        """The rules version: the catalog's version string plus a short content hash."""
        return f"{self.catalog.version}+{self.content_hash}"

    def rule(self, rule_id: str) -> Rule:
        return self._by_id()[rule_id]

    def _by_id(self) -> dict[str, Rule]:
        index = self.__dict__.get("_index")
        if index is None:
            index = {r.id: r for r in self.rules}
            object.__setattr__(self, "_index", index)
        return index

    @property
    def decision_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.kind == "decision")

    def thresholds(self) -> list[float]:
        """Every years-of-experience threshold the rules test, sorted."""
        values = {
            v
            for r in self.rules
            for v in (r.when.years_below, r.when.years_at_least)
            if v is not None
        }
        return sorted(values)
