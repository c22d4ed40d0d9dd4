"""End-to-end fixtures: the Flask app with the seed act, served on 127.0.0.1, and Debian's Chromium.

Chromium is driven through Playwright's sync API with the system browser (``KENSE_CHROMIUM``,
default /usr/bin/chromium); nothing is downloaded. When Playwright or Chromium is missing the
tests FAIL under KENSE_REQUIRE_SERVICES=1 (make test, CI) and are skipped otherwise.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.serving import make_server

import app as kense_app
from registry.routes import registry_of
from tests.conftest import service_missing
from tests.factories import PASSWORD
from tests.signing.pki import build

#: Who can sign in on the live server: username → role in the department.
USERS = {
    "drafter": "drafter",
    "admin": "administrator",
    "reader": "reader",
    "director": "signer",
}

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def pki_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The test PKI: the live server trusts its root and CRLs; the director signs with it."""
    return build().write(tmp_path_factory.mktemp("e2e-pki"))


@pytest.fixture(scope="session")
def live_app(
    tmp_path_factory: pytest.TempPathFactory, pki_paths: dict[str, Path]
) -> Iterator[Flask]:
    """The app on a fresh SQLite database holding the seed, with a user per role."""
    tmp: Path = tmp_path_factory.mktemp("e2e")
    flask_app = kense_app.create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp}/kense.db",
            "DATA_DIR": str(tmp),
            "TESTING": True,
            "SESSION_COOKIE_SECURE": False,  # plain HTTP on 127.0.0.1, as `make run`
            "TRUST_ANCHORS": str(pki_paths["root"]),
            "CRLS": f"{pki_paths['crl']},{pki_paths['root_crl']}",
            "REVOCATION": "require",
        }
    )
    registry = registry_of(flask_app)
    registry.migrate()
    registry.load_seed()
    for username, role in USERS.items():
        registry.add_user(username, PASSWORD, [("department", role)])
    yield flask_app
    registry.close()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """``live_app`` served on 127.0.0.1 in a background thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)  # port 0: a free port
    thread = threading.Thread(target=server.serve_forever, name="kense-e2e", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        service_missing(f"the playwright Python package is not installed ({exc})")
        raise  # not reached: service_missing always raises
    executable = os.environ.get("KENSE_CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        service_missing(
            f"Chromium not found at {executable}; install Debian's chromium "
            "(make system-deps) or point KENSE_CHROMIUM at it"
        )
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
    except PlaywrightError as exc:
        playwright.stop()
        service_missing(f"Chromium at {executable} did not start: {exc}")
        raise  # not reached
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def expected_errors() -> list[str]:
    """Console errors a test expects (e.g. "401" when it sends a wrong password)."""
    return []


@pytest.fixture
def page(browser: Browser, live_server: str, expected_errors: list[str]) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the live server; fails on any page error the
    test did not list in ``expected_errors``."""
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 900}, locale="kk-KZ"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    try:
        yield tab
    finally:
        context.close()
    unexpected = [e for e in errors if not any(x in e for x in expected_errors)]
    assert unexpected == [], f"errors in the browser: {unexpected}"


def sign_in(page: Page, username: str, path: str) -> None:
    """Sign in as ``username`` on the sign-in form and land on ``path``."""
    page.goto(f"/login?{urlencode({'next': path})}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click(".login-form button[type=submit]")
    assert page.url.endswith(path), page.url
