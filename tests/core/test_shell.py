"""The page shell: the installation's theme, the menu by task with the current page marked, the error summary."""
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, StringField
from wtforms.validators import InputRequired

from config import TestConfig
from core import create_app
from core.models import Role
from core.templating import FormError, form_error_list

STATIC = Path(__file__).resolve().parents[2] / "static"


def _current_links(page: str) -> list[tuple[str, str]]:
    return re.findall(r'aria-current="(page|true)">([^<]+)</a>', page)


def test_the_neutral_default_theme_is_nobodys_municipality(client, make_user, login):
    login(make_user(Role.INKOPER))
    page = client.get("/").get_data(as_text=True)
    assert 'class="utrecht-theme app-theme"' in page and "/static/theme/neutral.css" in page
    assert "Inburgering in de regio" in page and 'src="/static/theme/logo.svg"' in page
    assert '<link rel="icon" href="/static/theme/favicon.svg"' in page
    # Every token that Utrecht paints in its house red, other than for errors and danger, is overridden.
    utrecht = (STATIC / "vendor" / "design-tokens.css").read_text()
    red = set(re.findall(r"(--utrecht-[a-z0-9-]+): [^;]*var\(--utrecht-color-red-40\)", utrecht))
    brand = {token for token in red if not re.search(r"danger|error|invalid|badge-counter", token)}
    neutral = client.get("/static/theme/neutral.css").get_data(as_text=True)
    assert brand and brand <= set(re.findall(r"(--utrecht-[a-z0-9-]+): (?:none|var\(--app-brand)", neutral))


def test_an_installation_brings_its_own_theme_name_and_logo(database_url):
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()} | {
        "SQLALCHEMY_DATABASE_URI": "sqlite://", "THEME_NAME": "Regio Gooi en Vechtstreek",
        "THEME_CLASS": "gooi-theme", "THEME_STYLESHEET": "/huisstijl/tokens.css",
        "THEME_LOGO": "https://cdn.example.nl/logo.svg"}
    page = create_app(config).test_client().get("/login").get_data(as_text=True)
    assert 'class="utrecht-theme app-theme gooi-theme"' in page and 'href="/huisstijl/tokens.css"' in page
    assert "Regio Gooi en Vechtstreek" in page and 'src="https://cdn.example.nl/logo.svg"' in page
    assert "<title>Inloggen - Regio Gooi en Vechtstreek</title>" in page


@pytest.mark.parametrize(("role", "tasks"), [
    (Role.INKOPER, ["Inkoop", "Contractbeheer", "Uitvoering", "Prestaties", "Financiën"]),  # the what-if
    (Role.FINANCE, ["Inkoop", "Contractbeheer", "Uitvoering", "Prestaties", "Financiën"]),
    (Role.PROVIDER, ["Contractbeheer", "Uitvoering", "Financiën"]),
])
def test_the_menu_has_one_entry_per_task_of_the_role(client, make_user, make_provider, login, role, tasks):
    login(make_user(role, provider=make_provider() if role == Role.PROVIDER else None))
    page = client.get("/").get_data(as_text=True)
    menu = page.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    assert re.findall(r'<a class="utrecht-nav-list__link" href="[^"]+"[^>]*>([^<]+)</a>', menu) == ["Start", *tasks]


def test_the_current_page_and_its_task_are_marked(client, make_user, login):
    login(make_user(Role.INKOPER))
    assert _current_links(client.get("/").get_data(as_text=True)) == [("page", "Start")]
    # The task's first page is the task's own link; its second page marks the task and itself.
    assert _current_links(client.get("/inkoop/").get_data(as_text=True)) == [
        ("page", "Inkoop"), ("page", "Inkoopdossiers")]
    assert _current_links(client.get("/inkoop/matrix").get_data(as_text=True)) == [
        ("true", "Inkoop"), ("page", "Routematrix")]
    # A page outside the menu marks the task of its blueprint.
    assert _current_links(client.get("/inkoop/nieuw").get_data(as_text=True)) == [("true", "Inkoop")]


def test_required_fields_are_announced_but_not_invalid_before_anyone_typed(client, make_user, login):
    login(make_user(Role.INKOPER))
    page = client.get("/inkoop/nieuw").get_data(as_text=True)
    price = re.search(r'<input[^>]*id="price_per_trajectory"[^>]*>', page).group(0)
    assert 'aria-required="true"' in price and " required" not in price


class _Row(Form):
    code = StringField("Code", validators=[InputRequired("Vul een code in.")])


class _Schedule(Form):
    title = StringField("Titel", validators=[InputRequired("Vul een titel in.")])
    rows = FieldList(FormField(_Row), min_entries=2)


def test_the_error_summary_lists_every_field_in_page_order_rows_by_number(app):
    with app.test_request_context():
        form = _Schedule(MultiDict({"title": "", "rows-0-code": "M1", "rows-1-code": ""}))
        form.validate()
        form.form_errors.append("Het schema telt niet op tot 100 %.")
        assert form_error_list(form, None) == [
            FormError("title", "Titel", "Vul een titel in."),
            FormError("rows-1-code", "Rij 2, Code", "Vul een code in."),
            FormError(None, "", "Het schema telt niet op tot 100 %.")]
        assert form_error_list(_Schedule()) == []


class _NamedRow(_Row):
    def row_name(self, number: int) -> str:
        return f"Mijlpaal {number}"


class _NamedSchedule(Form):
    rows = FieldList(FormField(_NamedRow), min_entries=2)


def test_the_error_summary_names_a_row_as_its_form_does(app):
    with app.test_request_context():
        form = _NamedSchedule(MultiDict({"rows-0-code": "", "rows-1-code": "M2"}))
        form.validate()
        assert form_error_list(form) == [FormError("rows-0-code", "Mijlpaal 1, Code", "Vul een code in.")]
