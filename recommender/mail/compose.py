"""Mails composed from templates: a plain-text part holding every link, and an HTML part.

Each mail is a pair of templates in templates/mail/: NAME.txt (its first line "Subject: ...")
and NAME.html (autoescaped, so no text of a person can become markup). Links in mails start with
CAREER_PATH_BASE_URL; without it, with the address the request came to (links_base).
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, request
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .settings import mail_settings

log = logging.getLogger(__name__)

_templates = Environment(
    loader=PackageLoader("recommender.mail", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
# The text part is plain text: it is written out as it is, never escaped.
_text_templates = _templates.overlay(autoescape=False)


class NoBaseUrl(RuntimeError):
    """Links cannot be made: CAREER_PATH_BASE_URL is not set and no request says the address."""

    def __init__(self) -> None:
        super().__init__(
            "Set CAREER_PATH_BASE_URL to the address people open career-path at "
            "(e.g. https://career-path.example.com): links in mails start with it."
        )


@dataclass(frozen=True)
class Composed:
    """A mail ready for the outbox."""

    subject: str
    text: str
    html: str


def compose(name: str, **context: Any) -> Composed:
    """The mail `name` (templates mail/NAME.txt and .html) with `context`."""
    text = _text_templates.get_template(f"mail/{name}.txt").render(**context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise ValueError(f"mail/{name}.txt must start with a 'Subject: ' line")
    html = _templates.get_template(f"mail/{name}.html").render(**context)
    return Composed(
        subject=first.removeprefix("Subject: ").strip(), text=body.lstrip("\n"), html=html
    )


def links_base(*, anonymous: bool = False) -> str:
    """What links in mails start with: CAREER_PATH_BASE_URL, else this request's address.

    A request's Host header is the sender's to choose: a mail that anyone may cause (a
    password reset) takes it only where Flask checks it (TRUSTED_HOSTS) or on a loopback
    host; otherwise NoBaseUrl, as outside a request (the command line).
    """
    configured = mail_settings().base_url
    if configured:
        return configured
    if not has_request_context():
        raise NoBaseUrl()
    if anonymous and not current_app.config.get("TRUSTED_HOSTS") and not _loopback(request.host):
        log.error("a mail link was not made: CAREER_PATH_BASE_URL is not set")
        raise NoBaseUrl()
    return request.host_url.rstrip("/")


def _loopback(host: str) -> bool:
    name = (host if host.endswith("]") else host.rsplit(":", 1)[0]).strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
