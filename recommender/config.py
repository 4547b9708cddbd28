"""Defaults for the app and the CLI; environment variables prefixed CAREER_PATH_ override them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ENV_PREFIX = "CAREER_PATH"
DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# The app's settings; CAREER_PATH_<NAME> overrides one (its value parsed as JSON when it
# parses, e.g. CAREER_PATH_MAX_CONTENT_LENGTH=2097152), then create_app(config) does.
DEFAULTS: dict[str, Any] = {
    "RULES_DIR": DEFAULT_RULES_DIR,
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # bytes; a larger request body gets 413
    # Team plans take a roster file, larger than a profile: their own limits (413 and 422).
    "TEAM_MAX_BYTES": 5 * 1024 * 1024,
    "TEAM_MAX_ROWS": 50_000,
    "LOG_LEVEL": "INFO",
    "CONTENT_SECURITY_POLICY": CONTENT_SECURITY_POLICY,
    "REFERRER_POLICY": "no-referrer",
    # Sessions (saved teams' pages). True or false: the session cookie is Secure or not; None:
    # Secure when the request came over HTTPS (behind a proxy, with PROXY_FIX set, when the
    # proxy says it did).
    "SECURE_COOKIES": None,
    # How many proxies in front set X-Forwarded-For/-Proto/-Host (0: trust none of them).
    "PROXY_FIX": 0,
    # The pages of saved teams check their forms themselves (csrf.protect() in their
    # blueprints): the anonymous pages hold no session and change nothing, and the API uses
    # tokens.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    # Over HTTPS Flask-WTF also wants a same-site Referer, which our Referrer-Policy
    # (no-referrer) means browsers never send: the token and SameSite=Lax protect the forms.
    "WTF_CSRF_SSL_STRICT": False,
    # Mail (recommender/mail/): without SMTP_HOST mail is off and mails wait in the outbox.
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "SMTP_TIMEOUT": 10,  # seconds; mails are sent after the response, never during it
    "MAIL_FROM": None,  # e.g. "career-path <career-path@example.com>"
    "BASE_URL": None,  # links in mails start with it, e.g. https://career-path.example.com
    "MAIL_MAX_ATTEMPTS": 10,  # then a mail is failed for good (about 6 hours of retries)
    # Single sign-on (recommender/accounts/sso_settings.py, docs/organization.md): on when the
    # issuer, the client id and its secret are set.
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_NAME": "SSO",  # the button says "Sign in with <name>"
    "OIDC_SCOPES": "openid email profile",
    "OIDC_DEFAULT_ROLE": "adviser",  # the least a person signed in by the provider can do
    "OIDC_ROLE_CLAIM": None,  # e.g. "groups", with OIDC_ROLE_MAP
    "OIDC_ROLE_MAP": None,  # e.g. {"learning-admins": "admin", "advisers": "adviser"}
    "OIDC_TIMEOUT": 10,  # seconds to wait for the provider (discovery, token, keys, userinfo)
    "PASSWORD_LOGIN": True,  # false (with single sign-on on): no password sign-in on the web
    # flask-smorest: the OpenAPI document at /api/openapi.json.
    "API_TITLE": "career-path",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Recommend the API, the CPCU or the combined route for an insurance "
                "professional, with the reasons and a course plan. Every error is answered "
                'with one envelope: {"code", "status", "message", "errors"}.'
            )
        }
    },
}

# `career-path serve` and bin/serve: flags win over these environment variables.
SERVE_DEFAULTS = {"HOST": "127.0.0.1", "PORT": "8000", "WORKERS": "2", "THREADS": "4"}


def rules_dir_from_env() -> Path:
    """The rules directory: $CAREER_PATH_RULES_DIR, else the rules/ shipped with the code."""
    return Path(os.environ.get("CAREER_PATH_RULES_DIR") or DEFAULT_RULES_DIR)


# Reading CAREER_PATH_* values back: create_app's from_prefixed_env parses each as JSON when it
# parses, so a password of digits arrives as a number and `true` as a boolean.


class SettingError(ValueError):
    """A setting that cannot be used: names the variable and what it must be."""


def setting_text(value: Any) -> str | None:
    """A setting as text, stripped; None when unset or blank."""
    if value is None or value == "":
        return None
    return str(value).strip() or None


def setting_flag(
    name: str, value: Any, default: bool, error: type[SettingError] = SettingError
) -> bool:
    """CAREER_PATH_<name> as true/false (also 1/0, yes/no, on/off); default when unset."""
    if isinstance(value, bool):
        return value
    text = setting_text(value)
    if text is None:
        return default
    if text.lower() in ("true", "1", "yes", "on"):
        return True
    if text.lower() in ("false", "0", "no", "off"):
        return False
    raise error(f"{ENV_PREFIX}_{name} must be true or false, not {value!r}.")


def setting_number(value: Any, low: float, high: float) -> float | None:
    """A setting as a number within [low, high], or None when it is not one."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None
