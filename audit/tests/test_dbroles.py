"""The helpers of audit/dbroles.py that need no database."""

import stat

import pytest

from audit import dbroles


def test_with_credentials_keeps_the_server_and_quotes_the_password():
    url = "postgresql://postgres:@/samverkan?host=/srv/app/.data/pg"

    assert (
        dbroles.with_credentials(url, "samverkan_app", "a/b:c@d")
        == "postgresql://samverkan_app:a%2Fb%3Ac%40d@/samverkan?host=/srv/app/.data/pg"
    )
    assert (
        dbroles.with_credentials("postgres://u:p@db.example.se:5433/s", "app", "x")
        == "postgres://app:x@db.example.se:5433/s"
    )


def test_ident_quotes_a_name_so_it_cannot_end_the_identifier():
    assert dbroles.ident("samverkan_app") == '"samverkan_app"'
    assert dbroles.ident('app"; DROP TABLE x; --') == '"app""; DROP TABLE x; --"'
    with pytest.raises(ValueError):
        dbroles.ident("")


def test_a_stored_password_is_made_once_and_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "db_app_password"

    first = dbroles.stored_password(path)

    assert len(first) >= 40
    assert dbroles.stored_password(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [path]  # no draft left behind
