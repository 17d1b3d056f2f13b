from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Agency, OfficeUnit, Role, StaffProfile
from accounts.scoping import aggregate_area_ids, scope_for


def test_agencies_and_roles_of_spec_are_seeded(db):
    assert set(Agency.objects.values_list("code", flat=True)) == {"FK", "AF"}
    assert set(Role.objects.values_list("code", flat=True)) >= {
        "fk_officer",
        "af_officer",
        "coordinator",
        "management",
        "analyst",
        "sysadmin",
        "api_client",
    }


def test_role_bound_to_agency_refuses_the_other_agency(fk_officer):
    profile = fk_officer.staff_profile
    profile.agency = Agency.objects.get(code="AF")
    with pytest.raises(ValidationError) as excinfo:
        profile.full_clean()
    assert "agency" in excinfo.value.message_dict


def test_office_unit_must_belong_to_the_staff_members_agency(fk_officer, area):
    amo = OfficeUnit.objects.create(area=area, kind="AMO", code="x-amo", name="AMO X")
    profile = fk_officer.staff_profile
    profile.office_unit = amo
    with pytest.raises(ValidationError) as excinfo:
        profile.full_clean()
    assert "office_unit" in excinfo.value.message_dict


@pytest.mark.parametrize("share", ["0.00", "1.01"])
def test_working_time_share_outside_0_to_1_is_refused_by_the_database(fk_officer, share):
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfile.objects.filter(user=fk_officer).update(working_time_share=Decimal(share))


def test_scope_follows_role_flags_not_role_names(area, fk_officer):
    # an administrator turns the FK officer role into an aggregates-only role
    Role.objects.filter(code="fk_officer").update(case_access=False)
    fk_officer.refresh_from_db()
    scope = scope_for(fk_officer)
    assert scope.case_access is False and scope.area_ids == {area.pk}


def test_aggregate_scope_national_for_analyst_and_own_area_for_management(
    analyst, management, area
):
    assert aggregate_area_ids(analyst) is None
    assert aggregate_area_ids(management) == {area.pk}


def test_inactive_area_gives_no_access(fk_officer, area):
    area.is_active = False
    area.save()
    assert scope_for(fk_officer).area_ids == frozenset()
