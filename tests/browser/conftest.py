"""A live server on localhost with the demo region loaded, and headless Chromium driven by Playwright.

Run these alone with `.venv/bin/python -m pytest tests/browser`. Screenshots land in test-artifacts/.
"""
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from core.demo import load_all
from core.extensions import db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_logins(file_app):
    """The demo region in the live server's database: {role: [(email, password), ...]}."""
    with file_app.app_context():
        logins = load_all()
        db.session.commit()
    by_role: dict[str, list[tuple[str, str]]] = {}
    for email, role, password in logins:
        by_role.setdefault(role, []).append((email, password))
    return by_role


@pytest.fixture
def live_server(file_app, demo_logins):
    """The app served on a free localhost port, with CSRF switched on as in production."""
    file_app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, file_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def sign_in(page: Page, demo_logins):
    """sign_in(role, n=0): log in through the login form as the n-th demo user of that role."""

    def do(role: str, n: int = 0) -> Page:
        email, password = demo_logins[role][n]
        page.goto("/login")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
        return page

    return do
