"""Load and validate the rule files in rules/, and compile them to a durable_rules ruleset.

Pipeline: parse (YAML) -> validate (marshmallow, unknown keys rejected) -> check references
(routes, designations, vocabulary) -> compile (durable_rules JSON). Every error names the
file and the rule id.
"""

from __future__ import annotations

import hashlib
import math
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .catalog import CATALOG_FILE, Catalog, flatten_messages, load_catalog, read_yaml
from .errors import RulesError
from .vocabulary import FITS, GOALS, LINES, ROLES, ROUTES

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


# --- validation schemas ------------------------------------------------------------------


class _WhenSchema(Schema):
    role = fields.List(fields.String(validate=validate.OneOf(ROLES)))
    lines = fields.List(fields.String(validate=validate.OneOf(LINES)))
    goal = fields.List(fields.String(validate=validate.OneOf(GOALS)))
    holds = fields.List(fields.String())
    not_holds = fields.List(fields.String())
    years_below = fields.Float(validate=validate.Range(min=0))
    years_at_least = fields.Float(validate=validate.Range(min=0))


class _VerdictSchema(Schema):
    fit = fields.String(required=True, validate=validate.OneOf(FITS))
    reason = fields.String(required=True, validate=validate.Length(min=1))
    folded_into = fields.String(validate=validate.OneOf(ROUTES))
    facts = fields.List(fields.String(), load_default=list)


class _RuleBaseSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]*$"))
    description = fields.String(required=True, validate=validate.Length(min=1))
    when = fields.Nested(_WhenSchema, load_default=dict)


class _DecisionRuleSchema(_RuleBaseSchema):
    recommend = fields.String(required=True, allow_none=True, validate=validate.OneOf(ROUTES))
    summary = fields.String()
    goal_notes = fields.Dict(
        keys=fields.String(validate=validate.OneOf(GOALS)),
        values=fields.String(validate=validate.Length(min=1)),
        load_default=dict,
    )
    routes = fields.Dict(
        keys=fields.String(validate=validate.OneOf(ROUTES)),
        values=fields.Nested(_VerdictSchema),
        required=True,
    )

    @validates_schema
    def _check_routes(self, data: dict[str, Any], **_: Any) -> None:
        missing = [r for r in ROUTES if r not in data.get("routes", {})]
        if missing:
            raise ValidationError(f"every route needs a verdict; missing {missing}", "routes")
        recommended = [r for r, v in data["routes"].items() if v["fit"] == "recommended"]
        expected = [data["recommend"]] if data.get("recommend") else []
        if recommended != expected:
            raise ValidationError(
                f"recommend is {data.get('recommend')!r} but the routes marked recommended "
                f"are {recommended}",
                "routes",
            )
        for route, verdict in data["routes"].items():
            if verdict.get("folded_into") in (route, None):
                if verdict.get("folded_into") == route:
                    raise ValidationError(f"{route} cannot be folded into itself", "routes")
                continue
            if verdict["fit"] != "not_suitable":
                raise ValidationError(
                    f"{route}: a route folded into another is not_suitable as a separate route",
                    "routes",
                )


class _AdviceRuleSchema(_RuleBaseSchema):
    suggest = fields.List(fields.String(), validate=validate.Length(min=1))
    reason = fields.String(validate=validate.Length(min=1))
    if_goal_set_aside = fields.String(validate=validate.Length(min=1))
    warn = fields.String(validate=validate.Length(min=1))
    fact = fields.String(validate=validate.Length(min=1))
    routes = fields.List(
        fields.String(validate=validate.OneOf(ROUTES)), validate=validate.Length(min=1)
    )

    @validates_schema
    def _one_action(self, data: dict[str, Any], **_: Any) -> None:
        if ("suggest" in data) == ("warn" in data):
            raise ValidationError("an advice rule has exactly one of 'suggest' or 'warn'")
        if "suggest" in data and "reason" not in data:
            raise ValidationError("a 'suggest' rule needs a 'reason'", "reason")
        if "warn" in data and "routes" not in data:
            raise ValidationError("a 'warn' rule needs the 'routes' it applies to", "routes")
        if "suggest" in data and "routes" in data:
            raise ValidationError("'routes' belongs to 'warn' rules", "routes")
        if "fact" in data and "warn" not in data:
            raise ValidationError("'fact' belongs to 'warn' rules", "fact")
        if "if_goal_set_aside" in data and "suggest" not in data:
            raise ValidationError(
                "'if_goal_set_aside' belongs to 'suggest' rules", "if_goal_set_aside"
            )


class _RuleFileSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(RULE_KINDS))
    description = fields.String(required=True)
    rules = fields.List(fields.Dict(), required=True)


# --- loading -----------------------------------------------------------------------------


def rule_files(rules_dir: Path) -> list[Path]:
    """The rule files of a rules directory: every *.yaml beside the catalog, by name."""
    return sorted(p for p in Path(rules_dir).glob("*.yaml") if p.name != CATALOG_FILE)


def load_rulebook(rules_dir: Path | str) -> Rulebook:
    """Load, validate and cross-check the catalog and every rule file in `rules_dir`."""
    rules_dir = Path(rules_dir)
    if not rules_dir.is_dir():
        raise RulesError(str(rules_dir.name or rules_dir), "rules directory not found")
    catalog = load_catalog(rules_dir)
    digest = hashlib.sha256((rules_dir / CATALOG_FILE).read_bytes())
    rules: list[Rule] = []
    files = []
    for path in rule_files(rules_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        rules.extend(_load_file(path, catalog))
        files.append(path.name)
    # Decision rules first (they run first), then advice; each in file order.
    rules.sort(key=lambda r: r.kind != "decision")
    if not any(r.kind == "decision" for r in rules):
        raise RulesError(
            rules_dir.name, "no decision rules: at least one file needs kind: decision"
        )
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            raise RulesError(rule.file, f"duplicate id (also in {seen[rule.id]})", rule.id)
        seen[rule.id] = rule.file
    return Rulebook(catalog, tuple(rules), tuple(files), digest.hexdigest()[:8])


def _load_file(path: Path, catalog: Catalog) -> list[Rule]:
    raw = read_yaml(path)
    try:
        data = _RuleFileSchema().load(raw if raw is not None else {})
    except ValidationError as exc:
        raise RulesError(path.name, "; ".join(flatten_messages(exc.messages))) from exc
    schema = _DecisionRuleSchema() if data["kind"] == "decision" else _AdviceRuleSchema()
    rules = []
    for index, raw_rule in enumerate(data["rules"]):
        rule_id = str(raw_rule.get("id") or f"#{index + 1}")
        try:
            item = schema.load(raw_rule)
        except ValidationError as exc:
            raise RulesError(path.name, "; ".join(flatten_messages(exc.messages)), rule_id) from exc
        rule = _make_rule(item, data["kind"], path.name)
        _check_designations(rule, catalog)
        _check_placeholders(rule)
        rules.append(rule)
    return rules


def _make_rule(item: dict[str, Any], file_kind: str, file: str) -> Rule:
    when = item["when"]
    condition = Condition(
        role=tuple(when.get("role", ())),
        lines=tuple(when.get("lines", ())),
        goal=tuple(when.get("goal", ())),
        holds=tuple(when.get("holds", ())),
        not_holds=tuple(when.get("not_holds", ())),
        years_below=when.get("years_below"),
        years_at_least=when.get("years_at_least"),
    )
    common = {"id": item["id"], "file": file, "description": item["description"], "when": condition}
    if file_kind == "decision":
        return Rule(
            kind="decision",
            recommend=item["recommend"],
            routes={
                r: Verdict(**{**v, "facts": tuple(v["facts"])}) for r, v in item["routes"].items()
            },
            summary=item.get("summary"),
            goal_notes=dict(item["goal_notes"]),
            **common,
        )
    if "suggest" in item:
        return Rule(
            kind="suggest",
            suggest=tuple(item["suggest"]),
            reason=item["reason"],
            if_goal_set_aside=item.get("if_goal_set_aside"),
            **common,
        )
    return Rule(
        kind="warn",
        warn=item["warn"],
        warn_routes=tuple(item["routes"]),
        fact=item.get("fact"),
        **common,
    )


def _check_designations(rule: Rule, catalog: Catalog) -> None:
    for code in (*rule.when.holds, *rule.when.not_holds, *rule.suggest):
        if code not in catalog.designations:
            raise RulesError(rule.file, f"unknown designation {code!r}", rule.id)
    known = {f.id for f in catalog.facts}
    for fact in (rule.fact, *(f for v in rule.routes.values() for f in v.facts)):
        if fact and fact not in known:
            raise RulesError(rule.file, f"unknown fact {fact!r}", rule.id)
    if rule.when.years_below is not None and rule.when.years_at_least is not None:
        if rule.when.years_at_least >= rule.when.years_below:
            raise RulesError(
                rule.file, "years_at_least must be below years_below: no profile matches", rule.id
            )


def placeholders(text: str) -> list[str]:
    """The names of the `{placeholders}` in a text (ValueError if its braces do not pair)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def _check_placeholders(rule: Rule) -> None:
    """A decision rule's texts name only known placeholders; advice texts name none."""
    texts: list[tuple[str, str]] = [
        (f"routes.{r}.reason", v.reason) for r, v in rule.routes.items()
    ]
    texts += [(f"goal_notes.{goal}", note) for goal, note in rule.goal_notes.items()]
    if rule.summary:
        texts.append(("summary", rule.summary))
    allowed = PLAN_PLACEHOLDERS if rule.kind == "decision" else {}
    for key in ("reason", "if_goal_set_aside", "warn"):
        text = getattr(rule, key)
        if text:
            texts.append((key, text))
    for where, text in texts:
        try:
            names = placeholders(text)
        except ValueError as exc:
            raise RulesError(
                rule.file, f"{where}: {exc} (write braces as {{{{ and }}}})", rule.id
            ) from exc
        unknown = [n for n in names if n not in allowed]
        if unknown:
            known = ", ".join("{" + n + "}" for n in allowed) or "none in advice rules"
            raise RulesError(
                rule.file, f"{where}: unknown placeholder {{{unknown[0]}}}; known: {known}", rule.id
            )
        if (
            names
            and rule.kind == "decision"
            and rule.recommend is None
            and not where.startswith("routes.")
        ):
            raise RulesError(
                rule.file,
                f"{where}: {{{names[0]}}} needs a recommended route to read its plan",
                rule.id,
            )


# --- compiling to durable_rules ----------------------------------------------------------


def years_value(years: float) -> int:
    """Years as the whole number of millionths of a year that the rules compare.

    durable_rules 2.0.28 cannot parse a number in exponent form (Python writes 0.00001 as
    1e-05), so the engine only ever sees integers; a millionth of a year is 32 seconds.
    Rounded down, so that nobody is counted as past a threshold they have not reached;
    the inner round only absorbs binary noise (2.3 * 1e6 is 2299999.9999999995).
    """
    return math.floor(round(years * 1_000_000, 3))


def holds_attribute(code: str) -> str:
    """The fact attribute saying whether a designation is held."""
    return f"holds_{code}"


def _one_of(attribute: str, values: tuple[str, ...]) -> dict[str, Any]:
    terms = [{attribute: v} for v in values]
    return terms[0] if len(terms) == 1 else {"$or": terms}


def compile_condition(rule: Rule) -> list[dict[str, Any]]:
    """Translate a rule's condition into durable_rules expressions, all of which must hold."""
    when = rule.when
    terms: list[dict[str, Any]] = []
    for attribute in ("role", "lines", "goal"):
        values = getattr(when, attribute)
        if values:
            terms.append(_one_of(attribute, values))
    terms += [{holds_attribute(code): True} for code in when.holds]
    terms += [{holds_attribute(code): False} for code in when.not_holds]
    if when.years_below is not None:
        terms.append({"$lt": {"years": years_value(when.years_below)}})
    if when.years_at_least is not None:
        terms.append({"$gte": {"years": years_value(when.years_at_least)}})
    if rule.suggest:
        # Never suggest what is held: the rule only fires if one suggestion is not held.
        terms.append(_not_all_held(rule.suggest))
    return terms


def _not_all_held(codes: tuple[str, ...]) -> dict[str, Any]:
    """'Not every one of codes is held', as mutually exclusive branches.

    durable_rules fires a rule once per matching branch of an `$or`, so the branches must
    not overlap: the first code not held is c1, or c1 is held and c2 is not, and so on.
    """
    branches = []
    for index, code in enumerate(codes):
        held_before = [{holds_attribute(c): True} for c in codes[:index]]
        branch = [*held_before, {holds_attribute(code): False}]
        branches.append(branch[0] if len(branch) == 1 else {"$and": branch})
    return branches[0] if len(branches) == 1 else {"$or": branches}


def compile_ruleset(rulebook: Rulebook) -> dict[str, Any]:
    """Return the durable_rules definition of the rulebook: {rule id: rule}.

    Decision rules match the `decide` event; the event is consumed by the first matching
    rule in file order (`pri`), which is how "the first matching row decides" is enforced.
    Advice rules match the `advise` fact; every one that matches fires, in file order.
    """
    definition: dict[str, Any] = {}
    for priority, rule in enumerate(rulebook.rules, start=1):
        kind = DECIDE if rule.kind == "decision" else ADVISE
        terms = [{"kind": kind}, *compile_condition(rule)]
        definition[rule.id] = {
            "pri": priority,
            "all": [{"m": {"$and": terms} if len(terms) > 1 else terms[0]}],
            "run": rule.id,
        }
    return definition


def profile_fact(profile: Any, catalog: Catalog) -> dict[str, Any]:
    """The flat fact the rules see for a profile (at most 255 properties, by durable_rules)."""
    held = set(profile.designations)
    fact: dict[str, Any] = {
        "role": profile.role,
        "lines": profile.lines,
        "goal": profile.goal,
        "years": years_value(profile.years_experience),
    }
    for code in catalog.designations:
        fact[holds_attribute(code)] = code in held
    return fact
