"""The person pages (SPEC §3): register, change, consent, AF status timeline and opening a case.

Each page: the outsider gets 404, the happy path writes what it should, bad input is shown in
Swedish next to its field and writes nothing, and a concurrent change is never overwritten."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case, Consent, Person, Phase, StatusCode, StatusEntry
from cases.services import consent_record, status_entry_save
from cases.tests.factories import CaseFactory, PersonFactory, make_personnummer
from samverkan.services import AccessContext

TODAY = timezone.localdate
PERSON_PAGES = [
    "cases:person_detail",
    "cases:person_edit",
    "cases:consent_create",
    "cases:consent_withdraw",
    "cases:status_entry_create",
    "cases:case_open",
]


def url(name, person):
    return reverse(name, args=[person.pk])


def field_error(response, field):
    """The error text shown next to one field (form_fields.html), or None."""
    match = re.search(
        rf'<p class="field-error" id="id_{field}_error">([^<]*)</p>', response.content.decode()
    )
    return match.group(1) if match else None


def person_data(home_area, **overrides):
    data = {
        "area": home_area.pk,
        "personnummer": make_personnummer(dt.date(1985, 3, 14)),
        "first_name": "Astrid",
        "last_name": "Lindqvist",
        "born_abroad": "false",
        "education_level": "gymnasial",
        "disability": "unknown",
        "phone": "070-123 45 67",
        "email": "astrid@example.se",
        "street_address": "Storgatan 1",
        "postal_code": "12345",
        "city": "Huddinge",
    }
    data.update(overrides)
    return data


def edit_data(person, **overrides):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "born_abroad": "unknown",
        "education_level": person.education_level,
        "disability": "unknown",
        "phone": person.phone,
        "email": person.email,
        "street_address": person.street_address,
        "postal_code": person.postal_code,
        "city": person.city,
        "version": person.version,
    }
    data.update(overrides)
    return data


# --- outsiders --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERSON_PAGES)
def test_outsider_gets_404_on_every_person_page(case, person, outsider, login, name):
    client = login(outsider)
    assert client.get(url(name, person)).status_code == 404
    assert client.post(url(name, person), {}).status_code == 404


@pytest.mark.parametrize("name", PERSON_PAGES)
def test_colleague_outside_the_caseload_is_asked_for_a_reason_first(
    case, person, colleague, login, name
):
    response = login(colleague).get(url(name, person))
    assert response.status_code == 302
    assert response["Location"].startswith(url("cases:person_reason", person))


def test_roles_without_case_access_cannot_register_people(management, login):
    assert login(management).get(reverse("cases:person_create")).status_code == 403


# --- register a person ------------------------------------------------------------------------


def test_officer_registers_a_person_and_lands_on_the_person_page(fk_officer, area, login):
    client = login(fk_officer)
    number = make_personnummer(dt.date(1985, 3, 14), serial=123)
    dashed = f"{number[:8]}-{number[8:]}"

    response = client.post(reverse("cases:person_create"), person_data(area, personnummer=dashed))

    person = Person.objects.get()
    assert person.personnummer == number
    assert (person.first_name, person.last_name, person.area) == ("Astrid", "Lindqvist", area)
    assert person.born_abroad is False and person.disability is None
    assert person.birth_date == dt.date(1985, 3, 14)
    # the address holds the id only, never the number
    assert response["Location"] == url("cases:person_detail", person)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert person.formatted_personnummer in page.content.decode()
    assert AccessLog.objects.filter(action=AccessLog.Action.CREATE, person_id=person.pk).exists()


def test_registering_offers_only_the_users_areas(fk_officer, area, other_area, login):
    client = login(fk_officer)
    body = client.get(reverse("cases:person_create")).content.decode()
    assert "Södertörn" in body and "Umeå" not in body

    response = client.post(reverse("cases:person_create"), person_data(area, area=other_area.pk))

    assert field_error(response, "area")
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("19850314-1235", "Kontrollsiffran stämmer inte."),
        ("1985031", "Ange personnummer som ÅÅÅÅMMDD-NNNN"),
        ("19851314-1234", ""),
    ],
)
def test_an_invalid_personnummer_is_refused_next_to_the_field(
    fk_officer, area, login, number, message
):
    response = login(fk_officer).post(
        reverse("cases:person_create"), person_data(area, personnummer=number)
    )
    assert response.status_code == 200
    error = field_error(response, "personnummer")
    assert error and message in error
    assert not Person.objects.exists()


def test_a_person_already_registered_in_the_area_leads_to_that_person(
    case, person, area, fk_officer, colleague, login
):
    # on the officer's caseload: straight to the person
    response = login(fk_officer).post(
        reverse("cases:person_create"), person_data(area, personnummer=person.personnummer)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:person_detail", args=[person.pk])
    assert Person.objects.count() == 1
    # off the colleague's caseload: the person page asks for a reason first (break the glass)
    client = login(colleague)
    response = client.post(
        reverse("cases:person_create"), person_data(area, personnummer=person.personnummer)
    )
    assert response["Location"] == reverse("cases:person_detail", args=[person.pk])
    followed = client.get(response["Location"])
    assert followed.status_code == 302
    assert followed["Location"].startswith(reverse("cases:person_reason", args=[person.pk]))


def test_a_person_registered_in_another_area_is_refused_next_to_the_number(
    area, other_area, fk_officer, login
):
    elsewhere = PersonFactory(area=other_area)
    response = login(fk_officer).post(
        reverse("cases:person_create"), person_data(area, personnummer=elsewhere.personnummer)
    )
    assert field_error(response, "personnummer") == "Personen finns redan registrerad."
    assert Person.objects.count() == 1


def test_missing_name_and_bad_email_are_shown_next_to_their_fields(fk_officer, area, login):
    response = login(fk_officer).post(
        reverse("cases:person_create"), person_data(area, first_name="", email="inte-en-adress")
    )
    assert field_error(response, "first_name") == "Det här fältet är obligatoriskt."
    assert field_error(response, "email") == "Ange en giltig mejladress."
    assert "Inget är sparat" in response.content.decode()
    assert not Person.objects.exists()


# --- the person page --------------------------------------------------------------------------


def test_person_page_shows_the_facts_consents_timeline_and_cases(case, person, fk_officer, login):
    consent_record(
        person=person,
        given_on=TODAY() - dt.timedelta(days=10),
        covers_sharing=True,
        covers_follow_up=False,
        basis=Consent.Basis.WRITTEN,
        context=AccessContext.for_user(fk_officer),
    )
    code = StatusCode.objects.get(code="openly_unemployed")
    status_entry_save(
        person=person,
        on=TODAY() - dt.timedelta(days=20),
        code=code,
        context=AccessContext.for_user(fk_officer),
    )
    status_entry_save(
        person=person,
        on=TODAY() - dt.timedelta(days=5),
        code=StatusCode.objects.get(code="education"),
        context=AccessContext.for_user(fk_officer),
    )

    body = login(fk_officer).get(url("cases:person_detail", person)).content.decode()

    assert "Uppgifter mellan FK och AF" in body
    assert reverse("cases:case_detail", args=[case.pk]) in body
    timeline = body[body.index('data-testid="status-entries"') :]
    assert timeline.index("Utbildning") < timeline.index("Öppet arbetslös")  # newest first
    # an open case: no second one offered
    assert url("cases:case_open", person) not in body


def test_status_on_a_date_is_the_latest_entry_on_or_before_it(person, case, fk_officer, login):
    start = TODAY() - dt.timedelta(days=30)
    status_entry_save(
        person=person,
        on=start,
        code=StatusCode.objects.get(code="openly_unemployed"),
        context=AccessContext.system("test"),
    )
    status_entry_save(
        person=person,
        on=start + dt.timedelta(days=10),
        code=StatusCode.objects.get(code="work_subsidised"),
        context=AccessContext.system("test"),
    )
    client = login(fk_officer)

    def status_on(day):
        response = client.get(url("cases:person_detail", person), {"status_on": day})
        match = re.search(
            r'data-testid="status-on"[^>]*>(.*?)</p>', response.content.decode(), re.S
        )
        return " ".join(match.group(1).split()) if match else field_error(response, "status_on")

    assert "Öppet arbetslös" in status_on((start + dt.timedelta(days=9)).isoformat())
    assert "Arbete med stöd (Arbete med stöd)" in status_on(
        (start + dt.timedelta(days=10)).isoformat()
    )
    assert "Ingen status" in status_on((start - dt.timedelta(days=1)).isoformat())
    assert status_on("2024-02-30") == "Fyll i ett giltigt datum."


def test_protected_identity_shows_a_banner(area, fk_officer, login):
    person = PersonFactory(area=area, protected_identity=True)
    CaseFactory(person=person, fk_officer=fk_officer)
    body = login(fk_officer).get(url("cases:person_detail", person)).content.decode()
    assert 'data-testid="protected-banner"' in body and "Skyddad identitet" in body


# --- change a person --------------------------------------------------------------------------


def test_officer_changes_a_person(case, person, fk_officer, login):
    client = login(fk_officer)
    form = client.get(url("cases:person_edit", person))
    assert f'name="version" value="{person.version}"' in form.content.decode()

    response = client.post(
        url("cases:person_edit", person), edit_data(person, city="Södertälje", disability="true")
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.city == "Södertälje" and person.disability is True
    assert person.version == 2


def test_second_editor_gets_a_conflict_and_keeps_what_they_typed(
    case, person, fk_officer, af_officer, login
):
    first, second = login(fk_officer), login(af_officer)
    first.get(url("cases:person_edit", person))
    second.get(url("cases:person_edit", person))  # both opened version 1
    first.post(url("cases:person_edit", person), edit_data(person, city="Nynäshamn"))

    response = second.post(url("cases:person_edit", person), edit_data(person, city="Haninge"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Någon annan har ändrat uppgifterna medan du skrev" in body
    assert 'value="Haninge"' in body  # what the second editor typed is still in the form
    panel = body[body.index('data-testid="stored-values"') :]
    assert "Nu sparat:" in panel and "Nynäshamn" in panel
    person.refresh_from_db()
    assert person.city == "Nynäshamn"
    # the form now carries the stored version: saving again (after comparing) goes through
    assert f'name="version" value="{person.version}"' in body
    again = second.post(
        url("cases:person_edit", person), edit_data(person, city="Haninge", version=2)
    )
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.city == "Haninge"


def test_bad_input_when_changing_a_person_saves_nothing(case, person, fk_officer, login):
    response = login(fk_officer).post(
        url("cases:person_edit", person), edit_data(person, last_name="", email="x@")
    )
    assert field_error(response, "last_name") == "Det här fältet är obligatoriskt."
    assert field_error(response, "email")
    person.refresh_from_db()
    assert person.last_name == "Testsson" and person.version == 1


def test_a_tampered_version_is_refused_not_a_500(case, person, fk_officer, login):
    response = login(fk_officer).post(
        url("cases:person_edit", person), edit_data(person, version="9" * 30)
    )
    assert response.status_code == 200
    assert "Formuläret var inte komplett" in response.content.decode()


# --- consent ----------------------------------------------------------------------------------


def test_officer_records_a_consent(case, person, fk_officer, login):
    response = login(fk_officer).post(
        url("cases:consent_create", person),
        {
            "given_on": TODAY().isoformat(),
            "basis": "written",
            "covers_sharing": "on",
            "legal_basis": "",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.covers_sharing and not consent.covers_follow_up
    assert consent.recorded_by == fk_officer


def test_a_consent_covering_nothing_or_in_the_future_is_refused(case, person, fk_officer, login):
    client = login(fk_officer)
    nothing = client.post(
        url("cases:consent_create", person), {"given_on": TODAY().isoformat(), "basis": "oral"}
    )
    assert "Ange vad samtycket eller den rättsliga grunden omfattar." in nothing.content.decode()

    future = client.post(
        url("cases:consent_create", person),
        {
            "given_on": (TODAY() + dt.timedelta(days=1)).isoformat(),
            "basis": "oral",
            "covers_follow_up": "on",
        },
    )
    assert field_error(future, "given_on") == "Ett samtycke kan inte gälla från en dag i framtiden."
    assert not Consent.objects.exists()


def test_officer_withdraws_a_consent(case, person, fk_officer, login):
    consent = consent_record(
        person=person,
        given_on=TODAY() - dt.timedelta(days=30),
        covers_sharing=True,
        covers_follow_up=True,
        context=AccessContext.system("test"),
    )
    client = login(fk_officer)
    person_page = client.get(url("cases:person_detail", person)).content.decode()
    withdraw_url = f"{url('cases:consent_withdraw', person)}?samtycke={consent.pk}"
    assert withdraw_url in person_page
    form = client.get(withdraw_url).content.decode()
    assert re.search(rf'value="{consent.pk}"[^>]*checked', form)

    response = client.post(
        url("cases:consent_withdraw", person),
        {"consent": consent.pk, "withdrawn_on": TODAY().isoformat()},
    )

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY()


def test_withdrawing_before_the_consent_was_given_is_refused(case, person, fk_officer, login):
    consent = consent_record(
        person=person,
        given_on=TODAY(),
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    response = login(fk_officer).post(
        url("cases:consent_withdraw", person),
        {"consent": consent.pk, "withdrawn_on": (TODAY() - dt.timedelta(days=1)).isoformat()},
    )
    assert field_error(response, "withdrawn_on") == "Återkallandet kan inte ligga före samtycket."
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_another_persons_consent_cannot_be_withdrawn_here(case, person, area, fk_officer, login):
    consent_record(
        person=person,
        given_on=TODAY(),
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    other = PersonFactory(area=area)
    consent = consent_record(
        person=other,
        given_on=TODAY(),
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )
    response = login(fk_officer).post(
        url("cases:consent_withdraw", person),
        {"consent": consent.pk, "withdrawn_on": TODAY().isoformat()},
    )
    assert field_error(response, "consent")
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


# --- status entries ---------------------------------------------------------------------------


def test_officer_adds_a_status_entry(case, person, af_officer, login):
    code = StatusCode.objects.get(code="work_unsubsidised")
    response = login(af_officer).post(
        url("cases:status_entry_create", person),
        {"date": TODAY().isoformat(), "code": code.pk, "note": "Anställd hos Bageriet"},
    )
    assert response.status_code == 302
    entry = StatusEntry.objects.get()
    assert (entry.person, entry.code, entry.created_by) == (person, code, af_officer)


def test_inactive_codes_are_not_offered_and_future_dates_are_refused(
    case, person, af_officer, login
):
    old = StatusCode.objects.create(
        code="gammal", name="Gammal kod", outcome_category="other", is_active=False
    )
    client = login(af_officer)
    assert "Gammal kod" not in client.get(url("cases:status_entry_create", person)).content.decode()

    inactive = client.post(
        url("cases:status_entry_create", person), {"date": TODAY().isoformat(), "code": old.pk}
    )
    assert field_error(inactive, "code")

    active = StatusCode.objects.get(code="education")
    future = client.post(
        url("cases:status_entry_create", person),
        {"date": (TODAY() + dt.timedelta(days=3)).isoformat(), "code": active.pk},
    )
    assert field_error(future, "date") == "Datumet får inte ligga i framtiden."
    assert not StatusEntry.objects.exists()


# --- open a case ------------------------------------------------------------------------------


def test_fk_officer_opens_a_referred_case_with_benefit_facts(person, fk_officer, af_officer, login):
    referral = TODAY() - dt.timedelta(days=3)
    client = login(fk_officer)
    # the person is on no caseload yet: the FK officer states why they open them
    client.post(url("cases:person_reason", person), {"reason": "Ny anmälan från beredningsgrupp"})
    form = client.get(url("cases:case_open", person)).content.decode()
    assert 'name="benefit_end_date"' in form

    response = client.post(
        url("cases:case_open", person),
        {
            "phase": "referred",
            "referral_date": referral.isoformat(),
            "start_date": TODAY().isoformat(),  # ignored: a referred case has not started
            "target_group": "sick_unemployed",
            "fk_officer": fk_officer.pk,
            "af_officer": af_officer.pk,
            "benefit": "sjukpenning",
            "benefit_end_date": (TODAY() + dt.timedelta(days=200)).isoformat(),
        },
    )

    case = Case.objects.get()
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    assert case.phase == Phase.REFERRED and case.referral_date == referral
    assert case.start_date is None
    assert case.benefit == "sjukpenning" and case.af_officer == af_officer
    assert case.transitions.get().to_phase == Phase.REFERRED


def test_af_officer_is_not_offered_fks_benefit_facts(person, af_officer, fk_officer, login):
    client = login(af_officer)
    client.post(url("cases:person_reason", person), {"reason": "Ny anmälan från beredningsgrupp"})
    form = client.get(url("cases:case_open", person)).content.decode()
    assert 'name="benefit_end_date"' not in form and 'name="benefit"' not in form

    client.post(
        url("cases:case_open", person),
        {
            "phase": "needs_analysis",
            "start_date": TODAY().isoformat(),
            "af_officer": af_officer.pk,
            "benefit_end_date": TODAY().isoformat(),
        },
    )

    case = Case.objects.get()
    assert case.phase == Phase.NEEDS_ANALYSIS and case.start_date == TODAY()
    assert case.benefit_end_date is None


def test_opening_a_case_without_its_date_is_refused_next_to_the_field(person, coordinator, login):
    response = login(coordinator).post(url("cases:case_open", person), {"phase": "referred"})
    assert field_error(response, "referral_date") == "Ange datum för beredningsgruppen."
    assert not Case.objects.exists()


def test_only_officers_of_the_right_agency_and_area_are_offered(
    person, fk_officer, af_officer, outsider, coordinator, login
):
    client = login(coordinator)
    form = client.get(url("cases:case_open", person)).content.decode()
    fk_select = form[form.index('name="fk_officer"') : form.index('name="af_officer"')]
    assert f'value="{fk_officer.pk}"' in fk_select
    assert f'value="{af_officer.pk}"' not in fk_select
    assert f'value="{outsider.pk}"' not in form

    response = client.post(
        url("cases:case_open", person),
        {
            "phase": "referred",
            "referral_date": TODAY().isoformat(),
            "fk_officer": af_officer.pk,
        },
    )
    assert field_error(response, "fk_officer")
    assert not Case.objects.exists()


def test_a_second_open_case_is_refused(case, person, coordinator, login):
    response = login(coordinator).post(
        url("cases:case_open", person),
        {"phase": "referred", "referral_date": TODAY().isoformat()},
    )
    assert "Personen har redan ett öppet ärende." in response.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cases:person_edit", {"first_name": "a\x00", "education_level": "doktor", "version": "0"}),
        ("cases:consent_create", {"given_on": "99999-01-01", "covers_sharing": "on"}),
        ("cases:consent_withdraw", {"consent": "9" * 25, "withdrawn_on": "x"}),
        ("cases:status_entry_create", {"date": "2024-02-30", "code": "9" * 25}),
        ("cases:case_open", {"phase": "closed", "fk_officer": "9" * 25, "referral_date": "?"}),
    ],
)
def test_bad_person_input_is_a_message_not_a_500(case, person, fk_officer, login, name, data):
    consent_record(
        person=person,
        given_on=TODAY(),
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )

    response = login(fk_officer).post(url(name, person), data)

    assert response.status_code == 200
    assert "Inget är sparat" in response.content.decode()
    person.refresh_from_db()
    assert person.version == 1 and Case.objects.count() == 1
    assert not StatusEntry.objects.exists() and Consent.objects.get().withdrawn_on is None
