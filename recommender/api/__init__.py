"""The JSON API: /api/v1, /healthz, the OpenAPI document at /api/openapi.json, docs at /api/docs.

recommendations.py (profiles in, advice out; the catalog and the rules), team_plans.py (a
roster in, a team plan out), saved_teams.py (teams kept for a manager, token-authenticated by
auth.py), sharing.py (a team's colleagues and owner), overview.py, health.py, docs.py;
schemas.py (catalog, rules, health) and saved_teams_schemas.py hold their bodies' and
answers' shapes.
create_app registers each blueprint on the document that document() makes.
"""

from __future__ import annotations

import flask_smorest
from flask import Flask

from ..extensions import EXTENSION
from ..http.errorhandlers import ErrorSchema
from .auth import BEARER, BEARER_SCHEME
from .docs import bp as docs
from .docs import catalog_choices
from .health import bp as health
from .overview import bp as overview
from .recommendations import bp as recommendations
from .saved_teams import bp as saved_teams
from .sharing import bp as colleagues
from .team_plans import bp as team_plans

__all__ = [
    "colleagues",
    "docs",
    "document",
    "health",
    "overview",
    "recommendations",
    "saved_teams",
    "team_plans",
]


class Api(flask_smorest.Api):
    """flask-smorest's Api, documenting our error envelope for every error response."""

    ERROR_SCHEMA = ErrorSchema


def document(app: Flask) -> Api:
    """The OpenAPI document of `app`: the catalog's names as choices, the bearer-token scheme."""
    api = Api(app)
    catalog = app.extensions[EXTENSION].catalog
    api.ma_plugin.converter.add_attribute_function(catalog_choices(catalog))
    api.spec.components.security_scheme(BEARER, BEARER_SCHEME)
    return api
