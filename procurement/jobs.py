"""Scheduled jobs of procurement."""
from core.scheduler import Job
from procurement.services import refresh_planning_alerts

JOBS = [Job("procurement_planning_alerts", refresh_planning_alerts, {"hour": 5, "minute": 30})]
