from flask import Flask


def init_app(app: Flask) -> None:
    """Register this domain's blueprints, navigation, start-page panels, jobs and demo data."""
