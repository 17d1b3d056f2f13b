"""The new role capability (accounts.Role.exports_pseudonymised) and who may export."""

import pytest

from accounts.models import Role
from accounts.scoping import scope_for
from accounts.tests.factories import staff
from exports.selectors import COARSENED, FULL, export_area_ids_for, export_mode_for

pytestmark = pytest.mark.django_db


def test_the_export_job_and_the_analyst_export_pseudonymised_and_no_one_else():
    flagged = set(Role.objects.filter(exports_pseudonymised=True).values_list("code", flat=True))
    assert flagged == {"api_client", "analyst"}


def test_the_scope_carries_the_flag(export_client, fk_officer):
    assert scope_for(export_client).exports_pseudonymised is True
    assert scope_for(fk_officer).exports_pseudonymised is False


def test_export_modes_and_areas(
    area, fk_officer, coordinator, management, analyst, export_client, outsider
):
    assert export_mode_for(fk_officer) == export_mode_for(coordinator) == FULL
    assert export_mode_for(export_client) == export_mode_for(analyst) == COARSENED
    assert export_mode_for(management) is None
    assert export_area_ids_for(coordinator) == {area.pk}
    assert export_area_ids_for(export_client) == {area.pk}
    assert export_area_ids_for(analyst) is None  # every area
    assert export_area_ids_for(management) == frozenset()
    assert area.pk not in export_area_ids_for(outsider)


def test_case_access_wins_over_the_export_flag(area):
    # a role with both sees the list with full identity, not the whole area pseudonymised
    role = Role.objects.get(code="fk_officer")
    role.exports_pseudonymised = True
    role.save()
    assert export_mode_for(staff("fk_officer", areas=[area], username="both")) == FULL
