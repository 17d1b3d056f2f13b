"""The offices of cases and joint mappings (SPEC §2, accounts.offices): the kind and area rule in
the models' clean, the officer's office by default, a move to another area clearing them, and
the forms' choices."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import OfficeUnit, StaffProfile
from cases.forms import CaseEditForm, CaseOpenForm
from cases.services import case_move_area, case_open, case_update
from cases.tests.factories import CaseFactory, PersonFactory
from mapping.forms.mappings import MappingCreateForm
from mapping.services import mapping_create
from samverkan.services import AccessContext

DAY = dt.date(2026, 3, 16)


@pytest.fixture
def offices(area, other_area):
    return {
        "lfc": OfficeUnit.objects.create(area=area, kind="LFC", code="sdt-lfc", name="LFC Söder"),
        "lfc2": OfficeUnit.objects.create(area=area, kind="LFC", code="sdt-lfc2", name="LFC Nord"),
        "amo": OfficeUnit.objects.create(area=area, kind="AMO", code="sdt-amo", name="AMO Söder"),
        "other_lfc": OfficeUnit.objects.create(
            area=other_area, kind="LFC", code="ume-lfc", name="LFC Umeå"
        ),
        "other_amo": OfficeUnit.objects.create(
            area=other_area, kind="AMO", code="ume-amo", name="AMO Umeå"
        ),
    }


def _works_at(user, office):
    StaffProfile.objects.filter(user=user).update(office_unit=office)


def test_a_case_office_of_another_area_or_the_wrong_kind_is_refused_with_a_clear_message(
    case, offices
):
    case.fk_office = offices["other_lfc"]
    case.af_office = offices["lfc"]
    with pytest.raises(ValidationError) as refused:
        case.full_clean(validate_constraints=False)
    assert refused.value.message_dict == {
        "fk_office": ["Kontoret LFC Umeå hör till ett annat samverkansområde."],
        "af_office": ["LFC Söder är inte ett arbetsmarknadsområde (AF)."],
    }


def test_the_update_service_refuses_a_wrong_office_and_saves_nothing(case, fk_officer, offices):
    with pytest.raises(ValidationError) as refused:
        case_update(
            case=case,
            expected_version=case.version,
            data={"fk_office": offices["amo"]},
            context=AccessContext.for_user(fk_officer),
        )
    assert "fk_office" in refused.value.message_dict
    case.refresh_from_db()
    assert case.fk_office is None


def test_a_new_case_takes_the_officers_offices_when_none_is_given(
    person, fk_officer, af_officer, offices
):
    _works_at(fk_officer, offices["lfc"])
    _works_at(af_officer, offices["amo"])

    case = case_open(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        referral_date=DAY,
        context=AccessContext.for_user(fk_officer),
        today=DAY,
    )

    assert (case.fk_office, case.af_office) == (offices["lfc"], offices["amo"])


def test_an_office_given_wins_and_an_officers_office_of_another_area_is_not_taken(
    person, fk_officer, af_officer, offices
):
    _works_at(fk_officer, offices["lfc"])
    _works_at(af_officer, offices["other_amo"])  # out of date: the profile's other area

    case = case_open(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        fk_office=offices["lfc2"],
        referral_date=DAY,
        context=AccessContext.for_user(fk_officer),
        today=DAY,
    )

    assert (case.fk_office, case.af_office) == (offices["lfc2"], None)


def test_a_new_mapping_takes_the_officers_offices(person, fk_officer, af_officer, offices):
    _works_at(fk_officer, offices["lfc"])
    _works_at(af_officer, offices["amo"])

    mapping = mapping_create(
        person=person,
        initiated_by="FK",
        initiation_reason="Lång sjukskrivning.",
        requested_on=DAY,
        fk_officer=fk_officer,
        af_officer=af_officer,
        context=AccessContext.for_user(fk_officer),
        today=DAY,
    )

    assert (mapping.fk_office, mapping.af_office) == (offices["lfc"], offices["amo"])


def test_a_move_to_another_area_clears_the_offices_of_the_case_and_the_open_mapping(
    area, other_area, person, fk_officer, af_officer, coordinator, offices
):
    case = CaseFactory(
        person=person, fk_office=offices["lfc"], af_office=offices["amo"], start_date=DAY
    )
    mapping = mapping_create(
        person=person,
        initiated_by="AF",
        initiation_reason="Behöver stöd.",
        requested_on=DAY,
        fk_office=offices["lfc"],
        af_office=offices["amo"],
        context=AccessContext.for_user(af_officer),
        today=DAY,
    )

    case_move_area(
        case=case,
        to_area=other_area,
        on=DAY,
        context=AccessContext.for_user(coordinator),
        today=DAY,
    )

    case.refresh_from_db()
    mapping.refresh_from_db()
    assert (case.fk_office, case.af_office) == (None, None)
    assert (mapping.area, mapping.fk_office, mapping.af_office) == (other_area, None, None)


def test_the_forms_offer_the_areas_offices_of_each_kind_by_name(area, person, fk_officer, offices):
    case = CaseFactory(person=person)
    for form in (
        CaseEditForm(case=case, user=fk_officer),
        CaseOpenForm(person=person, user=fk_officer),
        MappingCreateForm(area=area, user=fk_officer),
    ):
        fk_choices = [label for _value, label in form.fields["fk_office"].choices]
        af_choices = [label for _value, label in form.fields["af_office"].choices]
        assert fk_choices[1:] == ["LFC Nord", "LFC Söder"]
        assert af_choices[1:] == ["AMO Söder"]
        assert form.fields["fk_office"].label == "FK-kontor (LFC)"


def test_the_edit_page_saves_the_chosen_office(login, area, fk_officer, offices):
    person = PersonFactory(area=area)
    case = CaseFactory(person=person, fk_officer=fk_officer)
    client = login(fk_officer)
    page = client.get(reverse("cases:case_edit", args=[case.pk]))
    assert page.status_code == 200
    assert "LFC Söder" in page.content.decode()
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(fk_office=offices["lfc"].pk, af_office=offices["other_amo"].pk)

    refused = client.post(reverse("cases:case_edit", args=[case.pk]), data)

    assert refused.status_code == 200  # another area's office is not among the choices
    case.refresh_from_db()
    assert case.af_office is None
    data["af_office"] = offices["amo"].pk
    client.post(reverse("cases:case_edit", args=[case.pk]), data)
    case.refresh_from_db()
    assert (case.fk_office, case.af_office) == (offices["lfc"], offices["amo"])
