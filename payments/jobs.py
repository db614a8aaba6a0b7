"""The monthly job: a draft payment run per region, on the day of the month set in PAYMENT_RUN_DAY."""
from flask import Flask

from core.scheduler import Job, register_job
from payments.runs import make_monthly_runs


def register_jobs(app: Flask) -> None:
    day = int(app.config.get("PAYMENT_RUN_DAY", 2))
    register_job(app, Job("payments.monthly_runs", make_monthly_runs, {"day": day, "hour": 3, "minute": 30},
                          period="monthly"))
