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
    SCHEDULER_ENABLED = _flag("SCHEDULER_ENABLED")
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
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 10))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", 15))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))

    # The installation's look (README "Theming"): design tokens over the neutral default and the class that switches
    # them on, the organisation's name and logo in the header. A path is under static/, a URL or /path is used as is.
    THEME_NAME = os.environ.get("THEME_NAME", "Inburgering in de regio")
    THEME_STYLESHEET = os.environ.get("THEME_STYLESHEET", "")
    THEME_CLASS = os.environ.get("THEME_CLASS", "")
    THEME_LOGO = os.environ.get("THEME_LOGO", "theme/logo.svg")
    THEME_FAVICON = os.environ.get("THEME_FAVICON", "theme/favicon.svg")

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


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://")
    WTF_CSRF_ENABLED = False
    SCHEDULER_ENABLED = False
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "session"
    SECRET_KEY = "test-secret"
    BSN_ENCRYPTION_KEY = "dGVzdC1vbmx5LWJzbi1rZXktMzItYnl0ZXMtbG9uZyE="
    UPLOAD_DIR = os.environ.get("TEST_UPLOAD_DIR", "/tmp/inburgering-test-uploads")


def config_from_env():
    return DevelopmentConfig if os.environ.get("FLASK_ENV", "production") == "development" else Config
