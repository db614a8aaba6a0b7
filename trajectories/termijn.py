"""The dates of a trajectory that the inburgeringstermijn's rules read (issue 19): DUO's kennisgeving (the ten weeks
for the PIP start), the PIP, the termijn's last day and that of its extension. DUO fills them where it gives them
(trajectories.duo); staff enter or correct them on the trajectory page or through the API."""
from datetime import date, timedelta

from core import audit
from core.errors import DomainError
from core.models import User
from core.scope import Action, require
from trajectories.models import Trajectory

DATE_FIELDS = ("kennisgeving_on", "pip_date", "term_ends_on", "term_extended_until")
#: The inburgeringstermijn is three years (Wet inburgering 2021, art. 7.1), unless DUO extends it.
TERM_YEARS = 3


def legal_end(start: date) -> date:
    """The last day of a termijn that starts on `start`: the day before the same date three years on (a start on 29
    February ends on 28 February)."""
    if (start.month, start.day) == (2, 29):
        return date(start.year + TERM_YEARS, 2, 28)
    return start.replace(year=start.year + TERM_YEARS) - timedelta(days=1)


def set_dates(trajectory: Trajectory, data: dict, *, by: User, today: date) -> Trajectory:
    """Set the dates given (None clears one): no kennisgeving or PIP in the future, the PIP not before the
    kennisgeving, an extension only after the termijn's end; every change is in the audit log."""
    require(by, Action.TRAJECTORIES, [trajectory.municipality])
    new = {name: data.get(name, getattr(trajectory, name)) for name in DATE_FIELDS}
    for name in ("kennisgeving_on", "pip_date"):
        if new[name] is not None and new[name] > today:
            raise DomainError("Deze datum ligt in de toekomst.", field=name)
    if None not in (new["kennisgeving_on"], new["pip_date"]) and new["pip_date"] < new["kennisgeving_on"]:
        raise DomainError("Het PIP kan niet vóór de kennisgeving liggen.", field="pip_date")
    if new["term_extended_until"] is not None and (new["term_ends_on"] is None
                                                   or new["term_extended_until"] <= new["term_ends_on"]):
        raise DomainError("Een verlenging eindigt na het einde van de termijn; vul dat einde ook in.",
                          field="term_extended_until")
    changes = audit.diff({name: getattr(trajectory, name) for name in DATE_FIELDS}, new)
    if not changes:
        raise DomainError("Er is niets gewijzigd.", field="kennisgeving_on")
    for name, value in new.items():
        setattr(trajectory, name, value)
    audit.record(by, "trajectory_dates_set", trajectory, f"{trajectory}: termijn en data gewijzigd", changes)
    return trajectory
