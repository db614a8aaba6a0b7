"""Every page a role can open without parameters renders for that role and passes axe's WCAG 2.1 AA rules."""
import pytest
from flask import Flask
from playwright.sync_api import expect

from core.models import Role
from tests.browser.axe import violations


def pages_for(app: Flask, role: Role) -> list[str]:
    """The parameterless HTML GET pages this role may open, read from the URL map (downloads such as
    template.csv are files, not pages)."""
    paths = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if (rule.arguments or "GET" not in rule.methods or rule.rule.startswith("/api/")
                or rule.endpoint == "static" or getattr(view, "is_public", False)
                or "." in rule.rule.rsplit("/", 1)[-1]):
            continue
        if role in getattr(view, "allowed_roles", set(Role)):
            paths.append(rule.rule)
    return sorted(paths)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.INKOPER, Role.CONTRACTMANAGER, Role.FINANCE])
def test_every_page_of_a_role_is_accessible(file_app, sign_in, role):
    page = sign_in(role.value)
    found = {}
    for path in pages_for(file_app, role):
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_login_page_is_accessible_and_refuses_a_wrong_password(page):
    page.goto("/login")
    assert violations(page) == []
    page.get_by_label("E-mailadres").fill("niemand@example.nl")
    page.get_by_label("Wachtwoord").fill("verkeerd-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Onjuist e-mailadres of wachtwoord.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Wachtwoord: Onjuist e-mailadres of wachtwoord.")).to_be_visible()
    assert violations(page) == []
