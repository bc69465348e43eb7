"""Settings read from ESSOR_* environment variables, with defaults that run locally on SQLite.

Every variable is listed in docs/configuration.md; a test checks that list against this file.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str) -> str:
    """Reads NAME, or the file named by NAME_FILE (failing loudly when it cannot be read)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


VAR_DIR = Path(env("ESSOR_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

DEFAULT_SECRET_KEY = "essor-insecure-development-key"
DEBUG = env_bool("ESSOR_DEBUG", True)
SECRET_KEY = env_secret("ESSOR_SECRET_KEY", DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise RuntimeError("ESSOR_SECRET_KEY must be set when ESSOR_DEBUG is off.")

ALLOWED_HOSTS = env_list("ESSOR_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "essor.accounts",
    "essor.territories",
    "essor.nomenclatures",
    "essor.ess",
    "essor.sirene",
    "essor.observatory",
    "essor.innovation",
    "essor.calls",
    "essor.directory",
    "essor.directory.exchange",
    "essor.directory.search",
    "essor.api",
    "essor.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "essor.urls"
WSGI_APPLICATION = "essor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "essor" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "essor.web.context_processors.data_status",
            ],
        },
    }
]

# One variable chooses the engine: DATABASE_URL (postgres://… or sqlite:///…). Default: var/essor.sqlite3.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'essor.sqlite3'}"), conn_max_age=60
    )
}
if env("ESSOR_TEST_DB_NAME"):
    # Lets several test runs share one PostgreSQL server without clashing.
    DATABASES["default"]["TEST"] = {"NAME": env("ESSOR_TEST_DB_NAME")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Sirene models name their INSEE column in db_comment; SQLite simply ignores it.
SILENCED_SYSTEM_CHECKS = ["fields.W163"]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in page for every user (staff also have the admin login).
LOGIN_URL = "calls:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "essor" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "essor" / "static"]
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env("ESSOR_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("ESSOR_DEFAULT_FROM_EMAIL", "essor@localhost")
# SMTP, used when ESSOR_EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env("ESSOR_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ESSOR_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("ESSOR_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("ESSOR_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ESSOR_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("ESSOR_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("ESSOR_EMAIL_TIMEOUT", 30)
# Public address of the site, for the links in e-mails sent by commands (alerts).
SITE_URL = env("ESSOR_SITE_URL", "http://127.0.0.1:8000")
# Raster tiles under the directory map (e.g. https://tile.example.org/{z}/{x}/{y}.png); none by
# default: the map draws the referential's outlines, with no network access.
MAP_TILES_URL = env("ESSOR_MAP_TILES_URL", "")

# Sirene ingestion: where temporary files, reject files and DuckDB work files go.
SIRENE_WORK_DIR = Path(env("ESSOR_SIRENE_WORK_DIR", str(VAR_DIR / "sirene")))
# Refuse an import whose establishment count falls below this share of the previous one.
SIRENE_MIN_ROW_RATIO = float(env("ESSOR_SIRENE_MIN_ROW_RATIO", "0.98"))
DUCKDB_MEMORY_LIMIT = env("ESSOR_DUCKDB_MEMORY_LIMIT", "3GB")
DUCKDB_THREADS = env_int("ESSOR_DUCKDB_THREADS", os.cpu_count() or 2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("ESSOR_LOG_LEVEL", "WARNING")},
}
