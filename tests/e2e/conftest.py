"""Browser fixtures: the app served on a real port with real commits, headless Chromium, a phone page."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from sqlalchemy import text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from fieldapp import create_app
from fieldapp.accounts.service import create_user, issue_token
from fieldapp.config import Settings
from fieldapp.db import Database
from tests.conftest import migrated_database

CHROMIUM = "/usr/bin/chromium"
# Without these Debian's Chromium keeps trying to reach hosts this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DEVICE = "Pixel 7"
BASE_MAP_TILES = "https://tile.openstreetmap.org/"


@dataclass
class LiveServer:
    """The running app: its base URL, its database, and what the tests made (deleted at the end)."""

    url: str
    database: Database
    emails: set[str] = field(default_factory=set)
    datasets: set[str] = field(default_factory=set)

    def email(self, label: str = "e2e") -> str:
        """A new, unique email, remembered so its account is deleted at the end."""
        address = f"{label}-{uuid.uuid4().hex[:10]}@example.org"
        self.emails.add(address)
        return address

    def account(self, name: str, password: str | None = None, role: str = "member") -> tuple[str, str]:
        """Create a committed account; return its email and an API token."""
        email = self.email()
        with self.database.session() as session:
            user = create_user(session, email, name=name, password=password, role=role)
            token = issue_token(session, user, label="e2e")
        return email, token

    def slug(self, label: str = "e2e") -> str:
        slug = f"{label}-{uuid.uuid4().hex[:10]}"
        self.datasets.add(slug)
        return slug

    def clean_up(self) -> None:
        """Delete every row the tests made, children first."""
        params = {"emails": sorted(self.emails), "slugs": sorted(self.datasets)}
        with self.database.session() as session:
            for statement in CLEAN_UP:
                session.execute(text(statement), params)


CLEAN_UP = (
    "DELETE FROM observation WHERE dataset_id IN (SELECT id FROM dataset WHERE slug = ANY(:slugs))",
    "DELETE FROM place WHERE dataset_id IN (SELECT id FROM dataset WHERE slug = ANY(:slugs))",
    "DELETE FROM dataset WHERE slug = ANY(:slugs)",
    "CREATE TEMP TABLE e2e_contributors ON COMMIT DROP AS"
    " SELECT contributor_id AS id FROM user_account WHERE email = ANY(:emails)"
    " UNION SELECT c.id FROM contributor c JOIN user_account u ON u.id = c.owner_user_id"  # their pseudonyms
    " WHERE u.email = ANY(:emails)",
    "DELETE FROM project WHERE slug = ANY(:slugs) OR steward_id IN (SELECT id FROM e2e_contributors)",
    "DELETE FROM login_throttle WHERE split_part(key, ' ', 1) = ANY(:emails)",
    "DELETE FROM user_account WHERE email = ANY(:emails)",  # api_token rows go with it (ON DELETE CASCADE)
    "DELETE FROM contributor WHERE id IN (SELECT id FROM e2e_contributors)",
)


@pytest.fixture(scope="session")
def e2e_settings(settings, tmp_path_factory) -> Iterator[Settings]:
    """A database and media folder of the browser tests' own: what they commit never reaches other tests."""
    url = make_url(settings.database_url)
    own = replace(
        settings,
        database_url=url.set(database=f"{url.database}_e2e").render_as_string(False),
        media_dir=tmp_path_factory.mktemp("e2e-media"),
    )
    with migrated_database(own):
        yield own


# Paths answered with a file: static files and the bundled coastlines (fieldapp/pwa).
FILE_PATHS = ("/static/", "/geodata/")


def read_static_files_whole(app):
    """WSGI middleware: a file (static, or a bundled coastline) is read whole and closed before its bytes are sent.

    Werkzeug's development server leaves a file open when the browser drops the request first (an
    icon or a module fetched as a page navigates away); its ResourceWarning then surfaced in whichever
    later test the garbage collector ran in, and filterwarnings=error failed that test. In production
    nginx serves static files, so this only changes how the test server sends them.
    """

    def wsgi(environ, start_response):
        result = app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith(FILE_PATHS):
            return result
        try:
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(e2e_settings) -> Iterator[LiveServer]:
    """Serve a fresh app on 127.0.0.1 and a free port, in a thread, committing for real."""
    app = create_app(e2e_settings)
    server = make_server("127.0.0.1", 0, read_static_files_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}", database=app.extensions["fieldapp.db"])
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        live.clean_up()
        live.database.engine.dispose()


@pytest.fixture(scope="session")
def playwright_session():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# A desktop screen, for pages such as the map whose layout changes past 60rem.
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(request, browser, playwright_session, live_server) -> Iterator[Page]:
    """A Pixel 7 page that may reach only the live server: any other request is aborted and fails the test.

    A module may ask for a desktop page instead with
    ``pytest.mark.parametrize("page", ["desktop"], indirect=True)``.
    """
    screen = DESKTOP if getattr(request, "param", "phone") == "desktop" else playwright_session.devices[DEVICE]
    context = browser.new_context(**screen, base_url=live_server.url)
    blocked: list[str] = []

    def only_the_live_server(route: Route) -> None:
        url = route.request.url
        if url == live_server.url or url.startswith(live_server.url + "/"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", only_the_live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    # The base map is the one external resource a page may ask for; blocked, the page must still work.
    others = [url for url in blocked if not url.startswith(BASE_MAP_TILES)]
    assert others == [], f"the page tried to reach other hosts: {others}"


def wait_in_page(page: Page, expression: str, timeout_s: float = 15.0) -> None:
    """Poll a JavaScript expression until it is truthy.

    Playwright's wait_for_function evaluates its predicate with eval() inside the page, which the
    app's Content-Security-Policy (no 'unsafe-eval') forbids; page.evaluate goes through the
    driver, which the policy does not govern.
    """
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {expression}"
        time.sleep(0.1)
