"""The API docs: Swagger UI at /api/docs (local files, no CDN), and the catalog in the document."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, render_template, send_from_directory

from ..catalog import Catalog

# Swagger UI's dist files, as shipped by the flask-swagger-ui package (only its files are used:
# its page has an inline script, which our Content-Security-Policy forbids).
SWAGGER_UI_DIR = str(files("flask_swagger_ui") / "dist")

bp = Blueprint(
    "api_docs",
    __name__,
    url_prefix="/api/docs",
    template_folder="templates",
    static_folder="static",
)


@bp.route("")
def index() -> str:
    """Show the interactive documentation of the OpenAPI document."""
    return render_template("api/docs.html")


@bp.route("/swagger-ui/<path:filename>")
def swagger_ui(filename: str) -> Response:
    """Serve one of Swagger UI's files."""
    return send_from_directory(SWAGGER_UI_DIR, filename)


def catalog_choices(catalog: Catalog) -> Callable[..., dict[str, Any]]:
    """An apispec attribute function: a catalog list field's items are the catalog's names.

    The OpenAPI document is made with the app's catalog, so that it lists exactly the
    designations, course codes and discounts that the profile schema accepts (a field of one
    name, such as a progress record's course, lists them as its own choices).
    """

    def attribute(_converter: Any, field: Any, ret: dict[str, Any], **_: Any) -> dict[str, Any]:
        names = getattr(field, "catalog_names", None)
        if not names:
            return {}
        if "items" not in ret:  # one name rather than a list of them
            # OpenAPI 3.0: null is valid for a nullable enum only if the enum lists it too.
            return {"enum": [*getattr(catalog, names), *([None] if field.allow_none else [])]}
        return {"items": {**ret.get("items", {}), "enum": list(getattr(catalog, names))}}

    return attribute
