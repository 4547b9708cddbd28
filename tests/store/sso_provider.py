"""The OpenID provider the single sign-on tests sign in at: Canaille, run by pytest-iam (of the
test extra) on a free port of localhost, its data in memory; conftest.py imports its fixtures.
Its last part is career-path's side, which test_sso.py and test_sso_pages_and_settings.py share:
an app that signs in there (`sso_app`), pressing its button (`begin`), a whole sign-in
(`sign_in`).

What pytest-iam does that this module works around:

- Its `iam_server` fixture stays inside Canaille's app context for the rest of the session (so
  that code outside a context of its own would see Canaille as current_app): `oidc_provider`
  builds the same server without it, and enters Canaille's context only to change its data.
- Its configuration sets AUTHLIB_INSECURE_TRANSPORT=1 in this process, which would let
  career-path's client talk plain HTTP to any host: it is taken out again (Authlib allows
  http:// to localhost without it).
- Canaille sends no `email_verified` claim: one is added ("true", a string, as some providers
  send it), which a test may change.
- Its memory backend ORs the filters of a query, so that the token endpoint could take another
  outstanding code of the same client: one client, one person, one sign-in at a time, each
  deleted after its test with everything the provider made for it.
- It is a single-threaded wsgiref server answering only to "localhost:PORT" (127.0.0.1 is
  another host to it, and to the browser another site, with cookies of its own).
"""

from __future__ import annotations

import datetime
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

CLIENT_ID = "career-path"
CLIENT_SECRET = "career-path-test-secret"
PERSON_PASSWORD = "provider password 123"
SCOPES = "openid email profile groups"  # Canaille sends groups only for their scope


@dataclass(frozen=True)
class Provider:
    """The running provider: `issuer` exactly as its discovery document says it."""

    server: Any  # pytest_iam.Server

    @property
    def issuer(self) -> str:
        return self.server.url.rstrip("/")

    @property
    def models(self) -> Any:
        return self.server.models

    def change(self, action: Callable[[Any], Any]) -> Any:
        """Run `action(backend)` inside Canaille's app context."""
        with self.server.app.app_context():
            return action(self.server.backend)

    def delete_traces(self, **by: Any) -> None:
        """Delete the consents, tokens and codes the provider made for a client or a person."""

        def delete(backend: Any) -> None:
            for model in (self.models.Consent, self.models.Token, self.models.AuthorizationCode):
                for found in backend.query(model, **by):
                    backend.delete(found)

        self.change(delete)


@pytest.fixture(scope="session")
def oidc_provider(iam_configuration: dict[str, Any], iam_server_port: int) -> Iterator[Provider]:
    """Canaille on localhost, for the whole run (about 0.1 s to start)."""
    from canaille import create_app as create_canaille
    from canaille.backends import Backend
    from pytest_iam import Server

    os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)  # set by iam_configuration
    app = create_canaille(
        config=iam_configuration, env_file=".pytest-iam.env", env_prefix="PYTEST_IAM_"
    )
    app.config["CANAILLE_OIDC"]["USERINFO_MAPPING"]["EMAIL_VERIFIED"] = (
        "{% if user.emails %}true{% endif %}"
    )
    server = Server(app, iam_server_port, Backend.instance)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        provider = Provider(server)
        found = requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=10)
        assert found.json()["issuer"] == provider.issuer
        yield provider
    finally:
        server.httpd.shutdown()
        thread.join(10)
        server.httpd.server_close()


def sso_config(issuer: str, **more: Any) -> dict[str, Any]:
    """An app's settings for single sign-on with the test provider at `issuer`."""
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_NAME": "Canaille",
        "OIDC_SCOPES": SCOPES,
        **more,
    }


@pytest.fixture
def oidc_client(oidc_provider: Provider) -> Iterator[Callable[[str], Any]]:
    """Register career-path at the provider with its callback address; deleted after."""
    made: list[Any] = []

    def register(redirect_uri: str) -> Any:
        client = oidc_provider.models.Client(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            client_name="career-path",
            # Outside Canaille's trusted domains: it asks for consent, as a real provider may.
            client_uri="https://career-path.example",
            client_id_issued_at=datetime.datetime.now(datetime.UTC),
            redirect_uris=[redirect_uri],
            grant_types=["authorization_code"],
            response_types=["code"],
            token_endpoint_auth_method="client_secret_basic",
            scope=SCOPES.split(),
        )
        oidc_provider.change(lambda backend: backend.save(client))
        # Canaille's ID tokens name the client's `audience` as their aud: without it, [] (which
        # career-path refuses: the aud must hold its client id).
        client.audience = [client]
        oidc_provider.change(lambda backend: backend.save(client))
        made.append(client)
        return client

    yield register
    for client in made:
        oidc_provider.delete_traces(client=client)
        oidc_provider.change(lambda backend, client=client: backend.delete(client))


@pytest.fixture
def oidc_person(oidc_provider: Provider) -> Iterator[Callable[..., Any]]:
    """Make a person at the provider: oidc_person(email, groups=[...]); deleted after."""
    made: list[Any] = []

    def person(email: str, groups: tuple[str, ...] = ()) -> Any:
        def save(backend: Any) -> Any:
            found = []
            for name in groups:
                group = oidc_provider.models.Group(display_name=name, members=[])
                backend.save(group)
                found.append(group)
            user = oidc_provider.models.User(
                user_name=f"p{uuid.uuid4().hex[:8]}",
                family_name="Person",
                formatted_name=email.split("@")[0].title(),
                emails=[email],
                password=PERSON_PASSWORD,
                groups=found,
            )
            backend.save(user)
            made.extend([user, *found])
            return user

        return oidc_provider.change(save)

    yield person
    oidc_provider.server.logout()
    for item in made:
        if isinstance(item, oidc_provider.models.User):
            oidc_provider.delete_traces(subject=item)
    for item in made:
        oidc_provider.change(lambda backend, item=item: backend.delete(item))


def consent(provider: Provider, person: Any) -> None:
    """Sign `person` in at the provider and give their consent: no provider pages to fill."""
    provider.server.login(person)
    provider.server.consent(person)


def at_the_provider(provider: Provider, authorize_url: str) -> str:
    """Follow an authorization URL at the provider, signed in there: the address it sends the
    browser back to (career-path's callback, with a code and the state, or an error)."""
    assert authorize_url.startswith(provider.issuer + "/"), authorize_url
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return str(answer.headers["Location"])


def path_of(url: str) -> str:
    """A URL's path and query, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sign_in_at_provider_pages(page: Any, person: Any) -> None:
    """Fill the provider's pages in a browser: the login, then the password, then consent."""
    page.fill("input[name=login]", person.user_name)
    page.click("#loginform button[type=submit]")
    page.fill("input[name=password]", PERSON_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/oauth/authorize|/login/sso/callback|/teams"))
    accept = page.locator("button[name=answer][value=accept]")
    if accept.count():
        accept.click()


# --- career-path's side: an app that signs in at the provider -------------------------------------

BASE = "https://career.example.com"
CALLBACK = BASE + "/login/sso/callback"


@pytest.fixture
def sso_app(
    app_factory: Callable[..., Flask],
    oidc_provider: Provider,
    oidc_client: Callable[[str], Any],
) -> Callable[..., Flask]:
    """Make an app signing in at the test provider (its links from BASE), registered there."""
    oidc_client(CALLBACK)

    def make(**config: Any) -> Flask:
        return app_factory(**sso_config(oidc_provider.issuer, BASE_URL=BASE, **config))

    return make


@pytest.fixture
def begin(csrf_token: Callable[[str], str]) -> Callable[..., Any]:
    """Press "Sign in with Canaille" on /login: the answer (303 to the provider)."""

    def press(client: FlaskClient, next_url: str = "") -> Any:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        return client.post("/login/sso", data={"csrf_token": token, "next": next_url})

    return press


@pytest.fixture
def sign_in(begin: Callable[..., Any], oidc_provider: Provider) -> Callable[..., Any]:
    """Sign `person` in by single sign-on: career-path's answer to the provider's callback."""

    def go(client: FlaskClient, person: Any, next_url: str = "") -> Any:
        started = begin(client, next_url)
        assert started.status_code == 303, started.get_data(as_text=True)
        consent(oidc_provider, person)
        back = at_the_provider(oidc_provider, started.headers["Location"])
        assert back.startswith(CALLBACK + "?"), back
        return client.get(path_of(back))

    return go
