"""The reader's scope, asked on every request (accounts.scoping.scope_for): one query, compiled
once per process and run with each user's id. Each role's scope read exactly, and a later
reader's scope costs its query but no compiling."""

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Agency, Region
from accounts.scoping import scope_for
from accounts.tests.factories import AreaFactory, UserFactory, staff
from samverkan.tests.compiling import Compiling

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as a new request loads it (the scope is kept on the user object)."""
    return get_user_model().objects.get(pk=user.pk)


def test_every_role_reads_its_own_scope(area, other_area, team, fk_officer):
    closed = AreaFactory(code="stangd", name="Stängt", is_active=False)
    region = Region.objects.create(agency=Agency.objects.get(code="AF"), code="mo", name="MO")
    region.areas.set([area, closed])
    coordinator = staff("coordinator", areas=[area, other_area, closed], username="samordnare")
    manager = staff("af_regional_manager", regions=[region], username="marknadschef")
    national = staff("national_steering", username="nationella")
    nobody = UserFactory(username="utan.profil")

    officer = scope_for(_fresh(fk_officer))
    assert (officer.area_ids, officer.team_ids) == ({area.pk}, {team.pk})
    assert officer.case_access and officer.is_officer and not officer.area_wide
    assert officer.agency_code == "FK" and officer.role_name
    assert not officer.regional_manager and officer.region_ids == frozenset()

    both = scope_for(_fresh(coordinator))
    assert both.area_ids == {area.pk, other_area.pk}  # not the inactive area
    assert both.is_coordinator and both.team_ids == frozenset()

    regional = scope_for(_fresh(manager))
    assert regional.regional_manager and regional.agency_code == "AF"
    assert regional.region_ids == {region.pk}
    assert regional.region_area_ids == {area.pk}  # not the inactive area
    assert regional.area_ids == frozenset() and not regional.case_access

    steering = scope_for(_fresh(national))
    assert steering.national_steering and steering.national_aggregates
    assert not steering.case_access

    none = scope_for(_fresh(nobody))
    assert none.area_ids == frozenset() and not none.has_any_access


def test_a_later_readers_scope_compiles_no_sql(area, fk_officer, af_officer):
    scope_for(_fresh(fk_officer))  # the process's first: compiles the query
    reader = _fresh(af_officer)
    with Compiling() as compiling:
        scope = scope_for(reader)
    assert compiling.compiled == []
    assert scope.area_ids == {area.pk} and scope.agency_code == "AF"


def test_the_scopes_query_sorts_nothing(area, fk_officer):
    # The lists are sets (areas, teams, regions): the models' default orderings only made the
    # query costlier to plan on every request, with a join to the agency for one of them.
    from django.db import connection

    from accounts import scoping

    scope_for(_fresh(fk_officer))
    sql, params, where, _names = scoping._compiled
    params = [*params]
    params[where] = fk_officer.pk
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0][0]["Plan"]

    def nodes(node):
        yield node["Node Type"]
        for child in node.get("Plans", []):
            yield from nodes(child)

    assert "Sort" not in set(nodes(plan))
    assert "ORDER BY" not in sql
