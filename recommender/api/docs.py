"""The interactive API docs at /api/docs: Swagger UI from the installed package, no CDN."""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, Response, render_template, send_from_directory

# Swagger UI's dist files, as shipped by the flask-swagger-ui package (only its files are used:
# its page has an inline script, which our Content-Security-Policy forbids).
SWAGGER_UI_DIR = str(files("flask_swagger_ui") / "dist")

docs = Blueprint(
    "api_docs_ui",
    __name__,
    url_prefix="/api/docs",
    template_folder="templates",
    static_folder="static",
)


@docs.route("")
def index() -> str:
    """Show the interactive documentation of the OpenAPI document."""
    return render_template("api/docs.html")


@docs.route("/swagger-ui/<path:filename>")
def swagger_ui(filename: str) -> Response:
    """Serve one of Swagger UI's files."""
    return send_from_directory(SWAGGER_UI_DIR, filename)
