"""`manage.py check --deploy` fails when the application's database role could change the access
log (audit/checks.py, ADR 0020): tested as the owner (fails) and as the application role (passes),
in process and through the command operations run."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper

from audit.checks import access_log_role_check, access_log_role_messages

ROOT = Path(__file__).resolve().parents[2]


def _as(roles, *, owner, **changes):
    """A connection of its own, as the owner or the application role."""
    user, password = roles.owner if owner else roles.app
    settings_dict = {**connection.settings_dict, "USER": user, "PASSWORD": password, **changes}
    return DatabaseWrapper(settings_dict, alias="probe")


@pytest.fixture
def messages(_test_database_roles, db, django_db_blocker):
    """messages(owner=…, NAME=…): the check's messages for a connection of its own."""

    def check(**kwargs):
        probe = _as(_test_database_roles, **kwargs)
        with django_db_blocker.unblock():
            try:
                return access_log_role_messages(probe)
            finally:
                probe.close()

    return check


def test_the_check_runs_with_the_deployment_checks_only():
    assert access_log_role_check in checks.registry.registry.get_checks(
        include_deployment_checks=True
    )
    assert access_log_role_check not in checks.registry.registry.get_checks(
        include_deployment_checks=False
    )


def test_the_application_role_passes(messages):
    assert messages(owner=False) == []


def test_the_owner_fails(messages, _test_database_roles):
    [error] = messages(owner=True)

    assert error.id == "audit.E001" and error.level == checks.ERROR
    owner = _test_database_roles.owner[0]
    assert error.msg.startswith(f"Databasrollen {owner!r} kan ändra åtkomstloggen")
    for power in ("äger tabellen", "UPDATE", "DELETE", "TRUNCATE"):
        assert power in error.msg
    assert "grant_app_role" in error.hint


def test_a_database_without_the_log_is_a_warning(messages):
    [warning] = messages(owner=True, NAME="postgres")

    assert warning.id == "audit.W002" and warning.level == checks.WARNING


def test_a_database_that_does_not_answer_is_a_warning(messages):
    [warning] = messages(owner=False, NAME="samverkan_finns_inte")

    assert warning.id == "audit.W001" and warning.level == checks.WARNING


def _check_deploy(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="samverkan.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        EXPORT_PSEUDONYM_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="samverkan.example.se",
        DATABASE_URL=database_url,
        REDIS_URL="redis://redis.example.se:6379/0",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("owner", [False, True], ids=["application role", "owner"])
def test_check_deploy_as_operations_run_it(_test_database_roles, db, owner):
    result = _check_deploy(_test_database_roles.url(owner=owner))

    # (the suite's test of the production settings runs the same with --fail-level WARNING)
    output = result.stdout + result.stderr
    if owner:
        assert result.returncode != 0
        assert "audit.E001" in output
    else:
        assert result.returncode == 0, output
        assert "audit." not in output
