"""Marshmallow schemas of the API's own answers: catalog, rules and health.

The saved-teams API's are in recommender.api.saved_teams_schemas, the profile and
recommendation schemas in recommender.schemas, the team plan's in
recommender.team.schemas; the error envelope's is in recommender.http.errorhandlers, which
every part of the app uses.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from ..bands import BandSchema
from ..catalog import Catalog

_RULE_KINDS = ("decision", "suggest", "warn")


def _strings(**kwargs: Any) -> fields.List:
    return fields.List(fields.String(), required=True, **kwargs)


class HealthSchema(Schema):
    """The service is up and its rules are loaded."""

    status = fields.String(required=True, validate=validate.OneOf(["ok"]))


class _SourcedSchema(Schema):
    source = fields.String(required=True, metadata={"description": "A key of `sources`."})
    verified = fields.Boolean(
        required=True,
        metadata={"description": "False: to confirm with The Institutes."},
    )
    as_of = fields.String(
        required=True, metadata={"description": "When it was last checked against its source."}
    )


class HoursSchema(BandSchema):
    """Study hours."""


class DesignationSchema(_SourcedSchema):
    code = fields.String(required=True, metadata={"example": "CPCU"})
    name = fields.String(
        required=True, metadata={"example": "Chartered Property Casualty Underwriter"}
    )
    body = fields.String(required=True, metadata={"description": "Who confers it."})
    audience = fields.String(required=True, metadata={"description": "Whom it is for."})
    summary = fields.String(required=True)
    aliases = _strings(metadata={"description": "Other names a profile may give it."})


class CatalogCourseSchema(_SourcedSchema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    former_title = fields.String(required=True, allow_none=True)
    aliases = _strings()
    legacy = fields.Boolean(required=True, metadata={"description": "An older code kept."})
    note = fields.String(required=True, allow_none=True)
    counts_toward = _strings()
    study_hours = fields.Nested(HoursSchema, required=True)
    exam_fee = fields.Float(required=True)
    fee_verified = fields.Boolean(required=True)


class ApiPathSchema(_SourcedSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    courses = _strings()


class ApiStructureSchema(Schema):
    ethics = fields.String(required=True)
    paths = fields.List(fields.Nested(ApiPathSchema), required=True)


class CpcuStructureSchema(_SourcedSchema):
    ethics = fields.String(required=True)
    foundation = _strings()
    concentrations = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), required=True
    )
    electives = _strings()
    experience_months = fields.Integer(required=True)


class SourcedHoursSchema(HoursSchema, _SourcedSchema):
    pass


class FeeSchema(_SourcedSchema):
    amount = fields.Float(required=True, metadata={"description": "One course exam's fee."})
    currency = fields.String(required=True)


class DiscountSchema(_SourcedSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    amount_off = fields.Float(
        required=True, metadata={"description": "Off each exam fee, in the fee's currency."}
    )
    percent_off = fields.Float(required=True, metadata={"description": "Off each exam fee, in %."})
    combines_with = _strings()
    only_before_window = fields.Boolean(required=True)


class WindowSchema(Schema):
    start = fields.String(required=True, metadata={"description": "Month-day, e.g. 01-15."})
    end = fields.String(required=True, metadata={"description": "Month-day, inclusive."})


class RetakeRulesSchema(_SourcedSchema):
    per_window = fields.Integer(required=True)
    same_window_amount_off = fields.Float(required=True)
    count_toward_limit = fields.Boolean(required=True)


class ExamRulesSchema(_SourcedSchema):
    windows = fields.List(fields.Nested(WindowSchema), required=True)
    max_per_window = fields.Integer(
        required=True, metadata={"description": "Course exams a person may sit in one window."}
    )
    access_months = fields.Integer(
        required=True, metadata={"description": "Months of course access a purchase gives."}
    )
    retakes = fields.Nested(RetakeRulesSchema, required=True)


class FactSchema(_SourcedSchema):
    id = fields.String(required=True, metadata={"description": "As `facts_to_confirm` names it."})
    text = fields.String(required=True)


class CatalogSchema(Schema):
    """What the recommender knows: designations, API paths, CPCU structure, courses, sources."""

    version = fields.String(
        required=True, metadata={"description": "`rules_version` begins with it."}
    )
    sources = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    designations = fields.List(fields.Nested(DesignationSchema), required=True)
    api = fields.Nested(ApiStructureSchema, required=True)
    cpcu = fields.Nested(CpcuStructureSchema, required=True)
    courses = fields.List(fields.Nested(CatalogCourseSchema), required=True)
    credits = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "The courses credited by each designation held."},
    )
    facts = fields.List(fields.Nested(FactSchema), required=True)
    default_study_hours = fields.Nested(SourcedHoursSchema, required=True)
    exam_fee = fields.Nested(FeeSchema, required=True)
    discounts = fields.List(fields.Nested(DiscountSchema), required=True)
    exams = fields.Nested(ExamRulesSchema, required=True)

    @pre_dump
    def _from_catalog(self, catalog: Catalog, **_: Any) -> dict[str, Any]:
        # The catalog keys designations and courses by code; the API lists them in file order.
        return {
            "version": catalog.version,
            "sources": catalog.sources,
            "designations": list(catalog.designations.values()),
            "api": {"ethics": catalog.api_ethics, "paths": catalog.api_paths},
            "cpcu": catalog.cpcu,
            "courses": list(catalog.courses.values()),
            "credits": catalog.credits,
            "facts": catalog.facts,
            "default_study_hours": {
                "low": catalog.default_hours.low,
                "high": catalog.default_hours.high,
                "source": catalog.default_hours_source,
                "verified": catalog.default_hours_verified,
                "as_of": catalog.default_hours_as_of,
            },
            "exam_fee": catalog.default_fee,
            "discounts": list(catalog.discounts.values()),
            "exams": {
                "windows": [
                    {"start": f"{sm:02d}-{sd:02d}", "end": f"{em:02d}-{ed:02d}"}
                    for (sm, sd), (em, ed) in catalog.exams.windows
                ],
                "max_per_window": catalog.exams.max_per_window,
                "access_months": catalog.exams.access_months,
                "source": catalog.exams.source,
                "verified": catalog.exams.verified,
                "as_of": catalog.exams.as_of,
                "retakes": catalog.exams.retakes,
            },
        }


class RuleSummarySchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(_RULE_KINDS))
    description = fields.String(required=True)
    file = fields.String(required=True, metadata={"description": "The file in rules/."})


class RulesSchema(Schema):
    """Every rule, decision rules first, each in file order."""

    rules_version = fields.String(required=True, attribute="version")
    files = _strings()
    rules = fields.List(fields.Nested(RuleSummarySchema), required=True)
