# The two set-up commands of the README: `make demo` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DB := instance/demo.db
DEMO_ENV := FLASK_ENV=development DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB) \
  CELERY_BROKER_URL=sqla+sqlite:///$(CURDIR)/instance/demo-broker.db STORAGE_URL=file://$(CURDIR)/instance/demo-uploads
FLASK := $(DEMO_ENV) $(VENV)/bin/flask --app wsgi
PYTEST_ARGS ?= -n 2

.PHONY: demo test bench install install-dev assets system-deps

$(VENV)/bin/python:
	python3 -m venv $(VENV)

install: $(VENV)/bin/python assets
	$(PY) -m pip install --quiet -r requirements.txt

install-dev: $(VENV)/bin/python assets system-deps
	$(PY) -m pip install --quiet -r requirements-dev.txt

# NL Design System CSS, built from npm into static/vendor.
assets:
	npm ci --silent --no-audit --no-fund
	npm run --silent build

# Browser tests drive Debian's Chromium; PDF tests read PDFs back with pdftotext; the dashboard benchmark uses wrk;
# the worker tests start their own redis-server.
system-deps:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null && command -v wrk >/dev/null \
	  && command -v redis-server >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq chromium poppler-utils wrk redis-server >/dev/null)

# The demo runs on a database of its own, rebuilt on every start, with one Celery worker and the scheduler beside
# the web server, on a broker in a local SQLite file (no Redis needed); both stop with it.
demo: install
	mkdir -p instance && rm -rf $(DEMO_DB) instance/demo-broker.db instance/demo-uploads
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Achtergrondwerk: één Celery-worker en de planner, met als broker het bestand instance/demo-broker.db"
	@echo "(kombu's SQLAlchemy-transport op SQLite); in productie is dat Redis (CELERY_BROKER_URL)."
	$(DEMO_ENV) $(VENV)/bin/celery -A wsgi:celery_app worker --concurrency 1 --loglevel WARNING & worker=$$!; \
	$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --port 5000

test: install-dev
	$(PY) -m pytest -q $(PYTEST_ARGS)

# National-scale benchmarks (issue 10): SCALE=1.0 is the national data set; BENCH_DB is rebuilt (and BENCH_DB_quarter).
SCALE ?= 1.0
BENCH_DB ?= postgresql:///bench_national
bench: install system-deps
	@case "$(BENCH_DB)" in postgresql:///*) createdb "$${BENCH_DB##*/}" 2>/dev/null || true;; esac
	$(PY) -m benchmarks.national --scale $(SCALE) --database-url $(BENCH_DB)
