"""Benchmark (`make bench`): exports of 4 000 and 40 000 participants with the real chunk size
(2 000 rows, so both span several chunks), in every format. The peak Python memory (tracemalloc) must not grow with the rows; the times and
peaks are printed for the README."""

import time

import pytest

from .conftest import bulk_cases
from .test_memory import peak_bytes

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

SMALL = 4_000
LARGE = 40_000


def seconds(client, url, params) -> float:
    started = time.perf_counter()
    response = client.get(url, params)
    for _chunk in response.streaming_content:
        pass
    return time.perf_counter() - started


@pytest.mark.parametrize(
    ("who", "file_format"),
    [("analyst", "csv"), ("analyst", "json"), ("analyst", "xlsx"), ("coordinator", "csv")],
)
def test_peak_memory_is_flat_from_4000_to_40000_rows(
    request, area, other_area, token_client, capsys, who, file_format
):
    user = request.getfixturevalue(who)
    if who == "coordinator":
        # full identity: one access-log entry per exported row as well
        user.staff_profile.areas.add(other_area)
    bulk_cases(area, SMALL, officer=user)
    bulk_cases(other_area, LARGE - SMALL, first=SMALL)
    client = token_client(user)
    url = "/api/v1/exports/participants/"

    # the times without tracemalloc, which slows every allocation
    small_seconds = seconds(client, url, {"format": file_format, "area": "sdt"})
    large_seconds = seconds(client, url, {"format": file_format})
    small_peak, small_bytes = peak_bytes(client, url, {"format": file_format, "area": "sdt"})
    large_peak, large_bytes = peak_bytes(client, url, {"format": file_format})

    with capsys.disabled():
        print(
            f"\n[bench] {who} {file_format}: {SMALL} rader {small_bytes / 2**20:.1f} MB på "
            f"{small_seconds:.1f} s, topp {small_peak / 2**20:.1f} MB; {LARGE} rader "
            f"{large_bytes / 2**20:.1f} MB på {large_seconds:.1f} s, topp "
            f"{large_peak / 2**20:.1f} MB (kvot {large_peak / small_peak:.2f})"
        )
    assert large_bytes > 9 * small_bytes
    assert large_peak < 1.5 * small_peak
