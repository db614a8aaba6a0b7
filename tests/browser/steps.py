"""Steps that the browser journeys share: follow a link, use the menu, find a field, read a flash."""
import re
from pathlib import Path

from playwright.sync_api import Page, expect


def sign_out(page: Page) -> None:
    follow(page, page.get_by_role("button", name="Uitloggen"))
    expect(field(page, "E-mailadres")).to_be_visible()


def follow(page: Page, locator) -> None:
    """Click a link or submit button and wait until the page it leads to has loaded: a check run straight
    after a bare click may still see the old page, or none while it is replaced."""
    with page.expect_navigation():
        locator.click()


def download(page: Page, locator) -> bytes:
    with page.expect_download() as info:
        locator.click()
    return Path(info.value.path()).read_bytes()


def menu(page: Page, task: str, item: str | None = None) -> None:
    """Open a task in the menu's first row, then one of its pages in the second; each is marked as current."""
    follow(page, page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=task, exact=True))
    expect(page.get_by_role("navigation", name="Hoofdmenu").locator("[aria-current]")).to_have_text(task)
    if item is not None:
        sub = page.get_by_role("navigation", name=f"Menu {task}")
        follow(page, sub.get_by_role("link", name=item, exact=True))
        expect(sub.locator('[aria-current="page"]')).to_have_text(item)


def field(page: Page, label: str):
    """The control whose whole label is this text (a required field's label ends in "(verplicht)")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(verplicht\))?$"))


def flash(page: Page, text: str) -> None:
    expect(page.get_by_text(text)).to_be_visible()
