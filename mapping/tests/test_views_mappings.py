"""The joint-mapping and meeting pages (SPEC §4, §7, ADR 0008), and their section on the person
page.

Each page: outsiders and roles without case access get 404 (GET and POST) and change nothing,
a colleague outside the caseload is asked for a reason first, every access is logged, the happy
path writes through the service, bad input is shown next to its field and saves nothing, and a
concurrent change is never overwritten. Objects are made through the services, as the pages do."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case, Consent, Phase
from cases.services import consent_record, person_create
from cases.tests.factories import make_personnummer
from mapping.models import Decision, JointMapping, Meeting
from mapping.services import mapping_create, mapping_decide, mapping_update, meeting_create
from samverkan.services import AccessContext

TODAY = timezone.localdate
PAGES = [
    ("mapping:mapping_create", "person"),
    ("mapping:mapping_detail", "mapping"),
    ("mapping:mapping_edit", "mapping"),
    ("mapping:mapping_decide", "mapping"),
    ("mapping:mapping_sign", "mapping"),
    ("mapping:mapping_meeting_create", "mapping"),
    ("mapping:person_meeting_create", "person"),
    ("mapping:meeting_edit", "meeting"),
]
PAGE_IDS = [name for name, _ in PAGES]


def days_ago(n):
    return TODAY() - dt.timedelta(days=n)


def iso(day):
    return day.isoformat() if day else ""


def field_error(response, field):
    """The error text shown next to one field (includes/form_fields.html), or None."""
    match = re.search(
        rf'<p class="field-error" id="id_{field}_error">([^<]*)</p>', response.content.decode()
    )
    return match.group(1) if match else None


def registered_by(user, area):
    """A person the user registered: on their caseload until a case or mapping exists."""
    return person_create(
        personnummer=make_personnummer(dt.date(1975, 6, 1)),
        first_name="Karin",
        last_name="Kartlagd",
        area=area,
        context=AccessContext.for_user(user),
    )


@pytest.fixture
def mapping(person, fk_officer, af_officer):
    """Requested by FK 30 days ago with FK's benefit facts, both officers named; held 20 days
    ago. An open mapping puts the person on both officers' caseload."""
    mapping = mapping_create(
        person=person,
        initiated_by="FK",
        initiation_reason="Svårt att återgå till arbetsgivaren.",
        requested_on=days_ago(30),
        fk_officer=fk_officer,
        af_officer=af_officer,
        benefit="sjukpenning",
        benefit_end_date=TODAY() + dt.timedelta(days=200),
        sick_leave_start=days_ago(130),
        participants=["person", "FK"],
        rough_plan="Kartlägga arbetsförmåga.",
        context=AccessContext.for_user(fk_officer),
    )
    meeting_create(
        person=person,
        mapping=mapping,
        kind="avstamningsmote",
        on=days_ago(20),
        participants=["person", "FK", "AF"],
        notes="Första avstämningen.",
        context=AccessContext.for_user(fk_officer),
    )
    mapping.refresh_from_db()
    return mapping


@pytest.fixture
def meeting(mapping):
    return mapping.meetings.get()


@pytest.fixture
def pending(mapping, fk_officer):
    """Active support recorded (and confirmed) by FK; waiting for AF."""
    return mapping_decide(
        mapping=mapping,
        expected_version=None,
        decision=Decision.JOINT_ACTIVE_SUPPORT,
        decision_reason="Behöver arbetsförberedande insatser.",
        decision_date=days_ago(10),
        case_target_group="sick_unemployed",
        case_phase=Phase.NEEDS_ANALYSIS,
        case_date=days_ago(5),
        context=AccessContext.for_user(fk_officer),
    )


def edit_data(mapping, **overrides):
    data = {
        "initiation_reason": mapping.initiation_reason,
        "requested_on": iso(mapping.requested_on),
        "request_received_on": iso(mapping.request_received_on),
        "fk_officer": mapping.fk_officer_id or "",
        "af_officer": mapping.af_officer_id or "",
        "benefit": mapping.benefit,
        "benefit_end_date": iso(mapping.benefit_end_date),
        "sick_leave_start": iso(mapping.sick_leave_start),
        "participants": mapping.participants,
        "rough_plan": mapping.rough_plan,
        "version": mapping.version,
    }
    data.update(overrides)
    return data


def create_data(**overrides):
    data = {
        "initiated_by": "FK",
        "initiation_reason": "Sjukskriven sedan länge, arbetsgivaren saknar arbetsuppgifter.",
        "requested_on": iso(days_ago(3)),
        "request_received_on": iso(days_ago(2)),
        "benefit": "sjukpenning",
        "sick_leave_start": iso(days_ago(100)),
        "participants": ["person", "FK"],
        "rough_plan": "",
        # the form asks for a consent when the person has none in force (tested below)
        "consent_basis": "none",
    }
    data.update(overrides)
    return data


def decide_data(mapping, **overrides):
    data = {
        "decision": Decision.JOINT_ACTIVE_SUPPORT,
        "decision_reason": "Behöver arbetsförberedande insatser.",
        "decision_date": iso(days_ago(10)),
        "case_target_group": "sick_unemployed",
        "case_phase": Phase.NEEDS_ANALYSIS,
        "case_date": iso(days_ago(5)),
        "version": mapping.version,
    }
    data.update(overrides)
    return data


def meeting_data(**overrides):
    data = {
        "kind": "avstamningsmote",
        "date": iso(days_ago(1)),
        "participants": ["person", "AF", "employer"],
        "notes": "Arbetsgivaren deltog.",
    }
    data.update(overrides)
    return data


def url(name, obj):
    return reverse(name, args=[obj.pk])


def snapshot():
    """Everything the pages could change."""
    return (
        list(JointMapping.objects.order_by("pk").values_list("pk", "version", "af_signed_at")),
        list(Meeting.objects.order_by("pk").values_list("pk", "version")),
        Case.objects.count(),
    )


# --- access -----------------------------------------------------------------------------------


@pytest.fixture
def page_objects(pending, meeting):
    return {"person": pending.person, "mapping": pending, "meeting": meeting}


def _post_data(name, objects):
    mapping = objects["mapping"]
    return {
        "mapping:mapping_create": create_data(),
        "mapping:mapping_detail": {},
        "mapping:mapping_edit": edit_data(mapping, rough_plan="Inkräktare"),
        "mapping:mapping_decide": decide_data(mapping, decision=Decision.NO_ACTION),
        "mapping:mapping_sign": {"version": mapping.version},
        "mapping:mapping_meeting_create": meeting_data(),
        "mapping:person_meeting_create": meeting_data(),
        "mapping:meeting_edit": {**meeting_data(), "version": objects["meeting"].version},
    }[name]


@pytest.mark.parametrize("who", ["outsider", "management", "analyst"])
@pytest.mark.parametrize(("name", "obj"), PAGES, ids=PAGE_IDS)
def test_outsider_and_roles_without_case_access_get_404_and_change_nothing(
    page_objects, login, request, who, name, obj
):
    # given
    client = login(request.getfixturevalue(who))
    before = snapshot()
    target = url(name, page_objects[obj])

    # when
    got = client.get(target)
    posted = client.post(target, _post_data(name, page_objects))

    # then
    assert got.status_code == 404
    # the detail page is GET only; every other page answers the POST with 404
    assert posted.status_code == (405 if name == "mapping:mapping_detail" else 404)
    assert snapshot() == before


def test_a_refused_access_is_logged_against_the_mappings_area(pending, outsider, login):
    login(outsider).get(url("mapping:mapping_detail", pending))

    entry = AccessLog.objects.get(action=AccessLog.Action.DENIED, user=outsider)
    assert entry.object_type == "jointmapping" and entry.object_id == str(pending.pk)
    assert entry.area_id == pending.area_id


@pytest.mark.parametrize(("name", "obj"), PAGES, ids=PAGE_IDS)
def test_colleague_outside_the_caseload_is_asked_for_a_reason_first(
    page_objects, colleague, login, name, obj
):
    # given the person is on the team's caseload, not the colleague's
    client = login(colleague)
    before = snapshot()
    target = url(name, page_objects[obj])

    # when
    got = client.get(target)
    posted = client.post(target, _post_data(name, page_objects))

    # then
    reason = reverse("cases:person_reason", args=[page_objects["person"].pk])
    assert got.status_code == 302 and got["Location"].startswith(reason)
    assert target.replace("/", "%2F") in got["Location"]
    assert posted.status_code in (302, 405)
    assert snapshot() == before


def test_after_stating_a_reason_the_colleague_sees_the_mapping_and_the_access_is_logged(
    mapping, colleague, login
):
    client = login(colleague)
    client.post(
        reverse("cases:person_reason", args=[mapping.person_id]),
        {"reason": "Ersätter kollega under semestern."},
    )

    response = client.get(url("mapping:mapping_detail", mapping))

    assert response.status_code == 200
    entry = AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, user=colleague, object_type="jointmapping"
    ).get()
    assert entry.outside_caseload and "Ersätter kollega" in entry.purpose


@pytest.mark.parametrize(("name", "obj"), PAGES, ids=PAGE_IDS)
def test_every_page_opens_for_the_officer_and_logs_the_access(
    page_objects, fk_officer, login, name, obj
):
    target = page_objects[obj]

    response = login(fk_officer).get(url(name, target))

    assert response.status_code == 200
    entry = AccessLog.objects.filter(action=AccessLog.Action.VIEW, user=fk_officer).latest("id")
    assert entry.object_type == target._meta.model_name
    assert entry.object_id == str(target.pk)
    assert entry.person_id == page_objects["person"].pk
    assert entry.purpose == "pågående gemensam kartläggning"


# --- requesting a mapping ---------------------------------------------------------------------


def test_the_request_form_defaults_to_the_users_agency_and_themselves(area, fk_officer, login):
    person = registered_by(fk_officer, area)

    body = login(fk_officer).get(url("mapping:mapping_create", person)).content.decode()

    assert "Begär gemensam kartläggning" in body
    assert re.search(r'name="initiated_by" value="FK"[^>]*checked', body)
    assert re.search(rf'<option value="{fk_officer.pk}" selected>', body)
    assert 'name="benefit"' in body and 'name="sick_leave_start"' in body


def test_an_af_officer_is_not_offered_fks_benefit_facts_and_cannot_post_them(
    area, af_officer, login
):
    # given
    person = registered_by(af_officer, area)
    client = login(af_officer)

    # when
    body = client.get(url("mapping:mapping_create", person)).content.decode()
    response = client.post(
        url("mapping:mapping_create", person),
        create_data(initiated_by="AF", benefit="sjukpenning", sick_leave_start=iso(days_ago(50))),
    )

    # then
    assert re.search(r'name="initiated_by" value="AF"[^>]*checked', body)
    assert 'name="benefit"' not in body and 'name="sick_leave_start"' not in body
    mapping = JointMapping.objects.get(person=person)
    assert response["Location"] == url("mapping:mapping_detail", mapping)
    assert mapping.benefit == "" and mapping.sick_leave_start is None
    assert mapping.initiated_by == "AF"


def test_requesting_a_mapping_saves_it_and_shows_it(area, fk_officer, af_officer, login):
    # given
    person = registered_by(fk_officer, area)
    client = login(fk_officer)

    # when
    response = client.post(
        url("mapping:mapping_create", person),
        create_data(fk_officer=fk_officer.pk, af_officer=af_officer.pk),
    )

    # then
    mapping = JointMapping.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == url("mapping:mapping_detail", mapping)
    assert (mapping.fk_officer, mapping.af_officer) == (fk_officer, af_officer)
    assert mapping.benefit == "sjukpenning" and mapping.requested_on == days_ago(3)
    assert mapping.participants == ["person", "FK"]
    page = client.get(response["Location"]).content.decode()
    assert "Begäran om gemensam kartläggning är registrerad." in page
    assert "Väntar på första möte" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"request_received_on": iso(days_ago(4))},
            "request_received_on",
            "Begäran kan inte tas emot innan den skickades.",
        ),
        (
            {"sick_leave_start": iso(days_ago(1))},
            "sick_leave_start",
            "Sjukfallets första dag kan inte ligga efter kartläggningen",
        ),
        ({"requested_on": iso(TODAY() + dt.timedelta(days=2))}, "requested_on", "framtiden"),
        ({"initiation_reason": ""}, "initiation_reason", "obligatoriskt"),
    ],
)
def test_a_bad_request_is_shown_next_to_its_field_and_nothing_is_saved(
    area, fk_officer, login, overrides, field, message
):
    person = registered_by(fk_officer, area)

    response = login(fk_officer).post(
        url("mapping:mapping_create", person), create_data(**overrides)
    )

    assert response.status_code == 200
    assert message in (field_error(response, field) or "")
    assert not JointMapping.objects.exists()


def test_every_error_of_the_request_form_shows_in_one_pass(area, fk_officer, login):
    # no reason, and received before it was sent: both at once, not one after the other
    person = registered_by(fk_officer, area)
    response = login(fk_officer).post(
        url("mapping:mapping_create", person),
        create_data(initiation_reason="", request_received_on=iso(days_ago(4))),
    )

    assert response.status_code == 200
    assert "obligatoriskt" in (field_error(response, "initiation_reason") or "")
    assert field_error(response, "request_received_on") == (
        "Begäran kan inte tas emot innan den skickades."
    )
    summary = re.search(r'class="error-summary".*?</div>', response.content.decode(), re.S)
    assert summary.group(0).count("<li>") == 2  # the two, nothing else
    assert not JointMapping.objects.exists()


def test_the_request_asks_for_the_consent_and_records_it_with_the_mapping(area, fk_officer, login):
    person = registered_by(fk_officer, area)
    client = login(fk_officer)
    form = client.get(url("mapping:mapping_create", person)).content.decode()
    assert 'name="consent_basis"' in form and "Inget samtycke än" in form

    response = client.post(
        url("mapping:mapping_create", person),
        create_data(consent_basis="written", consent_given_on=iso(days_ago(1))),
    )

    assert response.status_code == 302
    consent = Consent.objects.get(person=person)
    assert (consent.basis, consent.given_on, consent.covers_sharing) == (
        "written",
        days_ago(1),
        True,
    )
    assert consent.awaits_af and not consent.awaits_fk  # AF confirms it
    assert JointMapping.objects.filter(person=person).exists()
    # with a consent in force or waiting, the next request does not ask again
    JointMapping.objects.filter(person=person).update(
        ended_on=days_ago(0), decision="job_seeker_without_joint_support", decision_reason="x"
    )
    again = client.get(url("mapping:mapping_create", person)).content.decode()
    assert 'name="consent_basis"' not in again


def test_a_consent_refused_by_its_rules_saves_neither_consent_nor_mapping(area, fk_officer, login):
    person = registered_by(fk_officer, area)
    response = login(fk_officer).post(
        url("mapping:mapping_create", person),
        create_data(consent_basis="legal", consent_given_on=iso(days_ago(1))),
    )
    assert response.status_code == 200
    assert field_error(response, "consent_legal_basis")  # a legal basis must be named
    assert not Consent.objects.exists() and not JointMapping.objects.exists()


def test_no_second_mapping_is_requested_while_one_is_open(mapping, fk_officer, login):
    client = login(fk_officer)

    body = client.get(url("mapping:mapping_create", mapping.person)).content.decode()
    response = client.post(url("mapping:mapping_create", mapping.person), create_data())

    assert "Personen har redan en pågående gemensam kartläggning." in body
    assert 'name="initiation_reason"' not in body
    assert response.status_code == 200
    assert JointMapping.objects.count() == 1


# --- the mapping page -------------------------------------------------------------------------


def test_the_mapping_page_shows_facts_band_meetings_and_history(mapping, fk_officer, login):
    body = login(fk_officer).get(url("mapping:mapping_detail", mapping)).content.decode()

    facts = body[body.index('data-testid="mapping-facts"') :]
    assert "Sjukpenning" in facts and days_ago(130).isoformat() in facts
    # the mapping was held 20 days ago, on day 111 of the sick-leave case
    assert "90–180 dagar (dag 111 i sjukfallet)" in facts
    assert "Deltagaren, Försäkringskassan, Arbetsförmedlingen" in facts
    meetings = body[body.index('data-testid="meetings"') :]
    assert "Avstämningsmöte" in meetings and "Första avstämningen." in meetings
    assert url("mapping:meeting_edit", mapping.meetings.get()) in meetings
    history = body[body.index('data-testid="history"') :]
    assert "Kartläggning: Registrerad" in history
    assert "Första kartläggningsmötet: – → " + days_ago(20).isoformat() in history
    assert "Möte " + days_ago(20).isoformat() + ": Registrerad" in history
    assert "Inget beslut ännu." in body
    for name in ("mapping_edit", "mapping_meeting_create", "mapping_decide"):
        assert url(f"mapping:{name}", mapping) in body
    assert url("mapping:mapping_sign", mapping) not in body


def test_the_decision_button_waits_for_the_first_meeting(person, fk_officer, login):
    mapping = mapping_create(
        person=person,
        initiated_by="FK",
        initiation_reason="Behöver stöd.",
        requested_on=days_ago(3),
        fk_officer=fk_officer,
        context=AccessContext.for_user(fk_officer),
    )

    body = login(fk_officer).get(url("mapping:mapping_detail", mapping)).content.decode()

    assert url("mapping:mapping_decide", mapping) not in body
    assert "Beslutet fattas efter det första kartläggningsmötet." in body


def test_a_pending_decision_shows_who_has_confirmed_and_who_has_not(
    pending, fk_officer, af_officer, login
):
    # when the AF officer, who has not confirmed, opens the mapping
    body = login(af_officer).get(url("mapping:mapping_detail", pending)).content.decode()

    # then
    decision = body[body.index('data-testid="decision"') :]
    assert "Väntar på bekräftelse" in decision
    confirmations = decision[decision.index('data-testid="confirmations"') :]
    fk_row = re.search(r"Försäkringskassan</th>(.*?)</tr>", confirmations, re.S).group(1)
    af_row = re.search(r"Arbetsförmedlingen</th>(.*?)</tr>", confirmations, re.S).group(1)
    assert fk_officer.get_full_name() in fk_row
    assert "Inte bekräftat än" in af_row and af_officer.get_full_name() in af_row
    assert url("mapping:mapping_sign", pending) in body


def test_the_agency_that_has_confirmed_gets_no_confirm_button(pending, fk_officer, login):
    body = login(fk_officer).get(url("mapping:mapping_detail", pending)).content.decode()

    assert "Väntar på bekräftelse" in body
    assert url("mapping:mapping_sign", pending) not in body


def test_af_officer_without_consent_sees_no_benefit_or_sick_leave_facts(mapping, af_officer, login):
    body = login(af_officer).get(url("mapping:mapping_detail", mapping)).content.decode()

    for secret in (
        "Sjukpenning",
        "Ersättning vid kartläggningen",
        "Förmånstidens slut",
        "Sjukfallets första dag",
        days_ago(130).isoformat(),
        (TODAY() + dt.timedelta(days=200)).isoformat(),
        "90–180 dagar",
        "i sjukfallet",
    ):
        assert secret not in body, secret
    assert 'data-testid="fk-hidden"' in body
    # the rest of the page and its history are there
    assert "Svårt att återgå till arbetsgivaren." in body
    assert "Kartläggning: Registrerad" in body


def test_af_officer_sees_the_benefit_facts_while_a_consent_covers_sharing(
    mapping, af_officer, login
):
    consent_record(
        person=mapping.person,
        given_on=days_ago(40),
        covers_sharing=True,
        covers_follow_up=False,
        context=AccessContext.system("test"),
    )

    body = login(af_officer).get(url("mapping:mapping_detail", mapping)).content.decode()

    assert "Sjukpenning" in body and "90–180 dagar (dag 111 i sjukfallet)" in body
    assert 'data-testid="fk-hidden"' not in body


# --- changing a mapping -----------------------------------------------------------------------


def test_editing_a_mapping_saves_it(mapping, fk_officer, login):
    client = login(fk_officer)
    body = client.get(url("mapping:mapping_edit", mapping)).content.decode()
    assert "Kartlägga arbetsförmåga." in body
    assert f'name="version" value="{mapping.version}"' in body

    response = client.post(
        url("mapping:mapping_edit", mapping),
        edit_data(mapping, rough_plan="Arbetsprövning hos annan arbetsgivare"),
    )

    assert response["Location"] == url("mapping:mapping_detail", mapping)
    mapping.refresh_from_db()
    assert mapping.rough_plan == "Arbetsprövning hos annan arbetsgivare"


def test_an_edit_error_is_shown_next_to_the_field_and_nothing_is_saved(mapping, fk_officer, login):
    response = login(fk_officer).post(
        url("mapping:mapping_edit", mapping),
        edit_data(mapping, request_received_on=iso(days_ago(31)), rough_plan="Ändrad"),
    )

    assert response.status_code == 200
    assert field_error(response, "request_received_on") == (
        "Begäran kan inte tas emot innan den skickades."
    )
    assert JointMapping.objects.get(pk=mapping.pk).rough_plan == "Kartlägga arbetsförmåga."


def test_a_concurrent_edit_shows_the_stored_values_and_keeps_what_was_typed(
    mapping, fk_officer, af_officer, login
):
    # given AF saved while FK had the form open
    mapping_update(
        mapping=mapping,
        expected_version=mapping.version,
        data={"rough_plan": "AF:s planering"},
        context=AccessContext.for_user(af_officer),
    )
    stale = edit_data(mapping, rough_plan="FK:s planering")

    # when
    response = login(fk_officer).post(url("mapping:mapping_edit", mapping), stale)

    # then
    body = response.content.decode()
    assert response.status_code == 200
    stored_panel = body[body.index('data-testid="stored-values"') :]
    assert "AF:s planering" in stored_panel and "skiljer sig från det du skrev" in stored_panel
    assert "FK:s planering</textarea>" in body
    assert f'name="version" value="{mapping.version + 1}"' in body
    assert JointMapping.objects.get(pk=mapping.pk).rough_plan == "AF:s planering"


def test_editing_a_pending_mapping_warns_and_clears_the_confirmations(pending, fk_officer, login):
    client = login(fk_officer)
    body = client.get(url("mapping:mapping_edit", pending)).content.decode()
    assert "tas bekräftelserna bort" in body

    client.post(url("mapping:mapping_edit", pending), edit_data(pending, rough_plan="Ny"))

    pending.refresh_from_db()
    assert pending.decision_pending and pending.fk_signed_at is None


def test_an_af_officer_edits_without_fks_fields_and_they_stay(mapping, af_officer, login):
    client = login(af_officer)
    body = client.get(url("mapping:mapping_edit", mapping)).content.decode()
    assert 'name="benefit"' not in body and "Sjukpenning" not in body

    client.post(
        url("mapping:mapping_edit", mapping),
        edit_data(mapping, rough_plan="Från AF", benefit="ingen", sick_leave_start=""),
    )

    mapping.refresh_from_db()
    assert mapping.rough_plan == "Från AF"
    assert mapping.benefit == "sjukpenning" and mapping.sick_leave_start == days_ago(130)


# --- the decision -----------------------------------------------------------------------------


def test_the_decision_page_says_a_meeting_comes_first(person, fk_officer, login):
    mapping = mapping_create(
        person=person,
        initiated_by="FK",
        initiation_reason="Behöver stöd.",
        requested_on=days_ago(3),
        context=AccessContext.for_user(fk_officer),
    )
    client = login(fk_officer)

    body = client.get(url("mapping:mapping_decide", mapping)).content.decode()
    client.post(url("mapping:mapping_decide", mapping), decide_data(mapping))

    assert "Registrera minst ett kartläggningsmöte innan beslutet fattas." in body
    assert JointMapping.objects.get(pk=mapping.pk).decision == ""


def test_recording_the_decision_confirms_it_for_the_officers_agency(mapping, af_officer, login):
    client = login(af_officer)
    body = client.get(url("mapping:mapping_decide", mapping)).content.decode()
    assert "bekräftar du det samtidigt för din myndighet" in body
    assert "öppnas ärendet när båda har bekräftat" in body

    response = client.post(url("mapping:mapping_decide", mapping), decide_data(mapping))

    assert response["Location"] == url("mapping:mapping_detail", mapping)
    mapping.refresh_from_db()
    assert mapping.decision == Decision.JOINT_ACTIVE_SUPPORT and mapping.decision_pending
    assert mapping.af_signed_by == af_officer and mapping.fk_signed_at is None
    page = client.get(response["Location"]).content.decode()
    assert (
        "Beslutet är registrerat och bekräftat för Arbetsförmedlingen. Det väntar på "
        "bekräftelse från Försäkringskassan." in page
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"case_target_group": ""}, "case_target_group"),
        ({"case_date": ""}, "case_date"),
        ({"decision_reason": ""}, "decision_reason"),
        ({"decision_date": iso(days_ago(25))}, "decision_date"),
    ],
)
def test_a_bad_decision_is_shown_next_to_its_field_and_nothing_is_saved(
    mapping, fk_officer, login, overrides, field
):
    response = login(fk_officer).post(
        url("mapping:mapping_decide", mapping), decide_data(mapping, **overrides)
    )

    assert response.status_code == 200
    assert field_error(response, field)
    mapping.refresh_from_db()
    assert mapping.decision == "" and mapping.fk_signed_at is None


def test_a_concurrent_decision_shows_the_stored_one(pending, af_officer, login):
    stale = decide_data(pending, decision=Decision.NO_ACTION, version=pending.version - 1)

    response = login(af_officer).post(url("mapping:mapping_decide", pending), stale)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="stored-values"' in body
    assert re.search(r'name="decision" value="no_action"[^>]*checked', body)
    pending.refresh_from_db()
    assert pending.decision == Decision.JOINT_ACTIVE_SUPPORT and pending.af_signed_at is None


# --- confirming -------------------------------------------------------------------------------


def test_the_confirmation_page_summarises_the_decision_for_the_users_agency(
    pending, af_officer, login
):
    body = login(af_officer).get(url("mapping:mapping_sign", pending)).content.decode()

    summary = body[body.index('data-testid="decision-summary"') :]
    assert "Aktiva insatser i samarbete" in summary and "Behovsanalys" in summary
    assert "Du bekräftar beslutet för Arbetsförmedlingen." in body
    assert "öppnas ärendet" in body
    assert f'name="version" value="{pending.version}"' in body


def test_the_second_confirmation_opens_the_case_and_goes_there(
    pending, fk_officer, af_officer, login
):
    client = login(af_officer)

    response = client.post(url("mapping:mapping_sign", pending), {"version": pending.version})

    case = Case.objects.get()
    assert response["Location"] == reverse("cases:case_detail", args=[case.pk])
    pending.refresh_from_db()
    assert pending.case == case and pending.ended_on == days_ago(10)
    assert (case.phase, case.fk_officer, case.af_officer) == (
        Phase.NEEDS_ANALYSIS,
        fk_officer,
        af_officer,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Ärendet är öppnat" in page
    mapping_page = client.get(url("mapping:mapping_detail", pending)).content.decode()
    assert reverse("cases:case_detail", args=[case.pk]) in mapping_page
    assert url("mapping:mapping_edit", pending) not in mapping_page


def test_a_first_confirmation_leaves_the_decision_pending(mapping, fk_officer, af_officer, login):
    # given a coordinator-free path: AF records "no action" (and confirms for AF)
    mapping_decide(
        mapping=mapping,
        expected_version=None,
        decision=Decision.NO_ACTION,
        decision_reason="Arbetsgivaren ordnar anpassning.",
        decision_date=days_ago(10),
        context=AccessContext.for_user(af_officer),
    )
    mapping.refresh_from_db()

    # when FK confirms
    response = login(fk_officer).post(
        url("mapping:mapping_sign", mapping), {"version": mapping.version}
    )

    # then the mapping ends without a case
    assert response["Location"] == url("mapping:mapping_detail", mapping)
    mapping.refresh_from_db()
    assert mapping.ended_on == days_ago(10) and mapping.case is None
    assert not Case.objects.exists()


def test_a_confirmation_of_a_changed_decision_is_refused_and_the_page_shown_again(
    pending, fk_officer, af_officer, login
):
    # given AF opened the page, then FK changed the decision
    client = login(af_officer)
    read = pending.version
    mapping_decide(
        mapping=pending,
        expected_version=None,
        decision=Decision.NO_ACTION,
        decision_reason="Ändrat beslut.",
        decision_date=days_ago(10),
        context=AccessContext.for_user(fk_officer),
    )

    # when AF confirms what they read
    response = client.post(url("mapping:mapping_sign", pending), {"version": read})

    # then nothing is confirmed and the new decision is shown with its version
    body = response.content.decode()
    assert response.status_code == 200
    assert "Beslutet har ändrats sedan du öppnade sidan." in body
    assert "Ingen åtgärd" in body[body.index('data-testid="decision-summary"') :]
    assert f'name="version" value="{read + 1}"' in body
    pending.refresh_from_db()
    assert pending.af_signed_at is None and pending.is_open


def test_a_coordinator_is_told_who_confirms_and_cannot_confirm(pending, coordinator, login):
    client = login(coordinator)
    body = client.get(url("mapping:mapping_sign", pending)).content.decode()
    assert 'data-testid="sign-refusal"' in body
    assert "Bekräfta beslutet</button>" not in body

    response = client.post(url("mapping:mapping_sign", pending), {"version": pending.version})

    assert response.status_code == 200
    assert 'data-testid="form-error"' in response.content.decode()
    pending.refresh_from_db()
    assert pending.af_signed_at is None and pending.is_open


def test_if_the_case_cannot_open_the_officer_is_told_and_nothing_is_saved(
    pending, af_officer, login
):
    from cases.tests.factories import CaseFactory

    CaseFactory(person=pending.person)

    response = login(af_officer).post(
        url("mapping:mapping_sign", pending), {"version": pending.version}
    )

    assert response.status_code == 200
    assert "Personen har redan ett öppet ärende" in response.content.decode()
    pending.refresh_from_db()
    assert pending.af_signed_at is None and pending.is_open and pending.case is None
    assert Case.objects.count() == 1


# --- meetings ---------------------------------------------------------------------------------


def test_a_mapping_meeting_defaults_to_avstamningsmote_and_updates_the_mapping(
    person, fk_officer, login
):
    # given a mapping not yet held
    mapping = mapping_create(
        person=person,
        initiated_by="FK",
        initiation_reason="Behöver stöd.",
        requested_on=days_ago(10),
        fk_officer=fk_officer,
        context=AccessContext.for_user(fk_officer),
    )
    client = login(fk_officer)
    body = client.get(url("mapping:mapping_meeting_create", mapping)).content.decode()
    assert '<option value="avstamningsmote" selected>' in body

    # when
    response = client.post(url("mapping:mapping_meeting_create", mapping), meeting_data())

    # then
    assert response["Location"] == url("mapping:mapping_detail", mapping)
    meeting = Meeting.objects.get()
    assert meeting.mapping == mapping and meeting.person == person
    mapping.refresh_from_db()
    assert mapping.first_meeting_on == days_ago(1)
    assert mapping.participants == ["person", "AF", "employer"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": iso(TODAY() + dt.timedelta(days=1))}, "Registrera mötet när det har hållits."),
        ({"date": iso(days_ago(31))}, "Mötet kan inte ligga före begäran om kartläggning"),
    ],
)
def test_a_meeting_at_a_wrong_date_is_refused_next_to_the_date(
    mapping, fk_officer, login, overrides, message
):
    response = login(fk_officer).post(
        url("mapping:mapping_meeting_create", mapping), meeting_data(**overrides)
    )

    assert response.status_code == 200
    assert message in field_error(response, "date")
    assert Meeting.objects.count() == 1


def test_a_person_meeting_belongs_to_the_person_only(mapping, fk_officer, login):
    client = login(fk_officer)

    response = client.post(
        url("mapping:person_meeting_create", mapping.person),
        meeting_data(kind="kontaktmote", participants=["person", "employer"]),
    )

    assert response["Location"] == reverse("cases:person_detail", args=[mapping.person_id])
    meeting = Meeting.objects.get(kind="kontaktmote")
    assert meeting.mapping is None and meeting.case is None
    mapping.refresh_from_db()
    assert mapping.first_meeting_on == days_ago(20)


def test_editing_a_meeting_saves_it_and_returns_to_the_mapping(mapping, meeting, fk_officer, login):
    client = login(fk_officer)
    body = client.get(url("mapping:meeting_edit", meeting)).content.decode()
    assert "Första avstämningen." in body

    response = client.post(
        url("mapping:meeting_edit", meeting),
        {**meeting_data(date=iso(days_ago(18))), "version": meeting.version},
    )

    assert response["Location"] == url("mapping:mapping_detail", mapping)
    meeting.refresh_from_db()
    assert meeting.date == days_ago(18) and meeting.notes == "Arbetsgivaren deltog."
    mapping.refresh_from_db()
    assert mapping.first_meeting_on == days_ago(18)


def test_a_concurrent_meeting_edit_shows_the_stored_values(meeting, fk_officer, af_officer, login):
    from mapping.services import meeting_update

    meeting_update(
        meeting=meeting,
        expected_version=None,
        data={"notes": "AF:s anteckning"},
        context=AccessContext.for_user(af_officer),
    )

    response = login(fk_officer).post(
        url("mapping:meeting_edit", meeting),
        {**meeting_data(notes="FK:s anteckning"), "version": meeting.version},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "AF:s anteckning" in body[body.index('data-testid="stored-values"') :]
    assert "FK:s anteckning</textarea>" in body
    meeting.refresh_from_db()
    assert meeting.notes == "AF:s anteckning"


# --- the person page --------------------------------------------------------------------------


def test_the_person_page_lists_mappings_and_meetings(mapping, fk_officer, login):
    body = login(fk_officer).get(reverse("cases:person_detail", args=[mapping.person_id]))
    body = body.content.decode()

    mappings = body[body.index('data-testid="person-mappings"') :]
    assert url("mapping:mapping_detail", mapping) in mappings
    assert days_ago(30).isoformat() in mappings and "Pågår" in mappings
    # one open mapping at a time: no button to request another
    assert url("mapping:mapping_create", mapping.person) not in body
    meetings = body[body.index('data-testid="person-meetings"') :]
    assert "Avstämningsmöte" in meetings and days_ago(20).isoformat() in meetings
    assert url("mapping:person_meeting_create", mapping.person) in body


def test_the_person_page_offers_a_mapping_when_none_is_open(area, fk_officer, login):
    person = registered_by(fk_officer, area)

    body = login(fk_officer).get(reverse("cases:person_detail", args=[person.pk]))

    assert url("mapping:mapping_create", person) in body.content.decode()
    assert "Ingen gemensam kartläggning." in body.content.decode()


def test_the_person_page_shows_a_pending_decision(pending, fk_officer, login):
    body = login(fk_officer).get(reverse("cases:person_detail", args=[pending.person_id]))

    mappings = body.content.decode()
    assert "Beslut väntar på bekräftelse" in mappings[mappings.index("person-mappings") :]
