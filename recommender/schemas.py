"""Marshmallow schemas: the profile coming in and the recommendation going out."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from .catalog import Catalog, compact_code
from .errors import ProfileError
from .planner import REQUIREMENTS, Profile
from .vocabulary import (
    CONCENTRATION_ANSWERS,
    DEFAULT_GOAL,
    DEFAULT_HOURS_PER_WEEK,
    FITS,
    GOALS,
    HOURS_RANGE,
    LINES,
    NOT_SURE,
    ROLES,
    ROUTES,
    YEARS_RANGE,
    as_word,
    choice_message,
    suggestion,
)

START_DATES = (date(2000, 1, 1), date(2100, 12, 31))

# Profile fields that hold lists (a form repeats them; a CSV cell separates them with ';').
PROFILE_LIST_FIELDS = ("designations", "completed_courses", "discounts")
PROFILE_FIELDS = (
    "role",
    "lines",
    "years_experience",
    "designations",
    "completed_courses",
    "goal",
    "hours_per_week",
    "start_date",
    "discounts",
    # How held designations were earned, asked where it changes the plan.
    "api_path",
    "cpcu_concentration",
    "cpcu_elective",
)


# Numbers written as people write them, in ASCII digits only: float() and Decimal() also take
# '1_0', full-width '１０', Arabic-Indic '٤', '1e3', 'nan' and 'inf', which nobody means.
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


def _number(lowest: float, highest: float, what: str, **kwargs: Any) -> _Number:
    return _Number(
        validate=validate.Range(
            min=lowest, max=highest, error=f"Enter {what}, from {lowest:g} to {highest:g}."
        ),
        error_messages={
            key: f"Enter {what} as a number in digits, e.g. 4 or 2.5."
            for key in ("invalid", "special", "too_large")
        },
        **kwargs,
    )


class _Number(fields.Float):
    """A number: a JSON number, or text of plain ASCII digits (forms and CSV send text).

    Refuses booleans (JSON true is not 1 year of experience), NaN and infinities. A
    schema with `numbers_from_text` False (the JSON API's) takes JSON numbers only.
    """

    def __init__(self, **kwargs: Any):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str):
            text = value.strip()
            if not getattr(self.parent, "numbers_from_text", True):
                raise self.make_error("invalid")
            if not _PLAIN_NUMBER.fullmatch(text):
                raise self.make_error("invalid")
            value = text
        elif not isinstance(value, int | float):
            raise self.make_error("invalid")
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except OverflowError:  # an integer of hundreds of digits
            raise self.make_error("invalid") from None


def _control_characters(value: str) -> bool:
    # Cc: NUL, tab, newline, escape...; Cs: lone surrogates, which JSON can carry.
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in value)


class _Text(fields.String):
    """A string of readable characters: no NUL or other control character."""

    default_error_messages = {
        "control": "Must not contain control characters (such as NUL or a line break)."
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _control_characters(text):
            raise self.make_error("control")
        return text


class _Word(_Text):
    """One of a fixed vocabulary, spelt as people write it ('Customer Service').

    An unknown word is answered with the choices and, when one is close, a suggestion.
    """

    def __init__(self, choices: tuple[str, ...], **kwargs: Any):
        # OpenAPI 3.0: null is valid for a nullable enum only if the enum lists it too.
        enum = [*choices, None] if kwargs.get("allow_none") else list(choices)
        metadata = {**kwargs.pop("metadata", {}), "enum": enum}
        super().__init__(metadata=metadata, **kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        word = as_word(super()._deserialize(value, attr, data, **kwargs))
        if word not in self.choices:
            raise ValidationError(choice_message(value, self.choices))
        return word


class _CatalogList(fields.List):
    """A list of catalog names (designations, courses, discounts), checked by the schema.

    `catalog_names` says which of the catalog's names the OpenAPI document lists as the
    choices (see recommender.api.docs: the document is made with the app's catalog).
    """

    def __init__(self, catalog_names: str, **kwargs: Any):
        super().__init__(
            _Text(validate=validate.Length(min=1, max=40)), load_default=list, **kwargs
        )
        self.catalog_names = catalog_names


class _CatalogName(_Text):
    """One catalog name (an API path, a CPCU elective) or not_sure, checked by the schema.

    `catalog_names` is the Catalog attribute listing the choices, for the OpenAPI document.
    """

    def __init__(self, catalog_names: str, **kwargs: Any):
        super().__init__(validate=validate.Length(min=1, max=40), **kwargs)
        self.catalog_names = catalog_names


class ProfileSchema(Schema):
    """One person's profile (docs/policy.md, "Inputs"); course codes in catalog form."""

    # Forms and CSV rosters send every value as text; the JSON API's schema says False.
    numbers_from_text = True

    role = _Word(ROLES, required=True)
    lines = _Word(LINES, required=True)
    years_experience = _number(*YEARS_RANGE, "your years of experience", required=True)
    designations = _CatalogList("designations")
    completed_courses = _CatalogList("courses")
    # allow_none documents (e.g. in the OpenAPI document) that null means "not given":
    # _drop_empty_optionals removes it before these fields see it.
    goal = _Word(GOALS, load_default=DEFAULT_GOAL, allow_none=True)
    start_date = fields.Date(
        load_default=None,
        allow_none=True,
        # A plan runs for years from here: keep its dates within what a calendar holds.
        validate=validate.Range(
            min=START_DATES[0],
            max=START_DATES[1],
            error=f"Enter a start date from {START_DATES[0]} to {START_DATES[1]}.",
        ),
        metadata={
            "description": "When study starts (ISO date); default: today.",
            # What the Range above allows, for generated clients (OpenAPI has no date bounds).
            "pattern": r"^(20[0-9][0-9]|2100)-",
        },
    )
    discounts = _CatalogList(
        "discounts",
        metadata={
            "description": "Exam discounts that apply (the catalog's discount ids, e.g. "
            "early_purchase, student_teacher_regulator for students, teachers, regulators and "
            "active-duty military). Never stacked: each exam gets the single best."
        },
    )
    hours_per_week = _number(
        *HOURS_RANGE,
        "the hours you can study each week",
        load_default=DEFAULT_HOURS_PER_WEEK,
        allow_none=True,
    )
    # Credits asked, not assumed (docs/policy.md, "Credits"): read only for a held API or
    # CPCU; null or not_sure plans the default and marks its credits to confirm.
    api_path = _CatalogName(
        "api_path_answers",
        load_default=None,
        allow_none=True,
        metadata={
            "description": "How a held API was earned: the catalog's path id (path-2: API 29, "
            "CPCU 555 and CPCU 556, which count toward the CPCU; path-1: four courses, none "
            "of the CPCU) or not_sure. Read only when the API is held."
        },
    )
    cpcu_concentration = _Word(
        CONCENTRATION_ANSWERS,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The concentration of a held CPCU (personal: CPCU 555 and 556; "
            "commercial: CPCU 551 and 552) or not_sure. Read only when the CPCU is held."
        },
    )
    cpcu_elective = _CatalogName(
        "elective_answers",
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The elective course of a held CPCU (a course code) or not_sure. "
            "Read only when the CPCU is held."
        },
    )

    def __init__(self, catalog: Catalog | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.catalog = catalog

    @pre_load
    def _drop_empty_optionals(self, data: Any, **_: Any) -> Any:
        # A form or CSV sends "" for a field left blank: treat it as not given (JSON: null).
        blank = ("", None) if self.numbers_from_text else (None,)
        if isinstance(data, dict):
            return {
                k: v
                for k, v in data.items()
                if not (k in _OPTIONAL_ANSWERS and any(v is b for b in blank))
            }
        return data

    @validates_schema(skip_on_field_errors=False)
    def _check_codes(self, data: dict[str, Any], **_: Any) -> None:
        catalog = self.catalog
        if catalog is None:
            return
        errors: dict[str, list[str]] = {}
        designations = list(catalog.designations)
        unknown = [
            d for d in data.get("designations", []) if catalog.normalise_designation(d) is None
        ]
        if unknown:
            errors["designations"] = [
                f"Unknown designation {d!r}. {choice_message(d, designations, compact_code)}"
                for d in unknown
            ]
        unknown = [
            c for c in data.get("completed_courses", []) if catalog.normalise_code(c) is None
        ]
        if unknown:
            errors["completed_courses"] = [_unknown_course(c, catalog) for c in unknown]
        discounts = list(catalog.discounts)
        unknown = [d for d in data.get("discounts", []) if as_word(d) not in discounts]
        if unknown:
            errors["discounts"] = [
                f"Unknown discount {d!r}. {choice_message(d, discounts)}" for d in unknown
            ]
        path = data.get("api_path")
        if path is not None and _answer(path, catalog.api_path_answers) is None:
            errors["api_path"] = [
                f"Unknown API path {path!r}. "
                + choice_message(path, catalog.api_path_answers, compact_code)
            ]
        elective = data.get("cpcu_elective")
        if elective is not None and _elective(elective, catalog) is None:
            known = catalog.normalise_code(elective)
            choices = catalog.elective_answers
            errors["cpcu_elective"] = [
                f"{known} is not a CPCU elective. Must be one of: {', '.join(choices)}."
                if known
                else f"Unknown CPCU elective {elective!r}. "
                + choice_message(elective, choices, compact_code)
            ]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _make_profile(self, data: dict[str, Any], **_: Any) -> Profile:
        catalog = self.catalog
        designations = [_designation(d) for d in data["designations"]]
        courses = data["completed_courses"]
        if catalog is not None:
            # Aliases are shown as the catalog's current code ('Ethics 311' is 'ETH 311').
            designations = [catalog.normalise_designation(d) or d for d in designations]
            courses = [catalog.normalise_code(c) or c for c in courses]
        return Profile(
            role=data["role"],
            lines=data["lines"],
            years_experience=data["years_experience"],
            designations=_unique(designations),
            completed_courses=_unique(courses),
            goal=data["goal"],
            hours_per_week=data["hours_per_week"],
            start_date=data["start_date"],
            discounts=_unique(as_word(d) for d in data["discounts"]),
            **self._credit_answers(data, designations),
        )

    def _credit_answers(self, data: dict[str, Any], held: list[str]) -> dict[str, str | None]:
        """The answers on how held designations were earned, for those held only."""
        catalog = self.catalog
        path, elective = data["api_path"], data["cpcu_elective"]
        if catalog is not None:
            path = path and _answer(path, catalog.api_path_answers)
            elective = elective and _elective(elective, catalog)
        return {
            "api_path": path if "API" in held else None,
            "cpcu_concentration": data["cpcu_concentration"] if "CPCU" in held else None,
            "cpcu_elective": elective if "CPCU" in held else None,
        }


class JsonProfileSchema(ProfileSchema):
    """A profile sent as JSON: numbers as JSON numbers, as the OpenAPI document says."""

    numbers_from_text = False


# Blank in a form or CSV cell means "not given" for these (the credit questions take null:
# forms and CSV rosters leave a blank answer out, and the document calls "" invalid).
_OPTIONAL_ANSWERS = ("goal", "hours_per_week")


def _answer(raw: str, choices: tuple[str, ...]) -> str | None:
    """The choice `raw` names, spelt any way ('Path 1', 'path_1' are 'path-1'), or None."""
    return {compact_code(c): c for c in choices}.get(compact_code(raw))


def _elective(raw: str, catalog: Catalog) -> str | None:
    """The CPCU elective (its catalog code) or not_sure that `raw` names, or None."""
    code = catalog.normalise_code(raw)
    if code is not None:
        return code if code in catalog.cpcu.electives else None
    return _answer(raw, (NOT_SURE,))


def _designation(raw: str) -> str:
    return raw.strip().upper()


def _unknown_course(code: str, catalog: Catalog) -> str:
    near = suggestion(code, catalog.courses, compact_code)
    hint = f" Did you mean {near!r}?" if near else ""
    return f"Unknown course code {code!r}.{hint}"


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def load_profile(data: Any, schema: ProfileSchema) -> Profile:
    """Validate raw profile data with `schema`; raise ProfileError naming each bad field."""
    if not isinstance(data, dict):
        raise ProfileError({"_schema": ["A profile must be a JSON object."]})
    try:
        profile: Profile = schema.load(data)
    except ValidationError as exc:
        raise ProfileError(_flat_errors(exc.messages)) from exc
    return profile


def _flat_errors(messages: Any) -> dict[str, list[str]]:
    """Collapse marshmallow's per-index list errors into one list per field."""
    out: dict[str, list[str]] = {}
    for field_name, value in dict(messages).items():
        if isinstance(value, dict):
            out[field_name] = [
                m for sub in value.values() for m in (sub if isinstance(sub, list) else [sub])
            ]
        else:
            out[field_name] = list(value)
    return out


# --- output --------------------------------------------------------------------------------


class ReasonSchema(Schema):
    rule = fields.String(required=True)
    text = fields.String(required=True)
    verified = fields.Boolean(
        metadata={
            "description": "False: a fact it states, or a credit it names, is to confirm "
            "with The Institutes."
        }
    )


class WarningSchema(Schema):
    rule = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The rule that warns, or null for a warning of the planner."},
    )
    text = fields.String(required=True)
    verified = fields.Boolean(
        required=True,
        metadata={"description": "False: the fact it states is to confirm with The Institutes."},
    )


class MonthsSchema(Schema):
    """Whole months from the start date, by the dated plan (windows, the per-window limit,
    course access): `low` when the last exam can first be sat, `high` when its window closes."""

    low = fields.Integer(required=True)
    high = fields.Integer(required=True)


class CourseItemSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    requirement = fields.String(
        required=True,
        validate=validate.OneOf(REQUIREMENTS),
    )
    counts_toward = fields.List(fields.String(), required=True)
    verified = fields.Boolean(required=True)


def _iso_date(description: str) -> fields.String:
    # The planner hands out ISO strings already; document them as dates.
    return fields.String(required=True, metadata={"format": "date", "description": description})


class ExamSchema(Schema):
    code = fields.String(required=True)
    window_start = _iso_date("The first day of the testing window.")
    window_end = _iso_date("The last day of the testing window.")
    ready = _iso_date("When studying the course is done, at the chosen pace.")
    access_ends = _iso_date("When course access (bought when study starts) ends.")
    access_ok = fields.Boolean(
        required=True, metadata={"description": "Whether the exam can be sat before access ends."}
    )


class CostItemSchema(Schema):
    code = fields.String(required=True)
    fee = fields.Float(required=True)
    amount = fields.Float(required=True, metadata={"description": "The fee after discounts."})
    discount = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The one discount applied (the best that applies; ids joined with "
            "'+' where the catalog says they combine), or null for none."
        },
    )
    verified = fields.Boolean(required=True)
    fee_range = fields.Nested(
        "AmountRangeSchema",
        metadata={
            "description": "The fee the sources give, where they disagree (fee is the "
            "planning figure within it)."
        },
    )
    note = fields.String(
        allow_none=True,
        metadata={
            "description": "Why a chosen discount does not apply (e.g. early purchase "
            "for an exam whose window is already open on the start date), or null."
        },
    )


class AmountRangeSchema(Schema):
    low = fields.Float(required=True)
    high = fields.Float(required=True)


class OtherCostSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    amount = fields.Float(
        required=True,
        allow_none=True,
        metadata={
            "description": "Its price where the catalog has a figure; null: not known, "
            "not included."
        },
    )
    per = fields.String(required=True, allow_none=True, metadata={"description": "What for."})
    included = fields.Boolean(
        required=True, metadata={"description": "Whether low and high include it."}
    )
    description = fields.String(required=True)
    verified = fields.Boolean(required=True)


class CostSchema(Schema):
    low = fields.Float(
        required=True,
        metadata={"description": "The exam fees at the planning figure (what sums use)."},
    )
    high = fields.Float(required=True, metadata={"description": "Equal to low."})
    currency = fields.String(required=True)
    verified = fields.Boolean(required=True)
    discounts = fields.List(fields.String(), required=True)
    items = fields.List(fields.Nested(CostItemSchema), required=True)
    range = fields.Nested(
        AmountRangeSchema,
        metadata={"description": "The exam fees over the fee range the sources give."},
    )
    other_costs = fields.List(
        fields.Nested(OtherCostSchema),
        metadata={
            "description": "Costs besides the exam fees, each its own line (course "
            "materials, exam transfers): not in low and high."
        },
    )


class ChangeSchema(Schema):
    field = fields.String(required=True)
    value = fields.Raw(required=True)
    recommended_route = fields.String(required=True, allow_none=True)
    change = fields.String(required=True)


class MilestoneSchema(Schema):
    designation = fields.String(required=True)
    name = fields.String(required=True)
    after_course = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The course whose exam earns it; null if none is left."},
    )
    window_start = fields.String(
        required=True, allow_none=True, metadata={"format": "date", "description": "Its window."}
    )
    window_end = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    verified = fields.Boolean(
        required=True,
        metadata={"description": "False: its requirements are to confirm with The Institutes."},
    )
    experience_months = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Months of insurance work also needed for conferment."},
    )
    note = fields.String(required=True, allow_none=True)
    months = fields.Nested(
        "MonthsSchema",
        allow_none=True,
        metadata={
            "description": "In how many months from the start it is earned, by the dated plan: "
            "low when its last exam can first be sat, high when that window closes."
        },
    )


class CreditSchema(Schema):
    code = fields.String(required=True)
    requirement = fields.String(required=True, validate=validate.OneOf(REQUIREMENTS))
    counts_toward = fields.List(fields.String(), required=True)
    by = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "What credits it: held designations, 'passed' (a course "
            "passed) or 'held' (a route whose designations are all held)."
        },
    )
    verified = fields.Boolean(
        required=True,
        metadata={
            "description": "False: to confirm (the person did not say how they earned "
            "the designation, or the catalog does not confirm what it credits)."
        },
    )
    assumed = fields.Boolean(
        required=True,
        metadata={"description": "The plan assumes an answer the person did not give."},
    )


class CreditAlternativeSchema(Schema):
    field = fields.String(
        required=True, metadata={"description": "The profile field of the open question."}
    )
    value = fields.String(required=True, metadata={"description": "The other answer."})
    holder = fields.String(required=True)
    assumption = fields.String(required=True)
    remaining_courses = fields.List(fields.String(), required=True)
    credited_by_holder = fields.List(fields.String(), required=True)
    estimated_months = fields.Nested(MonthsSchema, required=True)
    text = fields.String(required=True)


class RouteSchema(Schema):
    route = fields.String(required=True, validate=validate.OneOf(ROUTES))
    name = fields.String(required=True)
    fit = fields.String(required=True, validate=validate.OneOf(FITS))
    folded_into = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(ROUTES),
        metadata={
            "description": "The person is on this route already; what is left of it is this "
            "route (e.g. an API holder's combined route is the CPCU)."
        },
    )
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    api_path = fields.String(allow_none=True, required=True)
    concentration = fields.String(allow_none=True, required=True)
    credited_courses = fields.List(fields.String(), required=True)
    remaining_courses = fields.List(fields.Nested(CourseItemSchema), required=True)
    estimated_months = fields.Nested(MonthsSchema, required=True)
    warnings = fields.List(fields.Nested(WarningSchema), required=True)
    to_confirm = fields.List(fields.String(), required=True)
    exam_schedule = fields.List(fields.Nested(ExamSchema), required=True)
    estimated_cost = fields.Nested(CostSchema, required=True)
    milestones = fields.List(
        fields.Nested(MilestoneSchema),
        required=True,
        metadata={
            "description": "Each designation of the route not yet held, in the order earned."
        },
    )
    credits = fields.List(
        fields.Nested(CreditSchema),
        metadata={
            "description": "The credited courses (credited_courses), each with what "
            "credits it and whether that is confirmed."
        },
    )
    credit_alternatives = fields.List(
        fields.Nested(CreditAlternativeSchema),
        metadata={
            "description": "For each question on how a held designation was earned that "
            "the person left open: what the other answer leaves of this route."
        },
    )
    status = fields.String(
        validate=validate.OneOf((*FITS, "held", "in_progress")),
        metadata={
            "description": "What the route's badge says: its fit, or held (every "
            "designation of it held), or in_progress (some held, the rest suitable)."
        },
    )
    status_note = fields.String(
        metadata={
            "description": "The sentence under the badge where the bare fit would "
            "mislead (empty when none)."
        }
    )


class AlsoConsiderSchema(Schema):
    designation = fields.String(required=True)
    name = fields.String(required=True)
    reason = fields.String(required=True)
    rule = fields.String(required=True)
    verified = fields.Boolean(required=True)


class ProfileEchoSchema(Schema):
    role = fields.String()
    lines = fields.String()
    years_experience = fields.Float()
    designations = fields.List(fields.String())
    completed_courses = fields.List(fields.String())
    goal = fields.String()
    hours_per_week = fields.Float()
    start_date = fields.String(metadata={"format": "date"})
    discounts = fields.List(fields.String())
    api_path = fields.String(allow_none=True)
    cpcu_concentration = fields.String(allow_none=True)
    cpcu_elective = fields.String(allow_none=True)


class FactToConfirmSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    source = fields.String(required=True)


class RecommendationSchema(Schema):
    """The recommendation object of CONTRACT.md."""

    class Meta:
        unknown = EXCLUDE

    recommended_route = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(ROUTES)
    )
    summary = fields.String(required=True)
    routes = fields.List(fields.Nested(RouteSchema), required=True)
    also_consider = fields.List(fields.Nested(AlsoConsiderSchema), required=True)
    facts_to_confirm = fields.List(
        fields.Nested("FactToConfirmSchema"),
        metadata={"description": "The catalog's facts that no official source confirms."},
    )
    fired_rules = fields.List(fields.String(), required=True)
    what_would_change = fields.List(fields.Nested(ChangeSchema), required=True)
    rules_version = fields.String(required=True)
    profile = fields.Nested(ProfileEchoSchema, required=True)
