"""The SMTP backend: Flask-Mailman's, with STARTTLS that checks the server and no leaked sockets.

Traps of Flask-Mailman 1.1.1's SMTP backend (Django's), and what this subclass does about them:

- Its STARTTLS passes no SSL context, and smtplib then checks neither the certificate nor the
  host name: here STARTTLS uses ssl.create_default_context() (the system's CAs, or those of
  SSL_CERT_FILE), so a wrong certificate fails the send instead of passing silently.
- When STARTTLS or the login fails after the connection is made, it keeps the socket: here it is
  closed before the error goes up.
- When a send fails (a recipient refused, a 5xx after DATA) it skips close(): the sender
  (outbox.py) opens and closes the connection itself, around each batch.
- Its close() raises when the server answers QUIT with an error, and leaves the socket open:
  here close() always closes, and never raises.
"""

from __future__ import annotations

import smtplib
import ssl
from typing import Any

from flask_mailman.backends.smtp import EmailBackend
from flask_mailman.utils import DNS_NAME


class VerifyingEmailBackend(EmailBackend):
    """SMTP with a verified STARTTLS, closing its connection whenever opening it fails."""

    connection: smtplib.SMTP | None

    def open(self) -> bool | None:
        """Connect, STARTTLS (verified) if asked, log in; True if a connection was made."""
        if self.connection:
            return False
        params: dict[str, Any] = {"local_hostname": DNS_NAME.get_fqdn()}
        if self.timeout is not None:
            params["timeout"] = self.timeout
        try:
            self.connection = smtplib.SMTP(self.host, self.port, **params)
            if self.use_tls:
                self.connection.starttls(context=ssl.create_default_context())
            if self.username and self.password:
                self.connection.login(self.username, self.password)
            return True
        except OSError:
            self._drop()
            if not self.fail_silently:
                raise
            return None

    def close(self) -> None:
        """Say QUIT and close the connection; close it anyway if the server will not."""
        connection = self.connection
        try:
            super().close()
        except OSError:
            if connection is not None:
                connection.close()
            self.connection = None

    def _drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None
