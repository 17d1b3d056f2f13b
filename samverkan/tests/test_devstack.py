"""`make run`/`make test` against an external server never run the application as a role that
could change the access log (samverkan/devstack.py, ADR 0020)."""

import pytest

from samverkan import devstack


def test_a_database_url_alone_whose_role_may_not_create_roles_is_refused(_test_database_roles, db):
    # given DATABASE_URL alone, naming a role without CREATEROLE (here the owner's)
    with pytest.raises(devstack.Abort) as refused:
        devstack.external_roles(_test_database_roles.url(owner=True), "")

    assert "DATABASE_OWNER_URL" in str(refused.value)


def test_both_urls_are_used_as_they_are(_test_database_roles, db):
    owner, app = _test_database_roles.url(owner=True), _test_database_roles.url()

    assert devstack.external_roles(app, owner) == (owner, app)
