"""The shape of rules/catalog.yaml (marshmallow, unknown keys rejected), and reading YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..errors import RulesError, field_errors

CATALOG_FILE = "catalog.yaml"


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
    # The fee the sources give where they disagree; `amount` (the planning figure) inside it.
    range = fields.Nested(_HoursSchema)

    @validates_schema
    def _amount_in_range(self, data: dict[str, Any], **_: Any) -> None:
        band = data.get("range")
        if band and not band["low"] <= data["amount"] <= band["high"]:
            raise ValidationError("amount must lie within range (low to high)", "range")


class _OtherCostSchema(_SourcedSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    amount = fields.Float(allow_none=True, load_default=None, validate=validate.Range(min=0))
    per = fields.String(load_default=None)


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
    # What happens to a window whose last day is a Saturday or a Sunday.
    last_day_on_weekend = fields.String(
        load_default="kept", validate=validate.OneOf(["kept", "next_business_day"])
    )


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
    other_costs = fields.List(fields.Nested(_OtherCostSchema), load_default=list)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file, turning any failure into a RulesError naming it."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise RulesError(path.name, f"cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise RulesError(path.name, f"not valid YAML: {exc}") from exc


def flatten_messages(messages: Any) -> list[str]:
    """marshmallow's nested errors as 'path.to.field: message' lines: errors.field_errors's
    paths, less the "value" that marshmallow files a Dict field's errors under (not a path a
    person wrote: routes.CPCU.fit, not routes.CPCU.value.fit)."""
    lines = []
    for field, texts in field_errors(messages).items():
        head, *rest = field.split(".")
        path = ".".join([head, *(part for part in rest if part != "value")])
        lines += [f"{path}: {text}" for text in texts]
    return lines
