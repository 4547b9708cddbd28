"""The profile coming in: one ProfileSchema for the API, the form, the command line and rosters."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from ..catalog import Catalog, compact_code
from ..errors import ProfileError, field_errors
from ..planner import Profile
from ..vocabulary import (
    CONCENTRATION_ANSWERS,
    DEFAULT_GOAL,
    DEFAULT_HOURS_PER_WEEK,
    GOALS,
    HOURS_RANGE,
    LINES,
    NOT_SURE,
    ROLES,
    YEARS_RANGE,
    as_word,
    choice_message,
    suggestion,
)
from .values import CatalogList, CatalogName, Word, number

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


class ProfileSchema(Schema):
    """One person's profile (docs/policy.md, "Inputs"); course codes in catalog form."""

    # Forms and CSV rosters send every value as text; the JSON API's schema says False.
    numbers_from_text = True

    role = Word(ROLES, required=True)
    lines = Word(LINES, required=True)
    years_experience = number(*YEARS_RANGE, "your years of experience", required=True)
    designations = CatalogList("designations")
    completed_courses = CatalogList("courses")
    # allow_none documents (e.g. in the OpenAPI document) that null means "not given":
    # _drop_empty_optionals removes it before these fields see it.
    goal = Word(GOALS, load_default=DEFAULT_GOAL, allow_none=True)
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
    discounts = CatalogList(
        "discounts",
        metadata={
            "description": "Exam discounts that apply (the catalog's discount ids, e.g. "
            "early_purchase, student_teacher_regulator for students, teachers, regulators and "
            "active-duty military). Never stacked: each exam gets the single best."
        },
    )
    hours_per_week = number(
        *HOURS_RANGE,
        "the hours you can study each week",
        load_default=DEFAULT_HOURS_PER_WEEK,
        allow_none=True,
    )
    # Credits asked, not assumed (docs/policy.md, "Credits"): read only for a held API or
    # CPCU; null or not_sure plans the default and marks its credits to confirm.
    api_path = CatalogName(
        "api_path_answers",
        load_default=None,
        allow_none=True,
        metadata={
            "description": "How a held API was earned: the catalog's path id (path-2: API 29, "
            "CPCU 555 and CPCU 556, which count toward the CPCU; path-1: four courses, none "
            "of the CPCU) or not_sure. Read only when the API is held."
        },
    )
    cpcu_concentration = Word(
        CONCENTRATION_ANSWERS,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The concentration of a held CPCU (personal: CPCU 555 and 556; "
            "commercial: CPCU 551 and 552) or not_sure. Read only when the CPCU is held."
        },
    )
    cpcu_elective = CatalogName(
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
    """One list per top-level field: a list field's per-index errors ("discounts.0") collapse
    into the field's own ("discounts")."""
    out: dict[str, list[str]] = {}
    for field, texts in field_errors(messages).items():
        out.setdefault(field.split(".")[0], []).extend(texts)
    return out
