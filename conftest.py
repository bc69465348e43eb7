"""Test-wide settings and fixtures.

The suite runs twice: on SQLite (default) and on PostgreSQL (DATABASE_URL set by quickstart.py).
Browser tests run last: their live server flushes the database when they end.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SHARED_DATA = Path(os.environ.get("ESSOR_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SIRENE_WORK_DIR = tmp_path / "sirene-work"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real open-data files of ../shared/data (required: CI lays them beside the project)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"../shared/data introuvable ({SHARED_DATA}); set ESSOR_SHARED_DATA")
    return SHARED_DATA


def pytest_collection_modifyitems(config, items):
    browser = [item for item in items if item.get_closest_marker("browser")]
    others = [item for item in items if not item.get_closest_marker("browser")]
    items[:] = others + browser


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"essor: database engine = {engine}"
