"""Build a Catalog from rules/catalog.yaml's validated data, and check every cross-reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from ..errors import RulesError
from .files import CATALOG_FILE, CatalogFileSchema, flatten_messages, read_yaml
from .model import (
    ApiPath,
    Catalog,
    Course,
    CpcuStructure,
    Designation,
    Discount,
    ExamRules,
    Fact,
    Fee,
    Hours,
    OtherCost,
    PlanningHorizon,
    RetakeRules,
    compact_code,
)

_SOURCED = ("source", "verified", "as_of")


def load_catalog(rules_dir: Path) -> Catalog:
    """Load rules/catalog.yaml, validate it and every cross-reference, return a Catalog."""
    path = Path(rules_dir) / CATALOG_FILE
    raw = read_yaml(path)
    try:
        data = CatalogFileSchema().load(raw if raw is not None else {})
    except ValidationError as exc:
        raise RulesError(CATALOG_FILE, "; ".join(flatten_messages(exc.messages))) from exc
    return _build(data)


def _sourced(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in _SOURCED}


def _tuples(entry: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The entry with the lists under `keys` as tuples (the dataclasses are frozen)."""
    return {**entry, **{key: tuple(entry[key]) for key in keys}}


def _course(c: dict[str, Any], default_hours: Hours, fee: dict[str, Any]) -> Course:
    """A course: its own study hours and fee, or the catalog's defaults (and the fee's range)."""
    hours = c.get("study_hours")
    own_fee = "exam_fee" in c
    band = fee.get("range")
    return Course(
        code=c["code"],
        title=c["title"],
        former_title=c.get("former_title"),
        aliases=tuple(c["aliases"]),
        legacy=c["legacy"],
        note=c.get("note"),
        counts_toward=tuple(c["counts_toward"]),
        study_hours=Hours(hours["low"], hours["high"]) if hours else default_hours,
        exam_fee=c["exam_fee"] if own_fee else fee["amount"],
        fee_verified=c.get("fee_verified", c["verified"]) if own_fee else fee["verified"],
        fee_range=None if own_fee or not band else Hours(band["low"], band["high"]),
        **_sourced(c),
    )


def _build(data: dict[str, Any]) -> Catalog:
    default = data["study_hours"]
    default_hours = Hours(default["low"], default["high"])
    fee = data["exam_fee"]
    band = fee.get("range") or {}
    exams = data["exams"]
    api, cpcu = data["api"], data["cpcu"]
    catalog = Catalog(
        version=data["version"],
        sources=data["sources"],
        designations={
            d["code"]: Designation(**_tuples(d, "aliases")) for d in data["designations"]
        },
        courses={c["code"]: _course(c, default_hours, fee) for c in data["courses"]},
        api_ethics=api["ethics"],
        api_paths=tuple(ApiPath(**_tuples(p, "courses")) for p in api["paths"]),
        cpcu=CpcuStructure(
            **{
                **_tuples(cpcu, "foundation", "electives"),
                "concentrations": {k: tuple(v) for k, v in cpcu["concentrations"].items()},
            }
        ),
        # What a held API credits when the person does not say how they earned it (the
        # first path's courses and ethics), for those who read the catalog's credits.
        credits={
            "API": (*api["paths"][0]["courses"], api["ethics"]),
            **{k: tuple(v) for k, v in data["credits"].items()},
        },
        facts=tuple(Fact(**f) for f in data["facts"]),
        default_hours=default_hours,
        default_hours_source=default["source"],
        default_hours_verified=default["verified"],
        default_hours_as_of=default["as_of"],
        default_fee=Fee(
            amount=fee["amount"],
            currency=fee["currency"],
            low=band.get("low"),
            high=band.get("high"),
            **_sourced(fee),
        ),
        currency=fee["currency"],
        discounts={d["id"]: Discount(**_tuples(d, "combines_with")) for d in data["discounts"]},
        exams=ExamRules(
            windows=tuple((_month_day(w["start"]), _month_day(w["end"])) for w in exams["windows"]),
            max_per_window=exams["max_per_window"],
            access_months=exams["access_months"],
            retakes=RetakeRules(**exams["retakes"]),
            weekend_end_moves=exams["last_day_on_weekend"] == "next_business_day",
            **_sourced(exams),
        ),
        planning_horizon=PlanningHorizon(**data["planning_horizon"]),
        other_costs=tuple(OtherCost(**c) for c in data["other_costs"]),
    )
    _check_references(catalog, default["source"])
    return catalog


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


def _check_references(catalog: Catalog, hours_source: str) -> None:
    cpcu = catalog.cpcu
    sources = [
        *((entry.source, where) for entry, where in catalog.sourced()),
        (hours_source, "study_hours"),
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
        *_unknown("discount", discounts, catalog.discounts),
        *_unknown("source", sources, catalog.sources),
        *_unknown("course", courses, catalog.courses),
        *_unknown("designation", designations, catalog.designations),
    ]
    if problems:
        raise RulesError(CATALOG_FILE, "; ".join(problems))


def _unknown(kind: str, references: list[tuple[str, str]], known: dict[str, Any]) -> list[str]:
    """'where: unknown kind 'x'' for each reference to a name the catalog does not have."""
    return [f"{where}: unknown {kind} {name!r}" for name, where in references if name not in known]


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
