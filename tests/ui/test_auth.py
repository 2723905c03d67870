"""Logging in to the web UI: passwords, the session cookie, the rate limit, CSRF, pages that need a login."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.ui.conftest import PASSWORD, UiServer


def _login(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/ui/login", data={"username": name, "password": password, "next": "/ui/screen"})


def test_a_page_needs_a_login_and_comes_back_after_it(browser, ui_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=ui_server)
    try:
        page = context.new_page()
        page.goto("/ui/screen?name=Ali")
        assert "/ui/login" in page.url and "next=" in page.url
        page.get_by_label("User name").fill("analyst1")
        page.get_by_label("Password").fill(PASSWORD)
        page.keyboard.press("Enter")  # by keyboard: the form submits on Enter
        page.wait_for_url("**/ui/screen?name=Ali")
        assert page.get_by_text("analyst1").first.is_visible()
        # Logging out ends the session: the page needs a login again.
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/ui/login")
        page.goto("/ui/screen")
        assert "/ui/login" in page.url
    finally:
        context.close()


def test_the_session_cookie_is_httponly_samesite_strict_and_scoped_to_the_ui(ui_server: str) -> None:
    with httpx.Client(base_url=ui_server) as client:
        answer = _login(client, "analyst2")
        assert answer.status_code == 303 and answer.headers["location"] == "/ui/screen"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("interdict_session=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Path=/ui" in cookie
        # Plain http on loopback (these tests): not Secure, or the browser would drop it. Anywhere else it is (unit test below).
        assert "Secure" not in cookie
        assert client.get("/ui/screen").status_code == 200


def test_wrong_passwords_are_refused_and_then_rate_limited(ui: UiServer) -> None:
    ui.users().add("guessme", "analyst")
    ui.users().set_password("guessme", PASSWORD)
    try:
        with httpx.Client(base_url=ui.url) as client:
            for _ in range(5):
                answer = _login(client, "guessme", "wrong password 123")
                assert answer.status_code == 401 and "Wrong user name or password" in answer.text
            # The sixth try is refused without checking the password, even the right one.
            limited = _login(client, "guessme")
            assert limited.status_code == 429 and "Too many failed logins" in limited.text and int(limited.headers["retry-after"]) > 0
            assert "interdict_session" not in limited.headers.get("set-cookie", "")
            # Other people are not locked out by someone guessing one name.
            assert _login(client, "analyst2").status_code == 303
    finally:
        ui.reset_login_limits()
    with httpx.Client(base_url=ui.url) as client:
        assert _login(client, "guessme").status_code == 303  # after the window (reset here) the right password works


def test_unknown_users_and_users_without_a_password_cannot_log_in(ui: UiServer) -> None:
    ui.users().add("nopassword", "analyst")
    try:
        with httpx.Client(base_url=ui.url) as client:
            assert _login(client, "nopassword", "anything at all").status_code == 401
            assert _login(client, "nobody-at-all").status_code == 401
    finally:
        ui.reset_login_limits()


def test_a_form_without_the_csrf_token_is_refused(ui_server: str) -> None:
    with httpx.Client(base_url=ui_server) as client:
        assert _login(client, "analyst2").status_code == 303
        page = client.get("/ui/screen").text
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        refused = client.post("/ui/logout", data={})
        assert refused.status_code == 403 and "Form refused" in refused.text
        wrong = client.post("/ui/logout", data={"csrf": "x" * 43})
        assert wrong.status_code == 403
        # The session survived both refusals; the right token logs out.
        assert client.get("/ui/screen").status_code == 200
        assert client.post("/ui/logout", data={"csrf": token.group(1)}).status_code == 303
        assert client.get("/ui/screen").status_code == 303


def test_a_post_from_another_site_is_refused_even_with_the_token(ui_server: str) -> None:
    with httpx.Client(base_url=ui_server) as client:
        assert _login(client, "analyst2").status_code == 303
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/ui/screen").text)
        assert token is not None
        answer = client.post("/ui/logout", data={"csrf": token.group(1)}, headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
        assert answer.status_code == 403
        assert client.get("/ui/screen").status_code == 200


def test_login_never_redirects_off_site(ui_server: str) -> None:
    with httpx.Client(base_url=ui_server) as client:
        for target in ("https://evil.example/", "//evil.example/x", "/ui\\@evil.example", "/api"):
            answer = client.post("/ui/login", data={"username": "analyst2", "password": PASSWORD, "next": target})
            assert answer.status_code == 303 and answer.headers["location"] == "/ui/screen", target


@pytest.mark.parametrize(("url", "secure"), [("http://127.0.0.1:8000/ui/login", False), ("http://localhost/ui/login", False), ("http://10.0.0.5/ui/login", True), ("https://sanctions.example/ui/login", True)])
def test_the_cookie_is_secure_except_over_plain_http_on_loopback(url: str, secure: bool) -> None:
    from starlette.requests import Request

    from interdict.ui.auth import plain_loopback

    parts = httpx.URL(url)
    scope = {"type": "http", "scheme": parts.scheme, "server": (parts.host, parts.port or 80), "path": parts.path, "headers": [(b"host", parts.netloc)], "query_string": b""}
    assert plain_loopback(Request(scope)) is (not secure)


def test_with_no_auth_the_ui_is_off_and_says_why(seeded) -> None:  # type: ignore[no-untyped-def]
    from interdict.api import ServiceSettings, create_app
    from tests.api.conftest import run_server

    server = run_server(create_app(ServiceSettings(auth=False, watch_seconds=0.0), store=seeded.store, screener=seeded.screener))
    try:
        with httpx.Client(base_url=server.url) as client:
            for path in ("/ui", "/ui/screen", "/ui/login"):
                answer = client.get(path)
                assert answer.status_code == 404 and "--no-auth" in answer.text and "users passwd" in answer.text
    finally:
        server.stop()


def test_the_navigation_offers_only_the_pages_the_role_opens(ui_server: str) -> None:
    """A screener is not shown Alerts or Watch (they answer 403 to that role); an analyst is."""
    for name, shown in (("screener1", False), ("analyst1", True)):
        with httpx.Client(base_url=ui_server) as client:
            page = _login(client, name)
            page = client.get("/ui/screen")
            assert page.status_code == 200
            nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page.text, re.S)
            assert nav is not None
            assert ('href="/ui/alerts"' in nav.group(1)) is shown and ('href="/ui/watch"' in nav.group(1)) is shown
            assert 'href="/ui/screen"' in nav.group(1) and 'href="/ui/gaps"' in nav.group(1)
            if not shown:
                assert client.get("/ui/alerts").status_code == 403
