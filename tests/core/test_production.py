"""Production mode: start-up refuses development defaults, `check --deploy` is clean, demo data stays out."""

import pytest

from portal.settings import DEV_PII_KEY, DEV_SECRET_KEY
from tests.core.conftest import manage, production_env, table_counts

PREFIX = "django.core.exceptions.ImproperlyConfigured: Refusing to start with DEBUG=false: "


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"SECRET_KEY": None}, "set SECRET_KEY to a secret of at least 50 characters"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "set SECRET_KEY to a secret of at least 50 characters"),
        ({"SECRET_KEY": "short-but-not-the-default"}, "set SECRET_KEY to a secret of at least 50 characters"),
        ({"PII_KEY": None}, "set PII_KEY to a secret of at least 32 characters"),
        ({"PII_KEY": DEV_PII_KEY}, "set PII_KEY to a secret of at least 32 characters"),
        ({"SANDBOX_ENABLED": "true"}, "SANDBOX_ENABLED must be false in production."),
        ({"ALLOWED_HOSTS": None}, "set ALLOWED_HOSTS to the host names the portal is served under."),
    ],
    ids=["no-secret-key", "dev-secret-key", "short-secret-key", "no-pii-key", "dev-pii-key", "sandbox", "no-hosts"],
)
def test_start_up_refuses_development_defaults(tmp_path, overrides, reason):
    result = manage("check", env=production_env(tmp_path / "unused.sqlite3", **overrides))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith(PREFIX)]
    assert len(lines) == 1, result.stderr
    assert lines[0].removeprefix(PREFIX).startswith(reason)
    assert not (tmp_path / "unused.sqlite3").exists()


def test_check_deploy_is_clean_in_production(production_db):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(production_db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_sandbox_is_off_by_default_in_production(production_db):
    code = "from django.conf import settings as s; print(s.SANDBOX_ENABLED, 'apps.sandbox' in s.INSTALLED_APPS)"
    result = manage("shell", "-c", code, env=production_env(production_db, SANDBOX_ENABLED=None))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False False"


def test_demo_data_refuses_without_the_sandbox(production_db):
    before = table_counts(production_db)
    result = manage("demo_data", env=production_env(production_db))
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "CommandError: demo_data refuses to run while SANDBOX_ENABLED is false (this looks like production)."
    )
    assert table_counts(production_db) == before
    assert before["auth_user"] == 0
