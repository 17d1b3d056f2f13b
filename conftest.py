"""Shared fixtures: one area with a team and its people, and an outsider in another area.

The three-user idea of healthchecks (owner, team-mate, outsider) in this product's terms: the
officer whose caseload holds the person, a colleague of the same area outside that caseload, and
an officer of another area who must see nothing."""

import pytest
from django.test import Client

from accounts.tests.factories import AreaFactory, TeamFactory, staff
from accounts.tests.login import force_login_two_factor
from cases.tests.factories import CaseFactory, PersonFactory
from samverkan.testing_db import NoOwner, TestDatabaseRoles


@pytest.fixture(scope="session")
def _test_database_roles():
    """Connects as the owner role until the test database is created and migrated."""
    try:
        roles = TestDatabaseRoles.from_environment()
    except NoOwner as missing:
        pytest.fail(str(missing), pytrace=False)
    roles.use_owner()
    yield roles
    roles.stop()


@pytest.fixture(scope="session")
def django_db_setup(_test_database_roles, django_db_setup, django_db_blocker):
    """The tests run as the application role; the owner drops the database at the end
    (samverkan/testing_db.py, ADR 0020)."""
    with django_db_blocker.unblock():
        _test_database_roles.use_app_role()
    yield
    _test_database_roles.use_owner()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test empties every table when it ends, the reference data that the
    migrations install (agencies, roles, rule set, status codes) included. pytest-django runs
    the transactional tests last, so only they can meet such an empty database: each puts the
    reference data back first, as `load_demo` does."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from accounts.reference_data import ensure_reference_data as accounts_reference
    from cases.reference_data import ensure_reference_data as cases_reference

    accounts_reference(apps.get_model)
    cases_reference(apps.get_model)


@pytest.fixture
def area(db):
    return AreaFactory(code="sdt", name="Södertörn")


@pytest.fixture
def other_area(db):
    return AreaFactory(code="ume", name="Umeå")


@pytest.fixture
def team(area):
    return TeamFactory(area=area, name="Team 1")


@pytest.fixture
def fk_officer(area, team):
    return staff("fk_officer", areas=[area], teams=[team], username="fk.sdt")


@pytest.fixture
def af_officer(area, team):
    return staff("af_officer", areas=[area], teams=[team], username="af.sdt")


@pytest.fixture
def colleague(area):
    """An AF officer of the same area, in no team: the person is not on their caseload."""
    return staff("af_officer", areas=[area], username="af2.sdt")


@pytest.fixture
def coordinator(area):
    return staff("coordinator", areas=[area], username="samordnare.sdt")


@pytest.fixture
def management(area):
    return staff("management", areas=[area], username="ledning.sdt")


@pytest.fixture
def analyst(db):
    return staff("analyst", username="analytiker")


@pytest.fixture
def region(area):
    """An FK verksamhetsområde whose areas include "sdt" (issue 20: regions group the areas)."""
    from accounts.models import Agency, Region

    region = Region.objects.create(
        agency=Agency.objects.get(code="FK"), code="vo-sthlm", name="VO Stockholm"
    )
    region.areas.set([area])
    return region


@pytest.fixture
def regional_manager(region):
    """The region's verksamhetsområdeschef: the aggregates and deviation reports of its areas."""
    return staff("fk_regional_manager", regions=[region], username="vo.chef")


@pytest.fixture
def national_group(db):
    """A member of the national samverkansgrupp: every area's aggregates, approves work plans."""
    return staff("national_steering", username="nationella")


@pytest.fixture
def outsider(other_area):
    return staff("fk_officer", areas=[other_area], username="fk.ume")


@pytest.fixture
def other_coordinator(other_area):
    return staff("coordinator", areas=[other_area], username="samordnare.ume")


@pytest.fixture
def person(area):
    return PersonFactory(area=area, first_name="Greta", last_name="Testsson")


@pytest.fixture
def case(person, fk_officer, af_officer):
    return CaseFactory(person=person, fk_officer=fk_officer, af_officer=af_officer)


@pytest.fixture
def login():
    """login(user) -> a test client with that user logged in, second factor included."""

    def _login(user):
        return force_login_two_factor(Client(), user)

    return _login


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's admin client, with the second factor the admin needs too."""
    return force_login_two_factor(Client(), admin_user)


@pytest.fixture(autouse=True)
def _empty_rate_limits():
    """Rate-limit counters live in the cache (samverkan.throttling): each test starts from none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _no_personnummer_in_logs():
    """Every log record of the session, the Celery tasks' included, is scanned for what looks
    like a personnummer once the product's log filter has masked it (samverkan.testing_logscan,
    SPEC §7); any hit fails the session. LOGSCAN_REPORT=<file> appends the count to that file."""
    import os

    from samverkan.testing_logscan import LogScan

    scan = LogScan().attach()
    yield scan
    scan.detach()
    report = os.environ.get("LOGSCAN_REPORT")
    if report:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(report, "a", encoding="utf-8") as out:
            out.write(f"{worker}: {scan.summary()}\n")
    assert not scan.hits, f"{scan.summary()}: {scan.hits[:5]}"


@pytest.fixture(autouse=True)
def _log_scan_attached(_no_personnummer_in_logs):
    """Django's setup can run again during the session and configure logging afresh (Celery's
    Django fixup does, when the admin's periodic-task form lists the task names): the scan is
    put back before every test (adding a handler twice keeps one)."""
    _no_personnummer_in_logs.attach()
