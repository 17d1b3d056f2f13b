"""Benchmark (`make bench`): the worklist at 300 cases renders in under 150 ms of server time
(the test client through every middleware and the template), and in less than five times
the time of 30 cases measured in the same run: the flags of every case are computed, but only
a page of 50 is drawn, in a fixed number of queries."""

import statistics
import time

import pytest
from django.urls import reverse

from cases.tests.factories import CaseFactory, PersonFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


def median_seconds(client, runs: int = 7) -> float:
    client.get(reverse("home"))  # warm the caches of the first request
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(reverse("home"))
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times)


def test_300_cases_render_in_under_150_ms(area, coordinator, fk_officer, login, capsys):
    client = login(coordinator)
    for _ in range(30):
        CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    small = median_seconds(client)
    for _ in range(270):
        CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer)
    large = median_seconds(client)

    with capsys.disabled():
        print(
            f"\n[bench] arbetslista: 30 ärenden {small * 1000:.0f} ms, 300 ärenden "
            f"{large * 1000:.0f} ms (kvot {large / small:.2f})"
        )
    assert large < 0.150
    assert large < 5 * small
