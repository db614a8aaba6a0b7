"""Configuration read from the environment, with development defaults."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _database_url(url: str) -> str:
    # Heroku-style URLs name the old driver; we ship psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _celery(broker_url: str) -> dict:
    """Celery's settings (core/work.py): late acknowledgement, a lost worker's task given back, one task at a time."""
    return {
        "broker_url": broker_url,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        #: A task that hangs is ended (its pool process replaced) after this long; its lease then runs out.
        "task_time_limit": int(os.environ.get("WORK_TIME_LIMIT_SECONDS", 2 * 3600)),
        "broker_connection_retry_on_startup": True,
        #: A request that sends a task waits at most about a second for an absent broker (the sweep sends it later).
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        "worker_hijack_root_logger": False,
    }


DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEV_BSN_ENCRYPTION_KEY = "ZGV2LW9ubHktYnNuLWtleS1jaGFuZ2UtbWUtMzJieXQ="


class Config:
    #: "production" refuses to start with the development secrets below.
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    #: Fernet key (urlsafe base64, 32 bytes) that encrypts BSNs at rest and keys their lookup hash.
    BSN_ENCRYPTION_KEY = os.environ.get("BSN_ENCRYPTION_KEY", DEV_BSN_ENCRYPTION_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'inburgering.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: Redis in production (redis://host:6379/0); by default a broker in a local SQLite file, for one machine.
    CELERY = _celery(os.environ.get("CELERY_BROKER_URL") or f"sqla+sqlite:///{BASE_DIR / 'instance' / 'broker.db'}")
    #: A worker holds a piece of work this long and renews it every WORK_HEARTBEAT_SECONDS (also the progress
    #: bar's refresh); the sweep, every WORK_SWEEP_SECONDS, hands work whose lease ran out to another worker, or
    #: after WORK_MAX_ATTEMPTS tries marks it failed.
    WORK_LEASE_SECONDS = int(os.environ.get("WORK_LEASE_SECONDS", 60))
    WORK_HEARTBEAT_SECONDS = float(os.environ.get("WORK_HEARTBEAT_SECONDS", 1))
    WORK_SWEEP_SECONDS = int(os.environ.get("WORK_SWEEP_SECONDS", 30))
    WORK_MAX_ATTEMPTS = int(os.environ.get("WORK_MAX_ATTEMPTS", 3))
    #: Day of the month on which the scheduler makes the draft payment runs for the previous month.
    PAYMENT_RUN_DAY = int(os.environ.get("PAYMENT_RUN_DAY", 2))
    TESTING = False

    # A CSV of 50 MB plus multipart overhead; attachments are capped lower by their own check.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 55 * 1024 * 1024))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_NAME = os.environ.get("SESSION_COOKIE_NAME", "__Host-session")
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    #: Idle timeout: the session cookie expires this long after the last request.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", 30)))
    #: Absolute timeout: a login is never valid for longer than this.
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12))
    SESSION_REFRESH_EACH_REQUEST = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    #: Where uploaded files are kept (core/storage.py): file:///directory or s3://bucket/prefix. Without it, the
    #: directory UPLOAD_DIR (the setting of earlier versions) or instance/uploads.
    STORAGE_URL = os.environ.get("STORAGE_URL") or Path(
        os.environ.get("UPLOAD_DIR") or BASE_DIR / "instance" / "uploads").resolve().as_uri()
    #: POST /api/v1/progress-imports answers a file of more rows with 202 and does the work in a worker.
    SYNC_IMPORT_MAX_ROWS = int(os.environ.get("SYNC_IMPORT_MAX_ROWS", 50_000))
    #: The login throttle (core.login_throttle): failures per account and client before each try waits (1 s, doubling
    #: up to the maximum), the same per account over the clients it does not know and per client over its accounts.
    LOGIN_FREE_FAILURES = int(os.environ.get("LOGIN_FREE_FAILURES", 5))
    LOGIN_ACCOUNT_FREE_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_FREE_FAILURES", 50))
    LOGIN_CLIENT_FREE_FAILURES = int(os.environ.get("LOGIN_CLIENT_FREE_FAILURES", 50))
    LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("LOGIN_MAX_DELAY_SECONDS", 900))
    #: A count starts again after this long without a failure.
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", 60))
    #: Proxies in front of the app that add X-Forwarded-For: the client's address is the one the last of them saw.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 1))

    # DUO's M2M inburgering APIs (trajectories/duo): Digikoppeling REST over mutual TLS with a PKIoverheid certificate.
    DUO_BASE_URL = os.environ.get("DUO_BASE_URL", "")  # e.g. https://api.duo.example:1234/v1
    DUO_OIN = os.environ.get("DUO_OIN", "")  # DUO's OIN: doel of our requests, bron of its notifications
    DUO_OWN_OIN = os.environ.get("DUO_OWN_OIN", "")  # the municipality's (or region's) OIN
    #: Per-municipality OINs where the region's municipalities each have their own: "GM0505=0000...,GM0642=0000...".
    DUO_MUNICIPALITY_OINS = os.environ.get("DUO_MUNICIPALITY_OINS", "")
    DUO_CLIENT_CERT = os.environ.get("DUO_CLIENT_CERT", "")  # PEM path of the PKIoverheid client certificate
    DUO_CLIENT_KEY = os.environ.get("DUO_CLIENT_KEY", "")
    DUO_CA_BUNDLE = os.environ.get("DUO_CA_BUNDLE", "")  # PKIoverheid private root; empty: the system store
    DUO_TIMEOUT_SECONDS = float(os.environ.get("DUO_TIMEOUT_SECONDS", 20))
    DUO_MAX_ATTEMPTS = int(os.environ.get("DUO_MAX_ATTEMPTS", 12))
    #: Inbound notifications: the header in which the mTLS-terminating proxy passes the client certificate's OIN.
    DUO_TRUSTED_OIN_HEADER = os.environ.get("DUO_TRUSTED_OIN_HEADER", "")
    #: ... or a bearer token that DUO's side (or the proxy) sends; neither set: every notification is refused.
    DUO_NOTIFICATION_TOKEN = os.environ.get("DUO_NOTIFICATION_TOKEN", "")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # The development server speaks plain HTTP, where a Secure or __Host- cookie is never sent back.
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    SESSION_COOKIE_NAME = os.environ.get("SESSION_COOKIE_NAME", "session")
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    WTF_CSRF_ENABLED = False
    CELERY = _celery("memory://") | {"task_always_eager": True}
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "session"
    SECRET_KEY = "test-secret"
    BSN_ENCRYPTION_KEY = "dGVzdC1vbmx5LWJzbi1rZXktMzItYnl0ZXMtbG9uZyE="
    STORAGE_URL = Path(os.environ.get("TEST_UPLOAD_DIR", "/tmp/inburgering-test-uploads")).as_uri()


def config_from_env():
    return DevelopmentConfig if os.environ.get("FLASK_ENV", "production") == "development" else Config
