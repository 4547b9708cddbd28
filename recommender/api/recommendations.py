"""/api/v1: recommendations (JSON and calendar), the catalog and the rules; thin views."""

from __future__ import annotations

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from ..catalog import Catalog
from ..extensions import current_recommender
from ..http.downloads import calendar_download
from ..http.errorhandlers import error_response
from ..http.json_body import json_profile
from ..ics import exam_calendar
from ..rulebook import Rulebook
from ..schemas import JsonProfileSchema, RecommendationSchema
from ..vocabulary import ROUTES, choice_message
from .schemas import CatalogSchema, RulesSchema

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="The JSON API, version 1.")


@bp.route("/recommendations", methods=["POST"])
@bp.doc(
    description=(
        "The body is one profile. Course codes are matched loosely (`cpcu555` is `CPCU 555`); "
        "an unknown course or designation is named under its field in the 422 answer."
    ),
    requestBody={"required": True, "content": {"application/json": {"schema": JsonProfileSchema}}},
)
@bp.response(200, RecommendationSchema)
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@bp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@bp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@bp.alt_response(400, response="BAD_REQUEST")
def recommend() -> Response:
    """Recommend a route for one profile."""
    # The answer is RecommendationSchema-shaped already (a test holds it to that), and a
    # marshmallow dump of it cost as much as the rest of the request: a Response skips it.
    # The encoded answer is kept per profile: a repeated profile costs a look-up.
    answer = current_recommender().recommend_json(json_profile())
    return Response(answer, mimetype="application/json")


@bp.route("/recommendations/calendar", methods=["POST"])
@bp.doc(
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
@bp.response(
    200,
    content_type="text/calendar",
    description="The exam windows as an iCalendar (RFC 5545) document.",
)
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@bp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@bp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@bp.alt_response(400, response="BAD_REQUEST")
def calendar() -> ResponseReturnValue:
    """Give the exam plan of a profile's recommended route as an iCalendar file."""
    route = request.args.get("route")
    if route is not None and route not in ROUTES:
        return error_response(
            422, "Unknown route.", {"route": [choice_message(route, ROUTES, str.upper)]}
        )
    answer = current_recommender().recommend(json_profile())
    return calendar_download(exam_calendar(answer, route), "exam-plan.ics")


@bp.route("/catalog")
@bp.response(200, CatalogSchema)
def catalog() -> Catalog:
    """Describe the designations, API paths, CPCU structure and courses, with their sources."""
    return current_recommender().catalog


@bp.route("/rules")
@bp.response(200, RulesSchema)
def rules() -> Rulebook:
    """List every rule: its id, kind, description and file."""
    return current_recommender().rulebook
