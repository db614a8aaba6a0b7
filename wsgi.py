"""The processes of a deployment: `gunicorn wsgi:app` (web), `celery -A wsgi:celery_app worker` (background work)
and `flask --app wsgi scheduler run` (the schedule)."""
from config import config_from_env
from core import create_app

app = create_app(config_from_env())
celery_app = app.extensions["celery"]
