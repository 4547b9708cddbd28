"""Single sign-on's settings: CAREER_PATH_OIDC_* and CAREER_PATH_PASSWORD_LOGIN, checked when
the app starts (SsoSettingsError names the variable); docs/organization.md lists them.

Single sign-on is on when the issuer, the client id and its secret are all set. Nothing here
talks to the provider: its discovery document is fetched at the first sign-in
(recommender/http/oidc.py), so the app starts while the provider is down.

CAREER_PATH_* values are parsed as JSON when they parse (create_app's from_prefixed_env): a
client id of digits arrives as a number and `false` as a boolean, so each is read back here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app

from ..config import SettingError, setting_flag, setting_number, setting_text
from ..store.models import ROLES

EXTENSION = "career_path_sso"
REQUIRED = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
LOOPBACK = ("localhost", "127.0.0.1", "::1")


class SsoSettingsError(SettingError):
    """A single sign-on setting that cannot be used: names the variable and what it must be."""


@dataclass(frozen=True)
class SsoSettings:
    """The settings as read; issuer None means single sign-on is off."""

    issuer: str | None = None
    client_id: str = ""
    client_secret: str = ""
    name: str = "SSO"
    scopes: str = "openid email profile"
    default_role: str = "adviser"
    role_claim: str | None = None
    role_map: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    password_login: bool = True

    @property
    def on(self) -> bool:
        return self.issuer is not None


def _issuer(value: str) -> str:
    parts = urlsplit(value)
    local_http = parts.scheme == "http" and parts.hostname in LOOPBACK
    if not (parts.scheme == "https" or local_http) or not parts.hostname:
        raise SsoSettingsError(
            "CAREER_PATH_OIDC_ISSUER must be the provider's https:// address, exactly as its "
            f"discovery document says it (http:// only on this machine), not {value!r}."
        )
    if parts.query or parts.fragment:
        raise SsoSettingsError("CAREER_PATH_OIDC_ISSUER must have no ?query or #fragment.")
    return value


def _scopes(value: Any) -> str:
    scopes = (setting_text(value) or "").split()
    if "openid" not in scopes or "email" not in scopes:
        raise SsoSettingsError(
            "CAREER_PATH_OIDC_SCOPES must include openid and email (people are matched by "
            f"e-mail), e.g. 'openid email profile', not {value!r}."
        )
    return " ".join(scopes)


def _role(name: str, value: Any) -> str:
    if value not in ROLES:
        raise SsoSettingsError(f"CAREER_PATH_{name} must be one of {', '.join(ROLES)}: {value!r}.")
    return str(value)


def _role_map(value: Any) -> dict[str, str]:
    example = '{"learning-admins": "admin", "advisers": "adviser"}'
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict) or not value:
        raise SsoSettingsError(
            f"CAREER_PATH_OIDC_ROLE_MAP must be a JSON object of claim values and roles, e.g. "
            f"{example}."
        )
    return {str(key): _role("OIDC_ROLE_MAP's values", role) for key, role in value.items()}


def _timeout(value: Any) -> float:
    seconds = setting_number(value, 0.1, 120)
    if seconds is None:
        raise SsoSettingsError("CAREER_PATH_OIDC_TIMEOUT must be a number of seconds, 0.1 to 120.")
    return seconds


def read_settings(config: Mapping[str, Any]) -> SsoSettings:
    """The settings of an app's config (SsoSettingsError names a bad or missing one)."""
    password_login = setting_flag(
        "PASSWORD_LOGIN", config.get("PASSWORD_LOGIN"), True, SsoSettingsError
    )
    given = {name: setting_text(config.get(name)) for name in REQUIRED}
    if not any(given.values()):
        if not password_login:
            raise SsoSettingsError(
                "CAREER_PATH_PASSWORD_LOGIN=false needs single sign-on: set "
                "CAREER_PATH_OIDC_ISSUER, CAREER_PATH_OIDC_CLIENT_ID and "
                "CAREER_PATH_OIDC_CLIENT_SECRET, or nobody could sign in."
            )
        return SsoSettings()
    for name, value in given.items():
        if value is None:
            raise SsoSettingsError(
                f"CAREER_PATH_{name} is not set: single sign-on needs CAREER_PATH_OIDC_ISSUER, "
                "CAREER_PATH_OIDC_CLIENT_ID and CAREER_PATH_OIDC_CLIENT_SECRET."
            )
    claim = setting_text(config.get("OIDC_ROLE_CLAIM"))
    mapping = config.get("OIDC_ROLE_MAP")
    if (claim is None) != (mapping in (None, "")):
        missing = "OIDC_ROLE_MAP" if claim else "OIDC_ROLE_CLAIM"
        raise SsoSettingsError(
            f"CAREER_PATH_{missing} is not set: roles come from the provider only with both "
            "CAREER_PATH_OIDC_ROLE_CLAIM (e.g. groups) and CAREER_PATH_OIDC_ROLE_MAP."
        )
    return SsoSettings(
        issuer=_issuer(str(given["OIDC_ISSUER"])),
        client_id=str(given["OIDC_CLIENT_ID"]),
        client_secret=str(given["OIDC_CLIENT_SECRET"]),
        name=(setting_text(config.get("OIDC_NAME")) or "SSO")[:60],
        scopes=_scopes(config.get("OIDC_SCOPES")),
        default_role=_role("OIDC_DEFAULT_ROLE", config.get("OIDC_DEFAULT_ROLE")),
        role_claim=claim,
        role_map=_role_map(mapping) if claim else {},
        timeout=_timeout(config.get("OIDC_TIMEOUT")),
        password_login=password_login,
    )


def configure_sso(app: Flask) -> SsoSettings:
    """Check the settings and keep them on `app` (SsoSettingsError names a bad one)."""
    settings = read_settings(app.config)
    app.extensions[EXTENSION] = settings
    return settings


def sso_settings() -> SsoSettings:
    """The single sign-on settings of the current app."""
    found: SsoSettings = current_app.extensions[EXTENSION]
    return found


def password_login() -> bool:
    """Whether people may sign in with a password on the web (the current app)."""
    return sso_settings().password_login
