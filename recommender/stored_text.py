"""Text the service keeps: valid Unicode that every database holds, and e-mail addresses' bounds.

PostgreSQL's text cannot hold a NUL character, and a lone surrogate (which JSON's "\\ud800"
escape carries into a Python string) is no valid UTF-8 for any database: text with either is
refused where it enters, naming its field, rather than failing as a 500 when it is stored.
Beside every layer, as errors.py is: it imports nothing of the app.
"""

from __future__ import annotations

EMAIL_LENGTH = 254  # RFC 5321's longest address, and the users table's column

NUL_MESSAGE = "Must not contain a NUL character."
SURROGATE_MESSAGE = "Must be valid Unicode text (it holds a lone surrogate, such as \\ud800)."


def text_problem(value: str) -> str | None:
    """What makes `value` unfit to keep, in words for the person who sent it; None if nothing."""
    if "\x00" in value:
        return NUL_MESSAGE
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def storable(value: str) -> str:
    """`value` as text every database keeps: NULs dropped, lone surrogates replaced (for what
    is recorded as typed, such as an address in the audit log, rather than refused)."""
    if text_problem(value) is None:
        return value
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def storable_email(email: str) -> bool:
    """Whether an address (as typed) could be a stored user's: short enough, valid text."""
    return len(email) <= EMAIL_LENGTH and text_problem(email) is None
