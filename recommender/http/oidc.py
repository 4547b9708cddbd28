"""The conversation with the OpenID provider, through Authlib's Flask client: start a sign-in,
finish it, and every way it can fail as one ProviderError.

What Authlib does and what this module adds:

- One OAuth() per app (Authlib caches a client by its name: a module-wide one would keep the
  first app's provider). The discovery document is fetched at the first sign-in, then kept.
- The discovery document's issuer must be the configured one, exactly: Authlib checks the ID
  token's `iss` against the document, never the document against the settings.
- State, nonce and the PKCE verifier (S256) are kept in the session, under the state; the
  nonce is made here and checked by Authlib. The ID token's `aud` must hold the client id
  (Authlib checks only `azp` unless told), and a token answer without an ID token is refused.
- Timeouts are `default_timeout` (a `timeout` in client_kwargs is ignored); a provider that is
  down or slow raises requests' errors, an ID token that fails a check joserfc's JoseError.
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, request, session
from joserfc.errors import JoseError

EXTENSION = "career_path_oidc"
NAME = "sso"  # Authlib's name for the client: the session keeps "_state_sso_<state>"


class ProviderError(Exception):
    """A sign-in with the provider that did not work: `detail` for the audit log and the log,
    `status` for the answer; the page says `message` in words."""

    status = 400
    message = "Signing in with {name} did not work. Start again."

    @property
    def detail(self) -> str:
        return str(self.args[0])


class ProviderUnreachable(ProviderError):
    status = 503
    message = (
        "{name} cannot be reached just now, so nobody can sign in with it. Try again in a few "
        "minutes."
    )


class ProviderMisconfigured(ProviderError):
    status = 502
    message = (
        "{name} does not answer as career-path is set up to expect, so signing in with it is "
        "refused. Tell an admin: the details are in the audit log."
    )


class SignInNotStarted(ProviderError):
    status = 400
    message = (
        "This sign-in was not started in this browser, or it has expired. Start again with the "
        "button below."
    )


class SignInDenied(ProviderError):
    status = 403
    message = "{name} did not let you sign in ({error}). Start again, or ask an admin."

    def __init__(self, detail: str, error: str) -> None:
        super().__init__(detail)
        self.error = error


class AnswerNotVerified(ProviderError):
    status = 400
    message = (
        "The answer from {name} could not be verified, so you are not signed in. Start again; "
        "if it happens again, tell an admin."
    )


class Provider:
    """The app's provider: its issuer and client, through one Authlib registry of its own."""

    def __init__(
        self, app: Flask, issuer: str, client_id: str, secret: str, scopes: str, timeout: float
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.oauth = OAuth(app)
        self.oauth.register(
            NAME,
            client_id=client_id,
            client_secret=secret,
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": scopes,
                "code_challenge_method": "S256",
                "default_timeout": timeout,
            },
        )

    @property
    def client(self) -> Any:
        return self.oauth.create_client(NAME)

    def metadata(self) -> dict[str, Any]:
        """The discovery document (fetched once), its issuer checked."""
        try:
            found: dict[str, Any] = self.client.load_server_metadata()
        except requests.RequestException as exc:
            raise ProviderUnreachable(f"discovery: {_failure(exc)}") from exc
        except (TypeError, ValueError) as exc:  # JSON, but not an object
            raise ProviderMisconfigured(f"discovery: not a discovery document ({exc})") from exc
        if found.get("issuer") != self.issuer:
            raise ProviderMisconfigured(
                f"issuer mismatch: CAREER_PATH_OIDC_ISSUER is {self.issuer!r}, the provider's "
                f"discovery document says {found.get('issuer')!r}"
            )
        return found

    def form_origins(self) -> list[str]:
        """Where a sign-in form's redirect may go: the issuer's origin, and the authorization
        endpoint's once the discovery document is known."""
        origins = [_origin(self.issuer)]
        endpoint = self.client.server_metadata.get("authorization_endpoint")
        if isinstance(endpoint, str) and _origin(endpoint) not in origins:
            origins.append(_origin(endpoint))
        return origins


def init_oidc(
    app: Flask, issuer: str, client_id: str, secret: str, scopes: str, timeout: float
) -> None:
    """Keep the provider on `app` (nothing is fetched from it yet)."""
    app.extensions[EXTENSION] = Provider(app, issuer, client_id, secret, scopes, timeout)


def provider() -> Provider:
    """The provider of the current app."""
    found: Provider = current_app.extensions[EXTENSION]
    return found


def start(redirect_uri: str) -> str:
    """Begin a sign-in: the authorization URL to send the browser to (ProviderError). The
    state, the nonce and the PKCE verifier go into the session; an older sign-in of this
    browser that was never finished is forgotten."""
    found = provider()
    metadata = found.metadata()
    if not isinstance(metadata.get("authorization_endpoint"), str):
        raise ProviderMisconfigured("discovery: no authorization_endpoint")
    for key in [key for key in session if key.startswith(f"_state_{NAME}_")]:
        session.pop(key)
    client = found.client
    begun = client.create_authorization_url(redirect_uri, nonce=secrets.token_urlsafe(24))
    client.save_authorize_data(redirect_uri=redirect_uri, **begun)
    return str(begun["url"])


def finish() -> dict[str, Any]:
    """Finish the sign-in the provider sent the browser back from: the ID token's claims, with
    the userinfo endpoint's added (ProviderError)."""
    found = provider()
    found.metadata()
    claims_options = {
        "iss": {"essential": True, "values": [found.issuer]},
        "aud": {"essential": True, "values": [found.client_id]},
    }
    try:
        token = found.client.authorize_access_token(claims_options=claims_options)
        verified = token.get("userinfo")
        if not verified:
            raise AnswerNotVerified("the token answer held no ID token")
        claims = dict(verified)
        if found.client.server_metadata.get("userinfo_endpoint"):
            _add_userinfo(found.client, token, claims)
    except MismatchingStateError as exc:
        raise SignInNotStarted("state: unknown or expired (not started in this browser)") from exc
    except AuthlibBaseError as exc:
        if request.args.get("error"):
            error = _plain(request.args["error"])
            raise SignInDenied(f"the provider answered error={error}", error) from exc
        raise AnswerNotVerified(f"the provider refused the code: {_oauth_error(exc)}") from exc
    except JoseError as exc:
        raise AnswerNotVerified(f"ID token: {exc.error} {exc.description or ''}".strip()) from exc
    except requests.RequestException as exc:
        raise ProviderUnreachable(f"token or userinfo: {_failure(exc)}") from exc
    return claims


def _add_userinfo(client: Any, token: dict[str, Any], claims: dict[str, Any]) -> None:
    """Add what the userinfo endpoint says (some providers send groups only there); the ID
    token's claims win, and the endpoint must speak of the same subject."""
    info = client.userinfo(token=token)
    if info.get("sub") != claims.get("sub"):
        raise AnswerNotVerified("userinfo: another subject than the ID token's")
    for key, value in info.items():
        claims.setdefault(key, value)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def same_origin(url: str, other: str) -> bool:
    """Whether two addresses have one origin (scheme, host and port)."""
    return _origin(url) == _origin(other)


_FORM_ACTION = re.compile(r"(^|;)(\s*form-action\s[^;]*)")


def allow_forms_to(policy: str, origins: list[str]) -> str:
    """A Content-Security-Policy whose form-action also allows `origins` (a form posted to this
    site that redirects to the provider is a form sent there, to the browser)."""
    added = "".join(f" {origin}" for origin in origins)
    return _FORM_ACTION.sub(lambda found: found.group(1) + found.group(2) + added, policy)


def _failure(exc: requests.RequestException) -> str:
    response = getattr(exc, "response", None)
    status = f" ({response.status_code})" if response is not None else ""
    return f"{type(exc).__name__}{status}"


def _oauth_error(exc: AuthlibBaseError) -> str:
    return _plain(f"{exc.error or type(exc).__name__}: {exc.description or ''}".rstrip(": "))


def _plain(text: str) -> str:
    """Text from the provider or the address bar, short and printable, for a page and a log."""
    return "".join(c for c in str(text)[:100] if c.isprintable())
