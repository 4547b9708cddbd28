"""GET /healthz: the service is up with its rules loaded (for load balancers, monitors)."""

from __future__ import annotations

from flask_smorest import Blueprint

from .schemas import HealthSchema

bp = Blueprint("health", __name__, description="Whether the service is up.")


@bp.route("/healthz")
@bp.response(200, HealthSchema)
def healthz() -> dict[str, str]:
    """Say that the service is up with its rules loaded."""
    return {"status": "ok"}
