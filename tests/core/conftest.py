"""Helpers for tests that start the portal in a separate process, configured as production would be."""

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Only what a process needs to run; nothing of the test run's own configuration (DATABASE_URL …) leaks in.
_INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def production_env(database: Path, **overrides: str | None) -> dict[str, str]:
    """A proper production environment; an override of None removes that variable."""
    env = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    env |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "PII_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "portal.example.org,127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
        "SANDBOX_ENABLED": "false",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def table_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


@pytest.fixture(scope="session")
def production_db(tmp_path_factory) -> Path:
    """A SQLite file migrated by `manage.py migrate` under the production environment, as the README says."""
    database = tmp_path_factory.mktemp("production") / "portal.sqlite3"
    result = manage("migrate", "--noinput", env=production_env(database), timeout=120)
    assert result.returncode == 0, result.stderr
    return database
