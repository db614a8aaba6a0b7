"""KPI monitoring: indicators per contract, provider and municipality, stored monthly values, alerts, scorecards."""
from flask import Flask

from core.dates import month_end
from core.models import Role

STAFF = frozenset({Role.ADMIN, Role.CONTRACTMANAGER, Role.INKOPER, Role.FINANCE})


def init_app(app: Flask) -> None:
    from core.registry import DemoStep, NavItem, Panel, register_demo, register_nav, register_panel
    from core.scheduler import Job, register_job
    from kpis import api, charts, demo, monthly, services, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    register_nav(app, NavItem("Indicatoren", "indicators.index", roles=STAFF, order=45, group="Prestaties"))
    register_nav(app, NavItem("Signalen", "indicators.alerts", roles=STAFF, order=46, group="Prestaties"))
    register_panel(app, Panel("indicators/_panel.html", services.panel_context,
                              roles=frozenset({Role.ADMIN, Role.CONTRACTMANAGER}), order=20))
    register_job(app, Job("kpi_monthly_values", monthly.refresh_monthly_values, cron={"hour": 2, "minute": 30}))
    register_demo(app, DemoStep("indicatoren", demo.load, order=90))
    app.add_template_filter(month_end, "month_end")
    app.add_template_global(charts.trend_chart, "kpi_trend_chart")
    app.add_template_global(charts.status_chart, "kpi_status_chart")
