"""Budget signals: a municipality whose expected year total (realised plus forecast) passes its budget for a
funding source, with the month it is expected to run out; on the finance start page and in the signals list."""
from datetime import date

from budget.overview import Cell, overview
from budget.services import visible_municipalities
from core.models import User


def budget_signals(user: User, today: date) -> list[Cell]:
    """The cells of this year, within the user's scope, whose budget runs out before the year ends."""
    municipalities = visible_municipalities(user)
    if not municipalities:
        return []
    return [cell for cell in overview(municipalities, today.year, today=today).cells if cell.runs_out]


def signals_context(user: User, today: date) -> dict:
    return {"signals": budget_signals(user, today)}
