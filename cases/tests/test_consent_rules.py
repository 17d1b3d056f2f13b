"""The rules of a consent (SPEC §3, §7): a stated basis, never in the future, a reason for
dating it more than 30 days back, who recorded it taken from the login; a consent covering
sharing opens the agencies' details only once both agencies have it; every consent recorded,
confirmed or withdrawn shows in the coordinator's log review of its area, and only there."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import staff
from cases.models import Consent
from cases.services import consent_confirm, consent_record, consent_withdraw
from cases.tests.factories import PersonFactory
from samverkan.services import AccessContext

FK_NOTE = "Läkarintyg: ryggbesvär"
AF_NOTE = "Intresserad av lager"
CONSENTS_API = "/api/v1/consents/"


def today():
    return timezone.localdate()


def days_ago(n):
    return today() - dt.timedelta(days=n)


def form_url(person):
    return reverse("cases:consent_create", args=[person.pk])


def field_error(response, field):
    match = re.search(
        rf'<p class="field-error" id="id_{field}_error">([^<]*)</p>', response.content.decode()
    )
    return match.group(1) if match else None


def api_post(client, data, path=CONSENTS_API):
    return client.post(path, data, content_type="application/json")


@pytest.fixture
def secrets_case(case):
    case.fk_notes = FK_NOTE
    case.af_notes = AF_NOTE
    case.save()
    return case


# --- the date ---------------------------------------------------------------------------------


def test_a_consent_dated_in_the_future_is_refused_by_the_form_and_nothing_is_written(
    case, person, fk_officer, login
):
    response = login(fk_officer).post(
        form_url(person),
        {
            "given_on": (today() + dt.timedelta(days=1)).isoformat(),
            "basis": "written",
            "covers_sharing": "on",
        },
    )

    assert response.status_code == 200
    assert field_error(response, "given_on") == (
        "Ett samtycke kan inte gälla från en dag i framtiden."
    )
    assert not Consent.objects.exists()


def test_a_consent_dated_in_the_future_is_refused_by_the_api_and_nothing_is_written(
    case, person, fk_officer, login
):
    response = api_post(
        login(fk_officer),
        {
            "person": person.pk,
            "given_on": (today() + dt.timedelta(days=1)).isoformat(),
            "basis": "written",
            "covers_sharing": True,
        },
    )

    assert response.status_code == 400
    assert response.json()["given_on"] == ["Ett samtycke kan inte gälla från en dag i framtiden."]
    assert not Consent.objects.exists()


def test_31_days_back_needs_a_reason_on_the_form_30_do_not(case, person, fk_officer, login):
    client = login(fk_officer)
    data = {"basis": "written", "covers_follow_up": "on"}

    without = client.post(form_url(person), {**data, "given_on": days_ago(31).isoformat()})
    assert field_error(without, "backdating_reason") == (
        "Samtycket gäller från en dag mer än 30 dagar bakåt: ange skälet."
    )
    assert not Consent.objects.exists()

    thirty = client.post(form_url(person), {**data, "given_on": days_ago(30).isoformat()})
    assert thirty.status_code == 302

    reason = "Blanketten kom in med posten först nu."
    with_reason = client.post(
        form_url(person),
        {**data, "given_on": days_ago(31).isoformat(), "backdating_reason": reason},
    )
    assert with_reason.status_code == 302
    backdated = Consent.objects.get(given_on=days_ago(31))
    assert backdated.backdating_reason == reason
    assert backdated.is_backdated()


def test_31_days_back_needs_a_reason_in_the_api(case, person, fk_officer, login):
    client = login(fk_officer)
    body = {
        "person": person.pk,
        "given_on": days_ago(31).isoformat(),
        "basis": "oral",
        "covers_follow_up": True,
    }

    refused = api_post(client, body)
    assert refused.status_code == 400
    assert "backdating_reason" in refused.json()
    assert not Consent.objects.exists()

    accepted = api_post(client, {**body, "backdating_reason": "Muntligt vid besök i mars."})
    assert accepted.status_code == 201
    assert accepted.json()["backdating_reason"] == "Muntligt vid besök i mars."


# --- the basis --------------------------------------------------------------------------------


def test_the_basis_is_required_on_the_form_and_in_the_api(case, person, fk_officer, login):
    client = login(fk_officer)

    form = client.post(
        form_url(person), {"given_on": today().isoformat(), "covers_follow_up": "on"}
    )
    assert field_error(form, "basis")

    api = api_post(
        client, {"person": person.pk, "given_on": today().isoformat(), "covers_follow_up": True}
    )
    assert api.status_code == 400 and "basis" in api.json()

    not_stated = api_post(
        client,
        {
            "person": person.pk,
            "given_on": today().isoformat(),
            "basis": "not_stated",
            "covers_follow_up": True,
        },
    )
    assert not_stated.status_code == 400 and "basis" in not_stated.json()
    assert not Consent.objects.exists()


def test_staff_cannot_leave_the_basis_unstated_through_the_service(person, fk_officer):
    with pytest.raises(ValidationError) as refused:
        consent_record(
            person=person,
            given_on=today(),
            covers_sharing=False,
            covers_follow_up=True,
            context=AccessContext.for_user(fk_officer),
        )
    assert "basis" in refused.value.message_dict
    assert not Consent.objects.exists()


def test_a_legal_basis_names_its_law_and_a_consent_names_none(person, fk_officer):
    context = AccessContext.for_user(fk_officer)
    common = {"person": person, "given_on": today(), "covers_sharing": True}
    with pytest.raises(ValidationError) as unnamed:
        consent_record(**common, covers_follow_up=False, basis=Consent.Basis.LEGAL, context=context)
    assert "legal_basis" in unnamed.value.message_dict
    with pytest.raises(ValidationError) as mixed:
        consent_record(
            **common,
            covers_follow_up=False,
            basis=Consent.Basis.WRITTEN,
            legal_basis="SFB 110 kap. 31 §",
            context=context,
        )
    assert "legal_basis" in mixed.value.message_dict
    assert not Consent.objects.exists()

    legal = consent_record(
        **common,
        covers_follow_up=False,
        basis=Consent.Basis.LEGAL,
        legal_basis="SFB 110 kap. 31 §",
        context=context,
    )
    assert legal.get_basis_display() == "Rättsligt stöd"


def test_a_scheduled_job_may_write_what_a_file_says_without_a_basis(person):
    # The persons import registers follow-up consents from files that state no basis.
    consent = consent_record(
        person=person,
        given_on=days_ago(400),
        covers_sharing=False,
        covers_follow_up=True,
        context=AccessContext.system("import"),
    )
    assert consent.basis == Consent.Basis.NOT_STATED and consent.recorded_by is None


# --- who recorded it --------------------------------------------------------------------------


def test_the_api_records_the_caller_as_recorder(case, person, fk_officer, login):
    response = api_post(
        login(fk_officer),
        {
            "person": person.pk,
            "given_on": today().isoformat(),
            "basis": "written",
            "covers_sharing": True,
        },
    )

    assert response.status_code == 201
    assert response.json()["recorded_by"] == fk_officer.pk
    assert Consent.objects.get().recorded_by == fk_officer


def test_the_recorder_cannot_be_given_in_the_api(case, person, fk_officer, af_officer, login):
    response = api_post(
        login(af_officer),
        {
            "person": person.pk,
            "given_on": today().isoformat(),
            "basis": "written",
            "covers_sharing": True,
            "recorded_by": fk_officer.pk,
        },
    )

    assert response.status_code == 400
    assert "recorded_by" in response.json()
    assert not Consent.objects.exists()


def test_the_form_records_the_logged_in_user_whatever_is_posted(
    case, person, fk_officer, af_officer, login
):
    login(af_officer).post(
        form_url(person),
        {
            "given_on": today().isoformat(),
            "basis": "written",
            "covers_follow_up": "on",
            "recorded_by": fk_officer.pk,
        },
    )
    assert Consent.objects.get().recorded_by == af_officer


# --- an agency alone cannot lift the other's secrecy ------------------------------------------


def test_an_af_officer_alone_cannot_open_fks_notes_with_a_backdated_consent(
    secrets_case, person, af_officer, fk_officer, login
):
    # given an AF officer who records a written consent covering sharing, dated 2000-01-01
    af = login(af_officer)
    response = af.post(
        form_url(person),
        {
            "given_on": "2000-01-01",
            "basis": "written",
            "covers_sharing": "on",
            "backdating_reason": "Samtycket gavs för länge sedan.",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.awaits_fk and not consent.awaits_af

    # then FK's notes stay hidden from AF, on the page and in the API, until FK confirms
    case_url = reverse("cases:case_detail", args=[secrets_case.pk])
    assert FK_NOTE not in af.get(case_url).content.decode()
    assert "fk_notes" not in af.get(f"/api/v1/cases/{secrets_case.pk}/").json()
    # and AF's own notes do not reach FK either: nothing is shared until both have it
    assert AF_NOTE not in login(fk_officer).get(case_url).content.decode()
    # the person page says what it waits for, and offers FK (not AF) the confirmation
    confirm_url = reverse("cases:consent_confirm", args=[person.pk])
    person_url = reverse("cases:person_detail", args=[person.pk])
    af_page = af.get(person_url).content.decode()
    assert "Väntar på bekräftelse från Försäkringskassan" in af_page
    assert confirm_url not in af_page
    fk_page = login(fk_officer).get(person_url).content.decode()
    assert confirm_url in fk_page and f'name="consent" value="{consent.pk}"' in fk_page


def test_the_recording_agency_cannot_confirm_its_own_consent(
    secrets_case, person, af_officer, login
):
    consent = consent_record(
        person=person,
        given_on=today(),
        basis=Consent.Basis.ORAL,
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.for_user(af_officer),
    )

    af = login(af_officer)
    page = af.post(
        reverse("cases:consent_confirm", args=[person.pk]), {"consent": consent.pk}, follow=True
    )
    assert "Samtycket väntar inte på bekräftelse från din myndighet." in page.content.decode()
    api = af.post(f"{CONSENTS_API}{consent.pk}/confirm/")
    assert api.status_code == 400
    consent.refresh_from_db()
    assert consent.awaits_fk
    case_url = reverse("cases:case_detail", args=[secrets_case.pk])
    assert FK_NOTE not in af.get(case_url).content.decode()


def test_a_consent_of_another_person_or_garbage_is_not_confirmed_on_this_page(
    case, person, area, af_officer, fk_officer, login
):
    other = PersonFactory(area=area)
    consent = consent_record(
        person=other,
        given_on=today(),
        basis=Consent.Basis.WRITTEN,
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.for_user(af_officer),
    )
    client = login(fk_officer)
    confirm_url = reverse("cases:consent_confirm", args=[person.pk])
    for posted in (consent.pk, "9" * 30, "x"):
        page = client.post(confirm_url, {"consent": posted}, follow=True)
        assert "Samtycket finns inte hos personen." in page.content.decode()
    consent.refresh_from_db()
    assert consent.awaits_fk


def test_fks_confirmation_opens_both_sides(secrets_case, person, af_officer, fk_officer, login):
    consent = consent_record(
        person=person,
        given_on=today(),
        basis=Consent.Basis.WRITTEN,
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.for_user(af_officer),
    )

    response = login(fk_officer).post(
        reverse("cases:consent_confirm", args=[person.pk]), {"consent": consent.pk}
    )

    assert response.status_code == 302
    consent.refresh_from_db()
    assert not consent.awaits_fk and not consent.awaits_af
    case_url = reverse("cases:case_detail", args=[secrets_case.pk])
    assert FK_NOTE in login(af_officer).get(case_url).content.decode()
    assert AF_NOTE in login(fk_officer).get(case_url).content.decode()


def test_confirmation_through_the_api(secrets_case, person, af_officer, fk_officer, login):
    created = api_post(
        login(fk_officer),
        {
            "person": person.pk,
            "given_on": today().isoformat(),
            "basis": "legal",
            "legal_basis": "SFB 110 kap. 31 §",
            "covers_sharing": True,
        },
    ).json()
    assert created["awaits_af"] is True and created["awaits_fk"] is False
    af = login(af_officer)
    assert "fk_notes" not in af.get(f"/api/v1/cases/{secrets_case.pk}/").json()

    confirmed = af.post(f"{CONSENTS_API}{created['id']}/confirm/")

    assert confirmed.status_code == 200 and confirmed.json()["awaits_af"] is False
    assert af.get(f"/api/v1/cases/{secrets_case.pk}/").json()["fk_notes"] == FK_NOTE


def test_a_coordinator_of_neither_agency_needs_both_to_confirm(
    secrets_case, person, area, af_officer, fk_officer
):
    neutral = staff("coordinator", areas=[area], username="neutral.sdt")
    neutral.staff_profile.agency = None
    neutral.staff_profile.save()
    consent = consent_record(
        person=person,
        given_on=today(),
        basis=Consent.Basis.WRITTEN,
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.for_user(neutral),
    )
    assert consent.awaits_fk and consent.awaits_af

    consent_confirm(consent=consent, context=AccessContext.for_user(fk_officer))
    assert not person.consents.in_force_on(today()).covering_sharing().exists()
    consent_confirm(consent=consent, context=AccessContext.for_user(af_officer))
    assert person.consents.in_force_on(today()).covering_sharing().exists()


# --- the coordinator's log review -------------------------------------------------------------


def _consent_rows(client):
    body = client.get(reverse("audit:review"), {"month": f"{today():%Y-%m}"}).content.decode()
    table = body[body.index('data-testid="consent-events"') :]
    return table[: table.index("</table>")]


def test_recording_confirming_and_withdrawing_show_in_the_areas_log_review(
    case, person, af_officer, fk_officer, coordinator, other_coordinator, login
):
    # given a back-dated consent recorded by AF, confirmed by FK and withdrawn by AF
    consent = consent_record(
        person=person,
        given_on=days_ago(45),
        basis=Consent.Basis.ORAL,
        backdating_reason="Gavs muntligt vid mötet i oktober.",
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.for_user(af_officer),
    )
    consent_confirm(consent=consent, context=AccessContext.for_user(fk_officer))
    consent_withdraw(
        consent=consent, withdrawn_on=today(), context=AccessContext.for_user(af_officer)
    )

    rows = _consent_rows(login(coordinator))

    # then each event is a row: who, what, the person as the review shows people, the basis,
    # the day it is dated and the back-dating with its reason
    assert rows.count("<tr") == 4  # the header and three events
    for what, who in (
        ("Registrerat", f"{af_officer.get_full_name()} ({af_officer.username})"),
        ("Bekräftat", f"{fk_officer.get_full_name()} ({fk_officer.username})"),
        ("Återkallat", f"{af_officer.get_full_name()} ({af_officer.username})"),
    ):
        assert re.search(rf"<td>{what}</td>\s*<td>{re.escape(who)}</td>", rows), what
    assert person.masked_personnummer in rows
    assert "Muntligt samtycke" in rows
    assert days_ago(45).isoformat() in rows
    assert "Gavs muntligt vid mötet i oktober." in rows

    # and another area's coordinator sees none of it
    other = _consent_rows(login(other_coordinator))
    assert "Inga samtycken registrerade eller ändrade under månaden." in other
    assert person.masked_personnummer not in other


def test_the_log_review_says_when_a_consent_is_not_backdated(
    case, person, fk_officer, coordinator, login
):
    consent_record(
        person=person,
        given_on=today(),
        basis=Consent.Basis.WRITTEN,
        covers_sharing=False,
        covers_follow_up=True,
        context=AccessContext.for_user(fk_officer),
    )
    rows = _consent_rows(login(coordinator))
    assert "<td>Nej</td>" in rows and "Ja, skäl:" not in rows


def test_a_job_keeps_its_sources_date_without_a_warning_but_staff_back_dating_is_marked(
    case, person, fk_officer, coordinator, login
):
    # given a consent read from a file by a job, dated months back as the file says
    consent_record(
        person=person,
        given_on=days_ago(90),
        basis=Consent.Basis.WRITTEN,
        covers_sharing=False,
        covers_follow_up=True,
        context=AccessContext.system("import"),
    )
    rows = _consent_rows(login(coordinator))
    # then the review says whose date it is, without marking the row for attention
    assert "Ja, källans datum (systemjobb)" in rows
    assert 'class="warning"' not in rows

    # while a member of staff's back-dating is marked, with the reason
    consent_record(
        person=person,
        given_on=days_ago(40),
        basis=Consent.Basis.ORAL,
        backdating_reason="Gavs muntligt vid mötet i oktober.",
        covers_sharing=False,
        covers_follow_up=True,
        context=AccessContext.for_user(fk_officer),
    )
    rows = _consent_rows(login(coordinator))
    assert rows.count('class="warning"') == 1
    assert "Ja, skäl: Gavs muntligt vid mötet i oktober." in rows


def test_an_api_recorded_consent_shows_in_the_log_review_too(
    case, person, fk_officer, coordinator, login
):
    api_post(
        login(fk_officer),
        {
            "person": person.pk,
            "given_on": today().isoformat(),
            "basis": "written",
            "covers_follow_up": True,
        },
    )
    rows = _consent_rows(login(coordinator))
    who = re.escape(f"{fk_officer.get_full_name()} ({fk_officer.username})")
    assert re.search(rf"<td>Registrerat</td>\s*<td>{who}</td>", rows)


# --- the API resource ------------------------------------------------------------------------


def test_another_areas_consent_answers_404(other_area, fk_officer, login):
    stranger = PersonFactory(area=other_area)
    consent = consent_record(
        person=stranger,
        given_on=today(),
        covers_sharing=False,
        covers_follow_up=True,
        context=AccessContext.system("test"),
    )
    client = login(fk_officer)
    assert client.get(f"{CONSENTS_API}{consent.pk}/").status_code == 404
    assert client.post(f"{CONSENTS_API}{consent.pk}/confirm/").status_code == 404
    withdraw = api_post(
        client, {"withdrawn_on": today().isoformat()}, path=f"{CONSENTS_API}{consent.pk}/withdraw/"
    )
    assert withdraw.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_withdrawal_through_the_api(case, person, fk_officer, login):
    consent = consent_record(
        person=person,
        given_on=days_ago(5),
        basis=Consent.Basis.WRITTEN,
        covers_sharing=False,
        covers_follow_up=True,
        context=AccessContext.for_user(fk_officer),
    )
    client = login(fk_officer)
    path = f"{CONSENTS_API}{consent.pk}/withdraw/"

    ahead = api_post(client, {"withdrawn_on": (today() + dt.timedelta(days=1)).isoformat()}, path)
    assert ahead.status_code == 400 and "withdrawn_on" in ahead.json()
    done = api_post(client, {"withdrawn_on": today().isoformat()}, path)
    assert done.status_code == 200 and done.json()["withdrawn_on"] == today().isoformat()


# --- consents recorded before these rules ------------------------------------------------------


def test_the_data_migration_states_no_basis_and_holds_one_sided_sharing(
    person, fk_officer, af_officer
):
    from importlib import import_module

    from django.apps import apps

    fill = import_module("cases.migrations.0011_consent_basis_fill").fill
    old = {"person": person, "given_on": days_ago(100), "basis": Consent.Basis.NOT_STATED}
    by_fk = Consent.objects.create(**old, covers_sharing=True, recorded_by=fk_officer)
    by_af = Consent.objects.create(**old, covers_sharing=True, recorded_by=af_officer)
    by_law = Consent.objects.create(
        **old, covers_follow_up=True, legal_basis="SFB 110 kap. 31 §", recorded_by=fk_officer
    )
    by_job = Consent.objects.create(**old, covers_sharing=True)

    fill(apps, None)

    for consent in (by_fk, by_af, by_law, by_job):
        consent.refresh_from_db()
    assert (by_fk.awaits_fk, by_fk.awaits_af) == (False, True)
    assert (by_af.awaits_fk, by_af.awaits_af) == (True, False)
    assert by_law.basis == Consent.Basis.LEGAL and not by_law.awaits_af
    assert by_fk.basis == Consent.Basis.NOT_STATED
    assert (by_job.awaits_fk, by_job.awaits_af) == (False, False)
