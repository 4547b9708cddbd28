"""API authentication: every saved-teams call carries a bearer token (`tokens create`)."""

from __future__ import annotations

from typing import Any

from flask import g, request

from ..accounts.tokens import user_for_token
from ..http.errorhandlers import error_response
from ..store.models import User

# The OpenAPI document's security scheme, and the requirement of each endpoint that needs it.
BEARER = "bearerAuth"
BEARER_SCHEME = {"type": "http", "scheme": "bearer", "description": "An API token from the CLI."}
SECURITY: list[dict[str, list[str]]] = [{BEARER: []}]


def require_token() -> Any:
    """Let a request with a valid bearer token through; answer any other 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return error_response(
            401,
            "Send an API token: Authorization: Bearer TOKEN (career-path tokens create EMAIL).",
            headers=[("WWW-Authenticate", 'Bearer realm="career-path"')],
        )
    g.api_user = user
    return None


def token_user() -> User:
    """The user whose token this request carries (after require_token)."""
    user: User = g.api_user
    return user
