"""The web UI in a real browser: a real server on loopback, Debian's chromium driven by Playwright.

`ui_server` serves the session's seeded index (every bundled list) from a
thread of the test process, like tests/api, but over a *copy* of the seeded
store: alerts, decisions and sessions made through the UI stay out of the
store the other tests read. The copy holds one user per role, each with the
password `PASSWORD`. Playwright drives the system's `chromium` (CI installs
Debian's package, `.ci/run`); Playwright's own browser download is not used.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from interdict.api import create_app
from interdict.store import SnapshotStore, open_store
from interdict.store.users import UserStore
from tests.api.conftest import TEST_SETTINGS, RunningServer, run_server
from tests.conftest import copy_sqlite

PASSWORD = "correct horse battery staple"
USERS = {"analyst1": "analyst", "analyst2": "analyst", "supervisor1": "supervisor", "admin1": "admin", "screener1": "screener"}
SCREENSHOTS = Path(__file__).parent / "screenshots"


@dataclass
class UiServer:
    """The running UI: its base URL (str(ui) is the URL), the app and its store."""

    url: str
    server: RunningServer
    store: SnapshotStore

    def __str__(self) -> str:
        return self.url

    @property
    def app(self):  # type: ignore[no-untyped-def]
        return self.server.app

    def users(self) -> UserStore:
        return UserStore(self.store.engine)

    def reset_login_limits(self) -> None:
        limiter = getattr(self.app.state, "ui_login_limiter", None)
        if limiter is not None:
            limiter.reset()


@pytest.fixture(scope="session")
def ui(seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiServer]:  # type: ignore[no-untyped-def]
    """The UI server with its store (for tests that need to look behind the pages)."""
    source = Path(seeded.store.engine.url.database)
    target = tmp_path_factory.mktemp("ui-store") / "store.db"
    copy_sqlite(source, target)
    store = open_store(f"sqlite:///{target}")
    users = UserStore(store.engine)
    for name, role in USERS.items():
        users.add(name, role)
        users.set_password(name, PASSWORD)
    app = create_app(TEST_SETTINGS, store=store, screener=seeded.screener)
    server = run_server(app)
    yield UiServer(url=server.url, server=server, store=store)
    server.stop()
    store.engine.dispose()


@pytest.fixture(scope="session")
def ui_server(ui: UiServer) -> str:
    """Base URL of the UI's server, e.g. http://127.0.0.1:PORT (pages under /ui)."""
    return ui.url


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Headless Debian chromium under Playwright (session-scoped)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed (Debian: apt-get install chromium; .ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


def log_in(browser, url: str, name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """A Playwright Page logged in to the UI at `url` as `name`, in a browser context of its own (the caller closes it)."""
    context = browser.new_context(base_url=url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/ui/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/ui/screen")
    return page


@pytest.fixture
def page_as(browser, ui_server: str) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """page_as("analyst1") → a logged-in Playwright Page in a fresh browser context (closed after the test)."""
    contexts = []

    def login(name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        page = log_in(browser, ui_server, name, password)
        contexts.append(page.context)
        return page

    yield login
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shot() -> Callable[..., Path]:
    """shot(page, "alerts-queue") writes tests/ui/screenshots/alerts-queue.png (the full page)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
