"""The coordinator's log review (logguppföljning, SPEC §7) at audit:review.

Entries are written with audit.services.access_log_record, as the application writes them, and
dated with time_machine. Requests are made at the real time (the session's idle and absolute
limits follow the clock), with an explicit ?month= for the period under review."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AccessLog
from audit.services import access_log_record
from cases.tests.factories import PersonFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REVIEW = reverse("audit:review")


def _at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def _record(user, person, *, when, action=AccessLog.Action.VIEW, outside=False, purpose=""):
    with time_machine.travel(when, tick=False):
        return access_log_record(
            action=action,
            user=user,
            obj=person,
            purpose=purpose or ("skäl: kontroll" if outside else "eget ärendebestånd"),
            outside_caseload=outside,
        )


def _ids(entries):
    """The ids of entries, or of the first entries of the review's lines."""
    return [getattr(e, "entry", e).pk for e in entries]


@pytest.fixture
def people(area):
    return [PersonFactory(area=area) for _ in range(4)]


@pytest.fixture
def stranger(other_area):
    """A person of the other area."""
    return PersonFactory(area=other_area)


# --- who may review ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["fk_officer", "af_officer", "management", "analyst"])
def test_non_coordinators_get_403_and_the_attempt_is_logged(db, role, login, request):
    user = request.getfixturevalue(role)

    response = login(user).get(REVIEW, {"month": "2026-03"})

    assert response.status_code == 403
    assert "Ingen behörighet" in response.content.decode()
    denied = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert denied.user == user and denied.path == REVIEW
    assert not AccessLog.objects.filter(action=AccessLog.Action.LOG_REVIEW).exists()


def test_anonymous_visitor_is_sent_to_login(db):
    response = Client().get(REVIEW)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


def test_review_itself_is_logged(coordinator, login):
    response = login(coordinator).get(REVIEW, {"month": "2026-03"})

    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.LOG_REVIEW)
    assert entry.user == coordinator
    assert entry.object_type == "accesslog"
    assert entry.purpose == "logguppföljning 2026-03"


def test_review_of_a_person_is_logged_with_the_person(person, coordinator, login):
    login(coordinator).get(REVIEW, {"person": person.pk})

    entry = AccessLog.objects.get(action=AccessLog.Action.LOG_REVIEW)
    assert entry.person_id == person.pk


# --- all accesses to one person ---------------------------------------------------------------


def test_person_view_lists_every_access_to_that_person(
    person, stranger, fk_officer, af_officer, colleague, outsider, coordinator, login
):
    # given accesses to the person by three users, and one to a person of another area
    mine = [
        _record(fk_officer, person, when=_at(2026, 3, 2)),
        _record(af_officer, person, when=_at(2026, 3, 3)),
        _record(colleague, person, when=_at(2026, 1, 5), outside=True),
        _record(
            colleague,
            person,
            when=_at(2026, 1, 5),
            action=AccessLog.Action.BREAK_GLASS,
            outside=True,
        ),
    ]
    _record(outsider, stranger, when=_at(2026, 3, 2))

    # when the coordinator reviews the person
    response = login(coordinator).get(REVIEW, {"person": person.pk})

    # then every access is shown, newest first, whatever the month
    assert response.status_code == 200
    entries = response.context["person_entries"]
    assert set(_ids(entries)) == set(_ids(mine))
    assert entries[0].entry.user == af_officer
    html = response.content.decode()
    assert "fk.sdt" in html and "af.sdt" in html and "af2.sdt" in html
    assert person.full_name in response.context["person_label"]
    assert person.personnummer not in html


def test_person_view_shows_no_entries_of_other_areas(stranger, outsider, coordinator, login):
    _record(outsider, stranger, when=_at(2026, 3, 2))

    response = login(coordinator).get(REVIEW, {"person": stranger.pk})

    assert response.status_code == 200
    assert response.context["person_entries"] == []
    assert stranger.full_name not in response.content.decode()


def test_lookup_by_personnummer_redirects_to_the_person_by_id(person, coordinator, login):
    pnr = person.personnummer

    response = login(coordinator).post(REVIEW, {"lookup-personnummer": f"{pnr[:8]}-{pnr[8:]}"})

    assert response.status_code == 302
    assert response["Location"] == f"{REVIEW}?person={person.pk}"
    location = response["Location"]
    assert pnr not in location and pnr[2:] not in location and pnr[8:] not in location


def test_lookup_by_ten_digit_number_also_finds_the_person(person, coordinator, login):
    response = login(coordinator).post(REVIEW, {"lookup-personnummer": person.personnummer[2:]})

    assert response["Location"] == f"{REVIEW}?person={person.pk}"


def test_lookup_of_an_unknown_number_shows_a_swedish_error(person, coordinator, login):
    unknown = PersonFactory.build().personnummer

    response = login(coordinator).post(REVIEW, {"lookup-personnummer": unknown})

    assert response.status_code == 200
    assert "Ingen person med det numret i dina områden." in response.content.decode()
    assert response.context["lookup"].errors["personnummer"]


def test_lookup_does_not_find_a_person_of_another_area(stranger, coordinator, login):
    response = login(coordinator).post(REVIEW, {"lookup-personnummer": stranger.personnummer})

    assert response.status_code == 200
    assert "Ingen person med det numret i dina områden." in response.content.decode()


def test_lookup_of_a_malformed_number_shows_the_format_error(coordinator, login):
    response = login(coordinator).post(REVIEW, {"lookup-personnummer": "1980-01"})

    assert response.status_code == 200
    assert "Ange personnummer som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN." in (response.content.decode())


# --- persons one staff member opened in a month -----------------------------------------------


def test_staff_view_lists_the_distinct_persons_opened_in_the_month_with_counts(
    people, fk_officer, af_officer, coordinator, login
):
    a, b, c, d = people
    # given in March: A three times, B once (one of them a break-the-glass reason)
    for day in (2, 9, 20):
        _record(fk_officer, a, when=_at(2026, 3, day))
    _record(fk_officer, b, when=_at(2026, 3, 31, 23, 30), action=AccessLog.Action.BREAK_GLASS)
    # and C in February and April, D by someone else in March
    _record(fk_officer, c, when=_at(2026, 2, 28, 23, 59))
    _record(fk_officer, c, when=_at(2026, 4, 1, 0, 1))
    _record(af_officer, d, when=_at(2026, 3, 10))

    response = login(coordinator).get(REVIEW, {"staff": fk_officer.pk, "month": "2026-03"})

    assert response.status_code == 200
    rows = response.context["staff_rows"]
    assert [(r["person_id"], r["accesses"]) for r in rows] == [(a.pk, 3), (b.pk, 1)]
    assert rows[0]["label"].startswith(a.full_name)
    html = response.content.decode()
    assert f'href="?person={a.pk}"' in html and c.full_name not in html


def test_month_boundaries_follow_swedish_time(people, fk_officer, coordinator, login):
    a, b = people[:2]
    # 2026-03-31 22:30 UTC is already 1 April in Stockholm (summer time, UTC+2)
    _record(fk_officer, a, when=dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC))
    # 2026-02-28 23:30 UTC is 1 March in Stockholm (winter time, UTC+1)
    _record(fk_officer, b, when=dt.datetime(2026, 2, 28, 23, 30, tzinfo=dt.UTC))
    client = login(coordinator)

    march = client.get(REVIEW, {"staff": fk_officer.pk, "month": "2026-03"})
    april = client.get(REVIEW, {"staff": fk_officer.pk, "month": "2026-04"})

    assert [r["person_id"] for r in march.context["staff_rows"]] == [b.pk]
    assert [r["person_id"] for r in april.context["staff_rows"]] == [a.pk]


def test_staff_view_rejects_a_user_outside_the_coordinators_areas(outsider, coordinator, login):
    response = login(coordinator).get(REVIEW, {"staff": outsider.pk, "month": "2026-03"})

    assert response.status_code == 200
    assert "staff" in response.context["form"].errors
    assert response.context.get("staff_rows") is None


# --- reproducible sample ----------------------------------------------------------------------


@pytest.fixture
def forty_march_entries(people, fk_officer, af_officer, colleague):
    users = [fk_officer, af_officer, colleague]
    entries = []
    with time_machine.travel(_at(2026, 3, 1), tick=False) as traveller:
        for i in range(40):
            traveller.shift(dt.timedelta(hours=17))
            entries.append(
                access_log_record(
                    action=AccessLog.Action.VIEW,
                    user=users[i % 3],
                    obj=people[i % 4],
                    purpose="eget ärendebestånd",
                )
            )
    assert all(e.occurred_at.astimezone(STOCKHOLM).month == 3 for e in entries)
    return entries


def _sample(client, seed, size=10, month="2026-03"):
    response = client.get(REVIEW, {"seed": seed, "size": size, "month": month})
    assert response.status_code == 200
    return response


def test_same_seed_and_month_give_the_same_sample_in_the_same_order(
    forty_march_entries, coordinator, login
):
    client = login(coordinator)

    first = _sample(client, "granskning-mars")
    second = _sample(client, "granskning-mars")

    assert len(first.context["sample"]) == 10
    assert _ids(first.context["sample"]) == _ids(second.context["sample"])
    assert set(_ids(first.context["sample"])) <= set(_ids(forty_march_entries))


def test_a_different_seed_gives_a_different_sample(forty_march_entries, coordinator, login):
    client = login(coordinator)

    one = _ids(_sample(client, "frö1").context["sample"])
    other = _ids(_sample(client, "frö2").context["sample"])

    assert len(one) == len(other) == 10
    assert one != other


def test_sample_comes_from_the_chosen_month_only(
    forty_march_entries, people, fk_officer, coordinator, login
):
    april = _record(fk_officer, people[0], when=_at(2026, 4, 2))

    sample = _sample(login(coordinator), "alla", size=200).context["sample"]

    assert sorted(_ids(sample)) == sorted(_ids(forty_march_entries))
    assert april.pk not in _ids(sample)


def test_seed_is_shown_on_the_page(forty_march_entries, coordinator, login):
    response = _sample(login(coordinator), "Åsa_2026")

    assert re.search(r'data-testid="seed">Åsa_2026<', response.content.decode())
    assert response.context["seed"] == "Åsa_2026"


def test_a_seed_is_drawn_when_none_is_given(forty_march_entries, coordinator, login):
    response = login(coordinator).get(REVIEW, {"month": "2026-03"})

    assert re.fullmatch(r"[0-9a-f]{8}", response.context["seed"])
    assert len(response.context["sample"]) == 10


def test_a_seed_with_invalid_characters_gives_a_form_error(forty_march_entries, coordinator, login):
    response = login(coordinator).get(REVIEW, {"seed": "x'; drop", "month": "2026-03"})

    assert response.status_code == 200
    assert "Använd bokstäver, siffror, - och _." in response.content.decode()
    assert "seed" in response.context["form"].errors
    assert response.context.get("sample") is None


# --- unusual access ---------------------------------------------------------------------------


def test_unusual_access_lists_users_at_the_threshold_and_not_below(
    people, fk_officer, af_officer, colleague, coordinator, login, settings
):
    settings.AUDIT_UNUSUAL_PERSONS_PER_DAY = 3
    day = _at(2026, 3, 10, 9)
    a, b, c, d = people
    # the colleague opens three distinct people outside the caseload on one day
    for i, p in enumerate([a, b, c]):
        _record(colleague, p, when=day + dt.timedelta(minutes=i), outside=True)
    # the AF officer opens two, one of them twice: below the threshold
    for i, p in enumerate([a, b, b]):
        _record(af_officer, p, when=day + dt.timedelta(minutes=i), outside=True)
    # the FK officer opens three outside the caseload, but on three different days
    for i, p in enumerate([a, b, c]):
        _record(fk_officer, p, when=day + dt.timedelta(days=i + 1), outside=True)
    # and four on the own caseload on one day, which is not unusual
    for i, p in enumerate(people):
        _record(fk_officer, p, when=day + dt.timedelta(minutes=i))

    response = login(coordinator).get(REVIEW, {"month": "2026-03"})

    unusual = response.context["unusual"]
    assert [(r["user_id"], r["persons"], r["day"]) for r in unusual] == [
        (colleague.pk, 3, dt.date(2026, 3, 10))
    ]
    assert "minst 3 personer" in response.content.decode()


# --- other areas ------------------------------------------------------------------------------


def test_coordinator_of_another_area_sees_none_of_this_areas_entries(
    person, forty_march_entries, fk_officer, other_coordinator, login
):
    _record(fk_officer, person, when=_at(2026, 3, 3), outside=True)
    client = login(other_coordinator)

    by_person = client.get(REVIEW, {"person": person.pk, "month": "2026-03"})
    sample = _sample(client, "alla", size=200)
    lookup = client.post(REVIEW, {"lookup-personnummer": person.personnummer})

    assert by_person.context["person_entries"] == []
    assert person.full_name not in by_person.content.decode()
    assert sample.context["sample"] == []
    assert sample.context["unusual"] == [] and sample.context["break_glass"] == []
    assert lookup.status_code == 200
    assert "Ingen person med det numret i dina områden." in lookup.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"month": "9999-12"},
        {"month": "0001-01"},
        {"person": str(2**64)},
        {"size": "100000"},
        {"staff": "abc"},
    ],
)
def test_bad_filter_values_give_a_form_error_not_a_500(coordinator, login, params):
    response = login(coordinator).get(REVIEW, params)
    assert response.status_code == 200
    assert response.context["form"].errors
