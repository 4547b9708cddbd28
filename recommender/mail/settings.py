"""Mail settings: CAREER_PATH_SMTP_* and CAREER_PATH_MAIL_FROM, read into Flask-Mailman's MAIL_*.

Traps of Flask-Mailman 1.1.1, and what this module does about them:

- Under TESTING, without MAIL_BACKEND, it keeps every mail in memory (the "locmem" backend) and
  sends nothing: MAIL_BACKEND is always set, to the verifying SMTP backend (backend.py).
- It reads its settings once, in `init_app`: configure_mail runs before it.
- Without MAIL_TIMEOUT a silent server holds a sender for ever: the timeout is always set.
- CAREER_PATH_* values are parsed as JSON when they parse (create_app's from_prefixed_env): a
  password of digits arrives as a number and `true` as a boolean, so each is read back here
  (config.setting_text and friends).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from ..config import SettingError, setting_flag, setting_number, setting_text
from .backend import VerifyingEmailBackend

DEFAULT_FROM = "career-path@localhost"


class MailSettingsError(SettingError):
    """A mail setting that cannot be used: names the variable and what it must be."""


@dataclass(frozen=True)
class MailSettings:
    """The mail settings as read: host None means mail is off."""

    host: str | None
    port: int
    username: str | None
    password: str | None
    starttls: bool
    timeout: float
    sender: str
    base_url: str | None
    max_attempts: int

    @property
    def on(self) -> bool:
        return self.host is not None

    def describe(self) -> str:
        """Where mail goes, in words (never the password)."""
        if not self.on:
            return "Mail is off: CAREER_PATH_SMTP_HOST is not set."
        tls = "STARTTLS" if self.starttls else "no TLS"
        who = f", as {self.username}" if self.username else ""
        return f"Mail is on: {self.host}:{self.port} ({tls}{who}), from {self.sender}."


def _number(name: str, value: Any, low: float, high: float) -> float:
    number = setting_number(value, low, high)
    if number is None:
        raise MailSettingsError(f"CAREER_PATH_{name} must be a number from {low:g} to {high:g}.")
    return number


def read_settings(config: Any) -> MailSettings:
    """The mail settings of an app's config (MailSettingsError names a bad one)."""
    port = _number("SMTP_PORT", config.get("SMTP_PORT"), 1, 65535)
    if port != int(port):
        raise MailSettingsError("CAREER_PATH_SMTP_PORT must be a whole number.")
    base_url = setting_text(config.get("BASE_URL"))
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")):
            raise MailSettingsError(
                "CAREER_PATH_BASE_URL must start with http:// or https:// "
                f"(the address people open career-path at), not {base_url!r}."
            )
        base_url = base_url.rstrip("/")
    return MailSettings(
        host=setting_text(config.get("SMTP_HOST")),
        port=int(port),
        username=setting_text(config.get("SMTP_USERNAME")),
        password=setting_text(config.get("SMTP_PASSWORD")),
        starttls=setting_flag(
            "SMTP_STARTTLS", config.get("SMTP_STARTTLS"), False, MailSettingsError
        ),
        timeout=_number("SMTP_TIMEOUT", config.get("SMTP_TIMEOUT"), 0.1, 300),
        sender=setting_text(config.get("MAIL_FROM")) or DEFAULT_FROM,
        base_url=base_url,
        max_attempts=int(_number("MAIL_MAX_ATTEMPTS", config.get("MAIL_MAX_ATTEMPTS"), 1, 1000)),
    )


def configure_mail(app: Flask) -> None:
    """Check the mail settings and hand them to Flask-Mailman (before its init_app)."""
    settings = read_settings(app.config)
    app.extensions["career_path_mail"] = settings
    app.config.update(
        MAIL_BACKEND=VerifyingEmailBackend,
        MAIL_SERVER=settings.host or "localhost",
        MAIL_PORT=settings.port,
        MAIL_USERNAME=settings.username,
        MAIL_PASSWORD=settings.password,
        MAIL_USE_TLS=settings.starttls,
        MAIL_USE_SSL=False,
        MAIL_TIMEOUT=settings.timeout,
        MAIL_DEFAULT_SENDER=settings.sender,
    )


def mail_settings() -> MailSettings:
    """The mail settings of the current app."""
    found: MailSettings = current_app.extensions["career_path_mail"]
    return found
