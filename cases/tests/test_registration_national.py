"""Registration in the national systems (issue 20 point 7): a case records whether and when it
was registered in SUS and in AIS, entered on the case or imported; the list of participants not
yet registered shows, on the user's own list, the cases due for registration that lack it."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Case, Phase, PhaseTransition, RegistrationModel
from cases.registration import not_registered
from cases.tests.factories import CaseFactory, PersonFactory
from imports.results import ImportRejected
from imports.services import import_file
from imports.tests.conftest import (
    ANNA,
    BO,
    csv_file,
    imported_persons,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

URL = reverse("cases:not_registered")


def make(area, fk, af, *, start, model=RegistrationModel.NEEDS_ANALYSIS, intro=None, **fields):
    """A case of `area` on the team's caseload started on `start` (None: only referred),
    recorded under `model`; with `intro`, moved to introduction and trial that day."""
    case = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk,
        af_officer=af,
        start_date=start,
        referral_date=start or dt.date(2025, 1, 2),
        phase=Phase.NEEDS_ANALYSIS if start else Phase.REFERRED,
    )
    Case.objects.filter(pk=case.pk).update(registration_model=model, **fields)
    if intro:
        PhaseTransition.objects.create(
            case=case,
            from_phase=Phase.NEEDS_ANALYSIS,
            to_phase=Phase.INTRODUCTION_TRIAL,
            date=intro,
        )
    return case


@pytest.fixture
def cases(area, fk_officer, af_officer):
    team = (area, fk_officer, af_officer)
    old = RegistrationModel.INTRODUCTION_TRIAL
    return {
        # due from its start (2010 model), registered nowhere
        "a": make(*team, start=dt.date(2025, 3, 10)),
        # due from its start, registered in SUS only
        "b": make(*team, start=dt.date(2025, 2, 1), sus_registered_on=dt.date(2025, 2, 5)),
        # 2008 model, still in the needs analysis: not due yet
        "c": make(*team, start=dt.date(2025, 1, 5), model=old),
        # 2008 model, in introduction and trial since 2025-04-01: due from then
        "d": make(*team, start=dt.date(2025, 3, 1), model=old, intro=dt.date(2025, 4, 1)),
        # only referred: not due
        "e": make(*team, start=None),
        # registered in both
        "f": make(
            *team,
            start=dt.date(2025, 1, 20),
            sus_registered_on=dt.date(2025, 1, 22),
            ais_registered_on=dt.date(2025, 1, 21),
        ),
    }


def test_the_cases_due_and_not_registered_longest_waiting_first(cases):
    everyone = Case.objects.all()
    missing = not_registered(everyone)
    assert [c.pk for c in missing] == [cases["b"].pk, cases["a"].pk, cases["d"].pk]
    assert [c.registration_due for c in missing] == [
        dt.date(2025, 2, 1),
        dt.date(2025, 3, 10),
        dt.date(2025, 4, 1),  # the 2008 model: the move to introduction and trial
    ]
    assert [c.pk for c in not_registered(everyone, system="sus")] == [cases["a"].pk, cases["d"].pk]
    assert [c.pk for c in not_registered(everyone, system="ais")] == [
        cases["b"].pk,
        cases["a"].pk,
        cases["d"].pk,
    ]


def test_the_page_lists_the_own_cases_and_logs_each_shown(cases, fk_officer, login):
    response = login(fk_officer).get(URL, {"system": "sus"})
    assert response.status_code == 200
    shown = [row["case"].pk for row in response.context["rows"]]
    assert shown == [cases["a"].pk, cases["d"].pk]
    logged = AccessLog.objects.filter(user=fk_officer, action=AccessLog.Action.VIEW)
    assert sorted(int(e.object_id) for e in logged.filter(object_type="case")) == sorted(shown)
    assert "Saknas" in response.content.decode()


def test_a_bad_choice_shows_every_missing_one(cases, coordinator, login):
    response = login(coordinator).get(URL, {"system": "<x>"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 3


def test_an_outsider_sees_an_empty_list_and_management_is_refused(
    cases, outsider, management, login
):
    response = login(outsider).get(URL)
    assert response.status_code == 200 and response.context["rows"] == []
    assert login(management).get(URL).status_code == 403


def test_the_registration_is_entered_on_the_case_and_checked(cases, fk_officer, login):
    case = cases["a"]
    edit = reverse("cases:case_edit", args=[case.pk])
    data = {
        "target_group": case.target_group,
        "fk_officer": fk_officer.pk,
        "af_officer": case.af_officer_id,
        "referral_date": case.referral_date.isoformat(),
        "version": case.version,
    }
    future = dt.date.today() + dt.timedelta(days=3)
    client = login(fk_officer)
    refused = client.post(edit, {**data, "ais_registered_on": future.isoformat()})
    no_day = client.post(edit, {**data, "sus_id": "S-1"})
    assert refused.status_code == 200 and no_day.status_code == 200
    assert "Ange registreringsdagen när id:t är ifyllt." in no_day.content.decode()
    case.refresh_from_db()
    assert (case.ais_registered_on, case.sus_id) == (None, "")

    saved = client.post(edit, {**data, "sus_registered_on": "2025-03-12", "sus_id": "S-1"})
    assert saved.status_code == 302
    case.refresh_from_db()
    assert (case.sus_registered_on, case.sus_id) == (dt.date(2025, 3, 12), "S-1")
    assert "S-1" in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()


HEADER = (
    "personnummer;area_code;target_group;benefit;benefit_end_date;sick_leave_start;"
    "referral_date;start_date;end_date;exit_reason;sus_registered_on;sus_id;"
    "ais_registered_on;ais_id"
)


def test_the_cases_import_takes_the_registration(imported_persons, coordinator):  # noqa: F811
    from samverkan.services import AccessContext

    context = AccessContext.for_user(coordinator)
    data = csv_file(
        "cases",
        f"{ANNA};sdt;;;;;2025-01-08;2025-01-20;;;2025-01-25;S-9;;",
        f"{BO};sdt;;;;;;2025-02-01;;;;;2025-02-03;A-3",
        header=HEADER,
    )
    import_file(kind="cases", data=data, context=context)
    anna = Case.objects.get(person__personnummer=ANNA)
    bo = Case.objects.get(person__personnummer=BO)
    assert (anna.sus_registered_on, anna.sus_id, anna.ais_registered_on) == (
        dt.date(2025, 1, 25),
        "S-9",
        None,
    )
    assert (bo.ais_registered_on, bo.ais_id) == (dt.date(2025, 2, 3), "A-3")
    assert anna.registration_model == RegistrationModel.NEEDS_ANALYSIS

    # the same file again changes nothing; another SUS day for the stored case is refused
    import_file(kind="cases", data=data, context=context)
    changed = csv_file(
        "cases", f"{ANNA};sdt;;;;;2025-01-08;2025-01-20;;;2025-01-26;S-9;;", header=HEADER
    )
    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=changed, context=context)
    assert "sus_registered_on" in rejected.value.rows[0].message
    anna.refresh_from_db()
    assert anna.sus_registered_on == dt.date(2025, 1, 25)


def test_an_id_without_its_day_is_a_rejected_row(imported_persons, coordinator):  # noqa: F811
    from samverkan.services import AccessContext

    data = csv_file("cases", f"{ANNA};sdt;;;;;2025-01-08;2025-01-20;;;;S-9;;", header=HEADER)
    with pytest.raises(ImportRejected) as rejected:
        import_file(kind="cases", data=data, context=AccessContext.for_user(coordinator))
    assert "Ange registreringsdagen" in rejected.value.rows[0].message
    assert not Case.objects.filter(person__personnummer=ANNA).exists()


def test_the_import_records_the_registration_model_of_the_set_in_force(
    imported_persons,  # noqa: F811
    coordinator,
):
    from cases.models import RuleSet
    from samverkan.services import AccessContext

    RuleSet.objects.create(
        name="Handlingsplan 2008",
        valid_from=dt.date(2008, 1, 1),
        registration_model=RegistrationModel.INTRODUCTION_TRIAL,
    )
    data = csv_file(
        "cases",
        f"{ANNA};sdt;;;;;2009-10-01;2009-10-05;2010-03-01;completed",
        f"{BO};sdt;;;;;2010-01-04;2010-01-10;;",
    )
    import_file(kind="cases", data=data, context=AccessContext.for_user(coordinator))
    assert Case.objects.get(person__personnummer=ANNA).registration_model == (
        RegistrationModel.INTRODUCTION_TRIAL
    )
    assert Case.objects.get(person__personnummer=BO).registration_model == (
        RegistrationModel.NEEDS_ANALYSIS
    )
