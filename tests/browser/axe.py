"""WCAG 2.1 AA checks with axe-core in the browser."""
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
_axe = Axe()


def violations(page: Page) -> list[str]:
    """One line per violated rule: its id, impact and the first offending element."""
    result = _axe.run(page, options=WCAG_21_AA)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result.response["violations"]]
