"""Valid changes through the access matrix's change routes (SPEC §7): each declared route,
called once by an allowed role with valid data, answers its success status, changes the record
and writes exactly the declared access-log rows, all naming the person (but those declared to
name only the person's area), the declared number of them a "create", "update" or "delete" or
the route's own declared actions (access_changes.py declares them; every change route of the
matrix must be declared there)."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Person
from samverkan.tests import access_changes as table
from samverkan.tests import access_matrix as matrix
from samverkan.tests.access_change_payloads import PAYLOADS
from samverkan.tests.test_access_matrix import clients  # noqa: F401 (the fixture)

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_change_route_of_the_matrix_is_declared_once():
    writes = {name for name, route in matrix.ROUTES.items() if WRITES & set(route.allowed)}
    tables = [set(table.CHANGES), set(table.EXCLUDED), set(table.NOT_YET_PROVED)]
    declared = set().union(*tables)
    assert not writes - declared, f"declare in access_changes: {sorted(writes - declared)}"
    assert not declared - writes, f"no change routes: {sorted(declared - writes)}"
    assert sum(map(len, tables)) == len(declared), "a route is in more than one table"
    for name, change in table.CHANGES.items():
        assert change.method in matrix.ROUTES[name].allowed, name
        assert change.role in matrix.ROLES, name
        assert set(change.actions) <= set(AccessLog.Action.values), name
        assert change.area_rows <= change.changes <= change.rows, name


def test_every_declared_change_has_a_payload():
    assert set(PAYLOADS) == set(table.CHANGES)


@pytest.mark.parametrize("name", sorted(table.CHANGES))
def test_a_valid_change_succeeds_changes_the_record_and_is_logged(
    name,
    clients,  # noqa: F811 (the fixture)
    person,
    case,
):
    change = table.CHANGES[name]
    obj, data, changed, *subject = PAYLOADS[name](person, case)
    # The person the change is about: the fixture's, or the one a registration creates.
    subject = subject[0] if subject else lambda: person
    # The object the address names, or the address's parameters where it names more.
    address = obj if isinstance(obj, dict) else {"pk": obj.pk} if obj is not None else {}
    url = reverse(name, kwargs=address)
    assert not changed(), f"{name}: the record had the change before the call"
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    call = getattr(clients[change.role], change.method.lower())
    api = name.startswith("api:")
    response = call(url, data, content_type="application/json") if api else call(url, data)
    rows = list(AccessLog.objects.filter(id__gt=before))
    assert response.status_code == change.status, (name, response.status_code)
    assert changed(), f"{name}: the record did not change"
    assert len(rows) == change.rows, (name, [(r.action, r.object_type) for r in rows])
    described = [(r.action, r.object_type, r.person_id) for r in rows]
    area = Person.objects.get(pk=subject().pk).area_id
    about_area = [r for r in rows if r.person_id is None and r.area_id == area]
    assert len(about_area) == change.area_rows, (name, described)
    about_person = [r for r in rows if r not in about_area]
    assert all(r.person_id == subject().pk for r in about_person), (name, described)
    assert sum(r.action in change.actions for r in rows) == change.changes, (name, described)
    assert all(r.action in change.actions for r in about_area), (name, described)
    print(f"\n{name} {change.method} as {change.role}: {response.status_code}, {len(rows)} rows")
