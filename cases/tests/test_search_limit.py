"""Person search is limited per user (SPEC §7): short name searches in a row would list an
area's people, so past 30 searches in 10 minutes the page says so in Swedish, searches nothing
and logs the refusal."""

import time_machine
from django.conf import settings
from django.urls import reverse

from audit.models import AccessLog

SEARCH = reverse("cases:person_search")


def _search(client, q="Gr"):
    return client.post(SEARCH, {"q": q})


def test_the_default_limit_is_30_searches_in_10_minutes():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["person_search"] == "30/10m"


def test_the_31st_search_in_10_minutes_is_refused_in_swedish_and_logged(person, fk_officer, login):
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False):
        client = login(fk_officer)
        # given 30 searches, each of which runs
        for _ in range(30):
            assert _search(client).status_code == 200
        searches = AccessLog.objects.filter(action=AccessLog.Action.SEARCH).count()

        # when the user searches once more, for a person who exists
        response = _search(client, "Greta")

    # then nothing is searched, the page says why and when to try again
    assert response.status_code == 429
    assert response.context["results"] is None
    body = response.content.decode()
    assert "Du har gjort många sökningar på kort tid (högst 30 på 10 minuter)." in body
    assert "Greta Testsson" not in body
    assert 1 <= int(response["Retry-After"]) <= 600
    assert AccessLog.objects.filter(action=AccessLog.Action.SEARCH).count() == searches
    refusal = AccessLog.objects.get(action=AccessLog.Action.DENIED)
    assert refusal.user == fk_officer and refusal.object_type == "person"
    assert "för många sökningar" in refusal.purpose


def test_searching_is_possible_again_after_10_minutes(person, fk_officer, login):
    with time_machine.travel("2026-03-02 09:00 +01:00", tick=False) as traveller:
        client = login(fk_officer)
        for _ in range(30):
            _search(client)
        assert _search(client).status_code == 429

        traveller.shift(10 * 60 + 1)
        response = _search(client, "Greta")

    assert response.status_code == 200
    assert response.context["results"] == [person]


def test_the_limit_is_per_user(person, fk_officer, af_officer, login):
    busy = login(fk_officer)
    for _ in range(30):
        _search(busy)
    assert _search(busy).status_code == 429

    response = _search(login(af_officer), "Greta")

    assert response.status_code == 200
    assert response.context["results"] == [person]


def test_opening_the_search_page_is_not_a_search(fk_officer, login):
    client = login(fk_officer)
    for _ in range(35):
        client.get(SEARCH)

    assert _search(client).status_code == 200
