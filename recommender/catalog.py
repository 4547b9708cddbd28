"""Load and validate the catalog (designations, paths, courses) from rules/catalog.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError, fields, validate

from .errors import RulesError

CATALOG_FILE = "catalog.yaml"


@dataclass(frozen=True)
class Hours:
    low: float
    high: float


@dataclass(frozen=True)
class Course:
    code: str
    title: str
    counts_toward: tuple[str, ...]
    study_hours: Hours
    source: str
    verified: bool
    exam_fee: float = 0.0
    fee_verified: bool = False
    former_title: str | None = None
    as_of: str = ""
    aliases: tuple[str, ...] = ()
    legacy: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Fee:
    amount: float
    currency: str
    source: str
    verified: bool
    as_of: str = ""


@dataclass(frozen=True)
class Discount:
    id: str
    name: str
    description: str
    source: str
    verified: bool
    amount_off: float = 0.0
    percent_off: float = 0.0
    as_of: str = ""
    combines_with: tuple[str, ...] = ()
    only_before_window: bool = False  # for an exam bought before its testing window opens

    def apply(self, fee: float) -> float:
        """The fee after this discount (never below zero)."""
        return max(0.0, fee * (1 - self.percent_off / 100) - self.amount_off)


@dataclass(frozen=True)
class RetakeRules:
    per_window: int
    same_window_amount_off: float
    count_toward_limit: bool
    source: str
    verified: bool
    as_of: str = ""


@dataclass(frozen=True)
class ExamRules:
    windows: tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # ((month, day), (month, day))
    max_per_window: int
    access_months: int
    source: str
    verified: bool
    retakes: RetakeRules
    as_of: str = ""


@dataclass(frozen=True)
class PlanningHorizon:
    """How far from today the service plans: progress records are dated within it."""

    years_back: int
    years_ahead: int
    source: str
    verified: bool
    as_of: str = ""

    def earliest(self, today: date) -> date:
        """The first day a record may be dated, seen from `today`."""
        return _years_later(today, -self.years_back)

    def latest(self, today: date) -> date:
        """The last day a record may be dated (a scheduled exam's), seen from `today`."""
        return _years_later(today, self.years_ahead)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Designation:
    code: str
    name: str
    body: str
    audience: str
    summary: str
    source: str
    verified: bool
    as_of: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiPath:
    id: str
    name: str
    courses: tuple[str, ...]
    source: str
    verified: bool
    as_of: str = ""


@dataclass(frozen=True)
class CpcuStructure:
    ethics: str
    foundation: tuple[str, ...]
    concentrations: dict[str, tuple[str, ...]]
    electives: tuple[str, ...]
    experience_months: int
    source: str
    verified: bool
    as_of: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    text: str
    source: str
    verified: bool
    as_of: str = ""


@dataclass(frozen=True)
class Catalog:
    version: str
    sources: dict[str, str]
    designations: dict[str, Designation]
    courses: dict[str, Course]
    api_ethics: str
    api_paths: tuple[ApiPath, ...]
    cpcu: CpcuStructure
    credits: dict[str, tuple[str, ...]]
    facts: tuple[Fact, ...]
    default_hours: Hours
    default_hours_source: str
    default_hours_verified: bool
    default_hours_as_of: str
    default_fee: Fee
    currency: str
    discounts: dict[str, Discount]
    exams: ExamRules
    planning_horizon: PlanningHorizon

    def normalise_code(self, raw: str) -> str | None:
        """Return the catalog code for a course code or alias ('eth311', 'Ethics 311' ->
        'ETH 311'), or None if unknown."""
        return self._index("_courses", self.courses).get(compact_code(raw))

    def normalise_designation(self, raw: str) -> str | None:
        """Return the catalog code for a designation code or alias ('au-m' -> 'AU'), or None."""
        return self._index("_designations", self.designations).get(compact_code(raw))

    def _index(self, name: str, entries: dict[str, Any]) -> dict[str, str]:
        # Built once per catalog: every profile's codes are looked up here.
        index = self.__dict__.get(name)
        if index is None:
            index = {
                compact_code(key): entry.code
                for entry in entries.values()
                for key in (entry.code, *entry.aliases)
            }
            object.__setattr__(self, name, index)
        return index


def compact_code(raw: str) -> str:
    """Fold a course code to letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", raw).upper()


class _HoursSchema(Schema):
    low = fields.Float(required=True, validate=validate.Range(min=0))
    high = fields.Float(required=True, validate=validate.Range(min=0))


class _SourcedSchema(Schema):
    source = fields.String(required=True)
    verified = fields.Boolean(required=True)
    # When the entry was last checked against its source.
    as_of = fields.String(
        required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
    )


def _aliases() -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)


class _DefaultHoursSchema(_HoursSchema, _SourcedSchema):
    pass


class _CourseSchema(_SourcedSchema):
    code = fields.String(required=True, validate=validate.Length(min=1))
    title = fields.String(required=True)
    former_title = fields.String()
    aliases = _aliases()
    legacy = fields.Boolean(load_default=False)
    note = fields.String()
    counts_toward = fields.List(fields.String(), required=True)
    study_hours = fields.Nested(_HoursSchema)
    exam_fee = fields.Float(validate=validate.Range(min=0))
    # Whether the course's own fee is confirmed; default: the course's `verified`.
    fee_verified = fields.Boolean()


class _FeeSchema(_SourcedSchema):
    amount = fields.Float(required=True, validate=validate.Range(min=0))
    currency = fields.String(required=True, validate=validate.Length(equal=3))


class _DiscountSchema(_SourcedSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    amount_off = fields.Float(validate=validate.Range(min=0))
    percent_off = fields.Float(validate=validate.Range(min=0, max=100))
    combines_with = fields.List(fields.String(), load_default=list)
    only_before_window = fields.Boolean(load_default=False)


_MONTH_DAY = validate.Regexp(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


class _WindowSchema(Schema):
    start = fields.String(required=True, validate=_MONTH_DAY)
    end = fields.String(required=True, validate=_MONTH_DAY)


class _RetakesSchema(_SourcedSchema):
    per_window = fields.Integer(required=True, validate=validate.Range(min=1))
    same_window_amount_off = fields.Float(required=True, validate=validate.Range(min=0))
    count_toward_limit = fields.Boolean(required=True)


class _ExamsSchema(_SourcedSchema):
    windows = fields.List(
        fields.Nested(_WindowSchema), required=True, validate=validate.Length(min=1)
    )
    max_per_window = fields.Integer(required=True, validate=validate.Range(min=1))
    access_months = fields.Integer(required=True, validate=validate.Range(min=1))
    retakes = fields.Nested(_RetakesSchema, required=True)


class _HorizonSchema(_SourcedSchema):
    # Bounded, so that every date within the horizon is a date Python can hold and plan.
    years_back = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    years_ahead = fields.Integer(required=True, validate=validate.Range(min=0, max=100))


class _DesignationSchema(_SourcedSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    body = fields.String(required=True)
    audience = fields.String(required=True)
    summary = fields.String(required=True)
    aliases = _aliases()


class _PathSchema(_SourcedSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    courses = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class _ApiSchema(Schema):
    ethics = fields.String(required=True)
    paths = fields.List(fields.Nested(_PathSchema), required=True, validate=validate.Length(min=1))


class _ConcentrationsSchema(Schema):
    personal = fields.List(fields.String(), required=True)
    commercial = fields.List(fields.String(), required=True)


class _CpcuSchema(_SourcedSchema):
    ethics = fields.String(required=True)
    foundation = fields.List(fields.String(), required=True)
    concentrations = fields.Nested(_ConcentrationsSchema, required=True)
    electives = fields.List(fields.String(), required=True)
    experience_months = fields.Integer(required=True, validate=validate.Range(min=0))


class _FactSchema(_SourcedSchema):
    id = fields.String(required=True)
    text = fields.String(required=True)


class CatalogFileSchema(Schema):
    """The shape of rules/catalog.yaml; unknown keys are rejected."""

    version = fields.String(required=True)
    sources = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    designations = fields.List(fields.Nested(_DesignationSchema), required=True)
    courses = fields.List(fields.Nested(_CourseSchema), required=True)
    study_hours = fields.Nested(_DefaultHoursSchema, required=True)
    api = fields.Nested(_ApiSchema, required=True)
    cpcu = fields.Nested(_CpcuSchema, required=True)
    credits = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)
    facts = fields.List(fields.Nested(_FactSchema), load_default=list)
    exam_fee = fields.Nested(_FeeSchema, required=True)
    discounts = fields.List(fields.Nested(_DiscountSchema), load_default=list)
    exams = fields.Nested(_ExamsSchema, required=True)
    planning_horizon = fields.Nested(_HorizonSchema, required=True)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning any failure into a RulesError naming it."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise RulesError(path.name, f"cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(path.name, f"not valid YAML: {exc}") from exc


def flatten_messages(messages: Any, prefix: str = "") -> list[str]:
    """Turn marshmallow's nested error dict into 'path.to.field: message' lines."""
    if isinstance(messages, dict):
        out: list[str] = []
        for key, value in messages.items():
            # marshmallow files a Dict field's errors under "key"/"value": not a path a
            # person wrote, so leave "value" out (routes.CPCU.fit, not routes.CPCU.value.fit).
            path = (
                prefix if key == "value" and prefix else f"{prefix}.{key}" if prefix else str(key)
            )
            out += flatten_messages(value, path)
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{prefix}: {m}" if prefix else m for m in messages]
    if isinstance(messages, list):
        return [line for m in messages for line in flatten_messages(m, prefix)]
    return [f"{prefix}: {messages}"]


def load_catalog(rules_dir: Path) -> Catalog:
    """Load rules/catalog.yaml, validate it and every cross-reference, return a Catalog."""
    path = Path(rules_dir) / CATALOG_FILE
    raw = read_yaml(path)
    try:
        data = CatalogFileSchema().load(raw if raw is not None else {})
    except ValidationError as exc:
        raise RulesError(CATALOG_FILE, "; ".join(flatten_messages(exc.messages))) from exc
    return _build(data)


def _build(data: dict[str, Any]) -> Catalog:
    sources = data["sources"]
    default = data["study_hours"]
    default_hours = Hours(default["low"], default["high"])
    designations = {
        d["code"]: Designation(**{**d, "aliases": tuple(d["aliases"])})
        for d in data["designations"]
    }
    fee = data["exam_fee"]
    courses: dict[str, Course] = {}
    for c in data["courses"]:
        hours = c.get("study_hours")
        own_fee = "exam_fee" in c
        courses[c["code"]] = Course(
            code=c["code"],
            title=c["title"],
            former_title=c.get("former_title"),
            as_of=c["as_of"],
            aliases=tuple(c["aliases"]),
            legacy=c["legacy"],
            note=c.get("note"),
            counts_toward=tuple(c["counts_toward"]),
            study_hours=Hours(hours["low"], hours["high"]) if hours else default_hours,
            source=c["source"],
            verified=c["verified"],
            exam_fee=c["exam_fee"] if own_fee else fee["amount"],
            fee_verified=c.get("fee_verified", c["verified"]) if own_fee else fee["verified"],
        )
    exams = data["exams"]
    api, cpcu = data["api"], data["cpcu"]
    catalog = Catalog(
        version=data["version"],
        sources=sources,
        designations=designations,
        courses=courses,
        api_ethics=api["ethics"],
        api_paths=tuple(
            ApiPath(p["id"], p["name"], tuple(p["courses"]), p["source"], p["verified"], p["as_of"])
            for p in api["paths"]
        ),
        cpcu=CpcuStructure(
            ethics=cpcu["ethics"],
            foundation=tuple(cpcu["foundation"]),
            concentrations={k: tuple(v) for k, v in cpcu["concentrations"].items()},
            electives=tuple(cpcu["electives"]),
            experience_months=cpcu["experience_months"],
            source=cpcu["source"],
            verified=cpcu["verified"],
            as_of=cpcu["as_of"],
        ),
        credits={k: tuple(v) for k, v in data["credits"].items()},
        facts=tuple(Fact(**f) for f in data["facts"]),
        default_hours=default_hours,
        default_hours_source=default["source"],
        default_hours_verified=default["verified"],
        default_hours_as_of=default["as_of"],
        default_fee=Fee(**fee),
        currency=fee["currency"],
        discounts={
            d["id"]: Discount(**{**d, "combines_with": tuple(d["combines_with"])})
            for d in data["discounts"]
        },
        exams=ExamRules(
            windows=tuple((_month_day(w["start"]), _month_day(w["end"])) for w in exams["windows"]),
            max_per_window=exams["max_per_window"],
            access_months=exams["access_months"],
            source=exams["source"],
            verified=exams["verified"],
            retakes=RetakeRules(**exams["retakes"]),
            as_of=exams["as_of"],
        ),
        planning_horizon=PlanningHorizon(**data["planning_horizon"]),
    )
    _check_references(
        catalog,
        [
            default["source"],
            fee["source"],
            exams["source"],
            exams["retakes"]["source"],
            data["planning_horizon"]["source"],
        ],
    )
    return catalog


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def _check_references(catalog: Catalog, other_sources: list[str]) -> None:
    cpcu = catalog.cpcu
    sources = [
        *((d.source, f"designation {d.code}") for d in catalog.designations.values()),
        *((c.source, f"course {c.code}") for c in catalog.courses.values()),
        *((p.source, f"api path {p.id}") for p in catalog.api_paths),
        *((f.source, f"fact {f.id}") for f in catalog.facts),
        (cpcu.source, "cpcu"),
        *((d.source, f"discount {d.id}") for d in catalog.discounts.values()),
        *((key, "study_hours, exam_fee, exams or planning_horizon") for key in other_sources),
    ]
    courses = [
        *((code, f"api path {p.id}") for p in catalog.api_paths for code in p.courses),
        (catalog.api_ethics, "api.ethics"),
        *((code, "cpcu") for code in (cpcu.ethics, *cpcu.foundation, *cpcu.electives)),
        *(
            (code, f"cpcu.concentrations.{name}")
            for name, codes in cpcu.concentrations.items()
            for code in codes
        ),
        *(
            (code, f"credits.{holder}")
            for holder, codes in catalog.credits.items()
            for code in codes
        ),
    ]
    designations = [
        *((route, "designations (required)") for route in ("API", "CPCU")),
        *(
            (target, f"course {c.code}: counts_toward")
            for c in catalog.courses.values()
            for target in c.counts_toward
        ),
        *((holder, "credits") for holder in catalog.credits),
    ]
    discounts = [
        (other, f"discount {d.id}: combines_with")
        for d in catalog.discounts.values()
        for other in d.combines_with
    ]
    problems = [
        *_alias_problems("course", catalog.courses),
        *_alias_problems("designation", catalog.designations),
        *(
            f"{where}: unknown discount {d!r}"
            for d, where in discounts
            if d not in catalog.discounts
        ),
        *(
            f"{where}: unknown source {key!r}"
            for key, where in sources
            if key not in catalog.sources
        ),
        *(f"{where}: unknown course {c!r}" for c, where in courses if c not in catalog.courses),
        *(
            f"{where}: unknown designation {d!r}"
            for d, where in designations
            if d not in catalog.designations
        ),
    ]
    if problems:
        raise RulesError(CATALOG_FILE, "; ".join(problems))


def _alias_problems(kind: str, entries: dict[str, Any]) -> list[str]:
    """Codes and aliases that fold to the same key: each must name one entry only."""
    owner: dict[str, str] = {}
    problems = []
    for entry in entries.values():
        for key in dict.fromkeys((entry.code, *entry.aliases)):
            folded = compact_code(key)
            if not folded:
                problems.append(f"{kind} {entry.code}: alias {key!r} has no letters or digits")
            elif folded in owner and owner[folded] != entry.code:
                problems.append(
                    f"{kind} {entry.code}: {key!r} is already the code or an alias of "
                    f"{owner[folded]}"
                )
            elif folded in owner:
                problems.append(f"{kind} {entry.code}: alias {key!r} repeats its code or an alias")
            owner.setdefault(folded, entry.code)
    return problems
