"""Read and validate the rule files in rules/: parse (YAML), validate (marshmallow, unknown
keys rejected), check references (routes, designations, facts, placeholders). Every error
names the file and the rule id."""

from __future__ import annotations

import hashlib
import string
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..catalog import CATALOG_FILE, Catalog, flatten_messages, load_catalog, read_yaml
from ..errors import RulesError
from ..vocabulary import FITS, GOALS, LINES, ROLES, ROUTES
from .model import PLAN_PLACEHOLDERS, RULE_KINDS, Condition, Rule, Rulebook, Verdict


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
