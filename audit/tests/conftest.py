import pytest


@pytest.fixture
def owner_cursor(db, _test_database_roles):
    """A cursor of the owner role on a connection of its own to the test database, rolled back at
    the end. It does not see what the test's own (application) connection has not committed.
    (`db`: pytest-django sets the test database up only for tests that ask for it.)"""
    with _test_database_roles.owner_connection() as conn, conn.cursor() as cursor:
        # A statement waiting for a lock the test's own transaction holds would wait for ever.
        cursor.execute("SET lock_timeout = '10s'")
        yield cursor


@pytest.fixture
def app_role(_test_database_roles):
    """The application role's name."""
    return _test_database_roles.app[0]
