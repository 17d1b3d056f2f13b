"""The API applies the secrecy between the agencies like the pages (SPEC §7)."""

import datetime as dt

from cases.services import consent_record
from samverkan.services import AccessContext

FK_KEYS = {"benefit", "benefit_end_date", "sick_leave_start", "fk_notes"}


def _case_json(client, case):
    response = client.get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200
    return response.json()


def _with_secrets(case):
    case.benefit = "sjukpenning"
    case.benefit_end_date = dt.date(2027, 3, 1)
    case.fk_notes = "Läkarintyg: ryggbesvär"
    case.af_notes = "Intresserad av lager"
    case.save()
    return case


def test_af_officer_without_consent_gets_no_fk_details(case, af_officer, login):
    data = _case_json(login(af_officer), _with_secrets(case))
    assert not FK_KEYS & set(data)
    assert data["af_notes"] == "Intresserad av lager"


def test_fk_officer_without_consent_gets_no_af_notes(case, fk_officer, login):
    data = _case_json(login(fk_officer), _with_secrets(case))
    assert "af_notes" not in data
    assert data["fk_notes"] == "Läkarintyg: ryggbesvär"


def test_consent_covering_sharing_opens_both_sides(case, person, af_officer, fk_officer, login):
    _with_secrets(case)
    consent_record(
        person=person,
        given_on=dt.date.today(),
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    assert _case_json(login(af_officer), case)["benefit_end_date"] == "2027-03-01"
    assert _case_json(login(fk_officer), case)["af_notes"] == "Intresserad av lager"


def test_consent_for_follow_up_only_does_not_open_sharing(case, person, af_officer, login):
    _with_secrets(case)
    consent_record(
        person=person,
        given_on=dt.date.today(),
        covers_sharing=False,
        covers_follow_up=True,
        context=AccessContext.system("test"),
    )
    assert "fk_notes" not in _case_json(login(af_officer), case)
