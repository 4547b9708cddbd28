"""The API's views: each parses the request, calls one function, lets a schema dump the answer."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from ..catalog import Catalog
from ..errorhandlers import error_response
from ..errors import ProfileError
from ..extensions import current_recommender, profile_from_json
from ..ics import exam_calendar
from ..planner import Profile
from ..rulebook import Rulebook
from ..schemas import JsonProfileSchema, RecommendationSchema
from ..vocabulary import ROUTES, choice_message
from .schemas import CatalogSchema, HealthSchema, RulesSchema

v1 = Blueprint("api", __name__, url_prefix="/api/v1", description="The JSON API, version 1.")
health = Blueprint("health", __name__, description="Whether the service is up.")


@v1.errorhandler(ProfileError)
def invalid_profile(error: ProfileError) -> Any:
    """Answer an invalid profile with 422, naming each offending field."""
    return error_response(422, "The profile is invalid.", error.errors)


@v1.route("/recommendations", methods=["POST"])
@v1.doc(
    description=(
        "The body is one profile. Course codes are matched loosely (`cpcu555` is `CPCU 555`); "
        "an unknown course or designation is named under its field in the 422 answer."
    ),
    requestBody={"required": True, "content": {"application/json": {"schema": JsonProfileSchema}}},
)
@v1.response(200, RecommendationSchema)
@v1.alt_response(422, response="UNPROCESSABLE_ENTITY")
@v1.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@v1.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@v1.alt_response(400, response="BAD_REQUEST")
def recommend() -> Response:
    """Recommend a route for one profile."""
    # The answer is RecommendationSchema-shaped already (a test holds it to that), and a
    # marshmallow dump of it cost as much as the rest of the request: a Response skips it.
    # The encoded answer is kept per profile: a repeated profile costs a look-up.
    answer = current_recommender().recommend_json(_json_profile())
    return Response(answer, mimetype="application/json")


@v1.route("/recommendations/calendar", methods=["POST"])
@v1.doc(
    description=(
        "The same body as `/recommendations`; the answer is the recommended route's exam plan "
        "as an iCalendar file (one all-day event per testing window). `?route=` picks another "
        "route."
    ),
    requestBody={"required": True, "content": {"application/json": {"schema": JsonProfileSchema}}},
    parameters=[
        {
            "in": "query",
            "name": "route",
            "required": False,
            "schema": {"type": "string", "enum": list(ROUTES)},
        }
    ],
    responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}},
)
@v1.response(
    200,
    content_type="text/calendar",
    description="The exam windows as an iCalendar (RFC 5545) document.",
)
@v1.alt_response(422, response="UNPROCESSABLE_ENTITY")
@v1.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@v1.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@v1.alt_response(400, response="BAD_REQUEST")
def calendar() -> ResponseReturnValue:
    """Give the exam plan of a profile's recommended route as an iCalendar file."""
    route = request.args.get("route")
    if route is not None and route not in ROUTES:
        return error_response(
            422, "Unknown route.", {"route": [choice_message(route, ROUTES, str.upper)]}
        )
    answer = current_recommender().recommend(_json_profile())
    return Response(
        exam_calendar(answer, route),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="exam-plan.ics"'},
    )


@v1.route("/catalog")
@v1.response(200, CatalogSchema)
def catalog() -> Catalog:
    """Describe the designations, API paths, CPCU structure and courses, with their sources."""
    return current_recommender().catalog


@v1.route("/rules")
@v1.response(200, RulesSchema)
def rules() -> Rulebook:
    """List every rule: its id, kind, description and file."""
    return current_recommender().rulebook


@health.route("/healthz")
@health.response(200, HealthSchema)
def healthz() -> dict[str, str]:
    """Say that the service is up with its rules loaded."""
    return {"status": "ok"}


def _json_profile() -> Profile:
    """The profile in the JSON body: 415 unless declared JSON, 400 unless it parses, else 422."""
    if not request.is_json:
        abort(415, "Send the body as JSON, with Content-Type: application/json.")
    return profile_from_json(request.get_data(), parse_json)  # 413 past MAX_CONTENT_LENGTH


def parse_json(data: bytes) -> Any:
    """Parse a JSON body; abort with a 400 that says, in words, what is wrong with it."""
    try:
        return json.loads(data, parse_constant=_no_constant)
    except _NotJsonNumber as exc:
        abort(400, f"The body is not valid JSON: {exc} is not a JSON number.")
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        abort(400, f"The body is not valid JSON: {exc.msg} at {where}.")
    except UnicodeDecodeError:
        abort(400, "The body is not valid JSON: it is not UTF-8 text.")
    except RecursionError:
        abort(400, "The body is not valid JSON that we accept: it is nested too deeply.")
    except ValueError:
        # Python refuses integers of more than 4,300 digits.
        abort(400, "The body is not valid JSON that we accept: a number in it has too many digits.")


class _NotJsonNumber(ValueError):
    pass


def _no_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which JSON (RFC 8259) does not have.
    raise _NotJsonNumber(name)
