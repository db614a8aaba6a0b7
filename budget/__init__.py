"""Budget control: budget lines per municipality, year and funding source; realised, committed and forecast
payments; budget signals; what-if runs of tariff models."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels and demo data."""
    from budget import api

    app.register_blueprint(api.bp)
