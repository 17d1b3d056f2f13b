"""Konsultativt stöd till arbetsgivare (issue 15 point 6): the meeting of kind employer
consultation records its goal (keeping the employment), what the employer started (adaptation,
rehabilitation …) and its follow-up, whose result waits on the officers' to-do list; no other
kind of meeting takes those fields; bad input gives a Swedish message and saves nothing."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mapping.models import Meeting
from mapping.services import meeting_create, meeting_update
from samverkan.services import AccessContext
from todo.selectors import todo_count, todo_items

TODAY = dt.date.today()
CONSULTED = {
    "employer_name": "Lager AB",
    "consultation_goal": "keep_employment",
    "employer_measures": ["rehabilitation", "adaptation"],
    "employer_measures_notes": "Lättare arbetsuppgifter på förmiddagar.",
    "follow_up_on": TODAY + dt.timedelta(days=5),
}


def days_ago(n):
    return TODAY - dt.timedelta(days=n)


def consult(case, user, **overrides):
    return meeting_create(
        person=case.person,
        case=case,
        kind=Meeting.Kind.EMPLOYER_CONSULTATION,
        on=days_ago(2),
        participants=["person", "AF", "employer"],
        consultation={**CONSULTED, **overrides},
        context=AccessContext.for_user(user),
    )


def test_a_consultation_records_its_goal_measures_and_follow_up(case, af_officer):
    meeting = consult(case, af_officer)

    meeting.refresh_from_db()
    assert meeting.consultation_goal == "keep_employment"
    # the code list's order, whatever order they came in
    assert meeting.employer_measures == ["adaptation", "rehabilitation"]
    assert meeting.employer_measure_labels() == [
        "Anpassning av arbetsplatsen eller arbetsuppgifterna",
        "Arbetslivsinriktad rehabilitering",
    ]
    assert meeting.follow_up_on == TODAY + dt.timedelta(days=5) and meeting.follow_up_pending
    assert meeting.history.get().history_user == af_officer


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consultation_goal": ""}, "consultation_goal", "Ange målet med det konsultativa stödet."),
        ({"follow_up_on": None}, "follow_up_on", "Ange när stödet ska följas upp."),
        ({"follow_up_on": days_ago(3)}, "follow_up_on", "Uppföljningen kan inte ligga före mötet."),
        ({"employer_measures": ["lunch"]}, "employer_measures", "Okänd åtgärd: lunch."),
        (
            {"follow_up_result": "kept"},
            "follow_up_result",
            "Registrera resultatet när uppföljningen har gjorts",
        ),
    ],
    ids=["no-goal", "no-follow-up", "follow-up-before", "unknown-measure", "result-too-early"],
)
def test_bad_consultations_are_refused_with_a_swedish_message(
    case, af_officer, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        consult(case, af_officer, **overrides)

    assert message in " ".join(refused.value.message_dict[field])
    assert not Meeting.objects.exists()


def test_other_meetings_take_no_consultation_fields(case, fk_officer):
    with pytest.raises(ValidationError) as refused:
        meeting_create(
            person=case.person,
            case=case,
            kind=Meeting.Kind.FOLLOW_UP,
            on=days_ago(1),
            consultation={"consultation_goal": "keep_employment"},
            context=AccessContext.for_user(fk_officer),
        )
    assert (
        "Konsultativt stöd till arbetsgivare" in refused.value.message_dict["consultation_goal"][0]
    )
    assert not Meeting.objects.exists()


def test_the_follow_up_waits_on_the_officers_lists_until_its_result_is_recorded(
    case, fk_officer, af_officer, colleague
):
    # given a consultation followed up in five days, and one in two months
    meeting = consult(case, af_officer)
    consult(case, af_officer, follow_up_on=TODAY + dt.timedelta(days=60))

    # then the case's officers see the one due within the week; a colleague nothing
    for officer in (fk_officer, af_officer):
        [item] = todo_items(officer, today=TODAY)["employer_follow_up"]
        assert item.url == reverse("mapping:meeting_edit", args=[meeting.pk])
        assert item.due == meeting.follow_up_on and item.level == "due_soon"
        assert "Lager AB" in item.text
    assert "employer_follow_up" not in todo_items(colleague, today=TODAY)
    before = todo_count(af_officer)

    # when the follow-up is held (moved to today) and its result recorded
    meeting = meeting_update(
        meeting=meeting,
        expected_version=meeting.version,
        data={"follow_up_on": TODAY, "follow_up_result": "kept", "follow_up_notes": "Arbetar."},
        context=AccessContext.for_user(af_officer),
    )

    # then it leaves the lists
    assert meeting.follow_up_result == "kept" and not meeting.follow_up_pending
    assert "employer_follow_up" not in todo_items(af_officer, today=TODAY)
    assert todo_count(af_officer) == before - 1


def test_the_page_registers_a_consultation_and_shows_it_on_the_case(case, af_officer, login):
    client = login(af_officer)
    url = reverse("mapping:case_meeting_create", args=[case.pk])
    data = {
        "kind": "employer_consultation",
        "date": days_ago(1).isoformat(),
        "participants": ["person", "employer"],
        "employer_name": "Lager AB",
        "consultation_goal": "keep_employment",
        "employer_measures": ["adaptation"],
        "follow_up_on": (TODAY + dt.timedelta(days=30)).isoformat(),
    }
    form = client.get(url).content.decode()
    assert 'name="consultation_goal"' in form and 'name="follow_up_on"' in form

    # a consultation without a goal: the field says so and nothing is saved
    missing = client.post(url, {**data, "consultation_goal": ""})
    assert missing.status_code == 200
    error = re.search(r'id="id_consultation_goal_error">(.*?)</p>', missing.content.decode())
    assert error.group(1) == "Ange målet med det konsultativa stödet."
    assert not Meeting.objects.exists()

    response = client.post(url, data)

    assert response.status_code == 302
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    meeting = Meeting.objects.get()
    section = re.search(rf'data-testid="consultation-{meeting.pk}">(.*?)</dl>', page, re.S).group(1)
    assert "Behålla anställningen" in section and "Lager AB" in section
    assert "Anpassning av arbetsplatsen eller arbetsuppgifterna" in section
    assert "resultat inte registrerat" in section
    assert f'href="{reverse("mapping:meeting_edit", args=[meeting.pk])}"' in page


def test_the_api_takes_the_consultation_fields(case, af_officer, login):
    client = login(af_officer)
    body = {
        "case": case.pk,
        "kind": "employer_consultation",
        "date": days_ago(1).isoformat(),
        "consultation_goal": "keep_employment",
        "employer_measures": ["rehabilitation"],
        "follow_up_on": (TODAY + dt.timedelta(days=14)).isoformat(),
    }
    refused = client.post(
        "/api/v1/meetings/",
        {**body, "consultation_goal": ""},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "consultation_goal" in refused.json()

    created = client.post("/api/v1/meetings/", body, content_type="application/json")

    assert created.status_code == 201, created.content
    assert created.json()["employer_measures"] == ["rehabilitation"]
    assert created.json()["follow_up_on"] == body["follow_up_on"]
