"""Issue 6 point 4: "streamed from a server-side cursor so memory stays flat for any number of
rows". The peak Python memory of an export (tracemalloc) is measured for a small and a ten times
larger population with the same chunk size: it must not grow with the rows. The benchmark
(test_bench.py, `make bench`) does the same with 2 000 and 20 000 rows and the real chunk size."""

import tracemalloc

import pytest

from exports.selectors import rows

from .conftest import bulk_cases

pytestmark = pytest.mark.django_db


def peak_bytes(client, url: str, params: dict) -> tuple[int, int]:
    """(peak traced bytes, bytes received) while the whole export is read and thrown away."""
    received = 0
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = client.get(url, params)
        assert response.status_code == 200
        for chunk in response.streaming_content:
            received += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, received


def measure(area, other_area, token_client, user, rows_small, rows_large, params):
    bulk_cases(area, rows_small, officer=user)
    bulk_cases(other_area, rows_large - rows_small, officer=None, first=rows_small)
    client = token_client(user)
    url = "/api/v1/exports/participants/"
    # once without measuring: imports, translations and compiled SQL are one-time costs
    peak_bytes(client, url, {**params, "area": area.code})
    small = peak_bytes(client, url, {**params, "area": area.code})
    large = peak_bytes(client, url, params)
    return small, large


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_peak_memory_does_not_grow_with_the_rows(
    area, other_area, analyst, token_client, monkeypatch, file_format
):
    # given a small chunk, so that both exports span many chunks
    monkeypatch.setattr(rows, "CHUNK_SIZE", 100)

    # when the national analyst exports 600 and then 6 000 rows (a coarsened row is short: the
    # small file must still span several of the writer's 64 KiB chunks)
    (small_peak, small_bytes), (large_peak, large_bytes) = measure(
        area, other_area, token_client, analyst, 600, 6000, {"format": file_format}
    )

    # then ten times the data takes about the same memory
    assert large_bytes > 9 * small_bytes
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)


def test_a_full_identity_export_with_its_log_stays_flat_too(
    area, other_area, coordinator, token_client, monkeypatch
):
    # the coordinator's export also writes one access-log entry per row, in batches
    monkeypatch.setattr(rows, "CHUNK_SIZE", 100)
    coordinator.staff_profile.areas.add(other_area)

    (small_peak, small_bytes), (large_peak, large_bytes) = measure(
        area, other_area, token_client, coordinator, 400, 4000, {"format": "csv"}
    )

    assert large_bytes > 9 * small_bytes
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
