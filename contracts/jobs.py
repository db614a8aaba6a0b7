"""The daily alert job: keurmerk, contract end, option deadline and ceiling warnings."""
from core.scheduler import Job

from contracts.services import refresh_alerts

JOBS = [Job("contracts.alerts", refresh_alerts, {"hour": 6, "minute": 0})]
