"""The JSON API: /api/v1, /healthz, the OpenAPI document at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

import flask_smorest
from flask import Flask

from ..extensions import EXTENSION
from .docs import catalog_choices, docs
from .schemas import ErrorSchema
from .team import team
from .teams import init_teams_api
from .views import health, v1


class Api(flask_smorest.Api):
    """flask-smorest's Api, documenting our error envelope for every error response."""

    ERROR_SCHEMA = ErrorSchema


def init_api(app: Flask) -> None:
    """Register the API's blueprints, its OpenAPI document and its docs page on `app`."""
    api = Api(app)
    catalog = app.extensions[EXTENSION].catalog
    api.ma_plugin.converter.add_attribute_function(catalog_choices(catalog))
    api.register_blueprint(v1)
    api.register_blueprint(team)
    init_teams_api(api)  # saved teams, with their security scheme
    api.register_blueprint(health)
    app.register_blueprint(docs)
