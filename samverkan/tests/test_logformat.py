"""Log lines: one request line per request with route, status, duration and user, never the
address; every time with the zone's offset; JSON on request (samverkan.logformat)."""

import datetime as dt
import json
import logging

from django.urls import reverse

from samverkan.logformat import JsonFormatter, OffsetFormatter


def _request_lines(caplog):
    return [r for r in caplog.records if r.name == "samverkan.request"]


def test_a_request_writes_one_line_with_route_status_duration_and_user(
    caplog, login, fk_officer, case
):
    client = login(fk_officer)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="samverkan.request"):
        response = client.get(reverse("cases:case_detail", args=[case.pk]))

    assert response.status_code == 200
    (line,) = _request_lines(caplog)
    assert (line.method, line.route, line.status, line.user_id) == (
        "GET",
        "cases:case_detail",
        200,
        fk_officer.pk,
    )
    assert line.duration_ms > 0
    # the route's name, not the address with its ids
    assert f"/{case.pk}/" not in line.getMessage()
    assert line.getMessage().startswith("GET cases:case_detail 200 ")


def test_an_anonymous_request_and_an_unknown_address(caplog, client, db):
    with caplog.at_level(logging.INFO, logger="samverkan.request"):
        response = client.get("/finns-inte/alls/")
    (line,) = _request_lines(caplog)
    # no route matched, no one logged in: the status is the one answered
    assert (line.route, line.status, line.user_id) == ("-", response.status_code, None)
    assert "finns-inte" not in line.getMessage()


def _record(created: dt.datetime, message="hej", **extra):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, None, None)
    record.created = created.timestamp()
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_times_carry_the_offset_of_the_product_zone_winter_and_summer():
    formatter = OffsetFormatter("%(asctime)s %(message)s")
    winter = dt.datetime(2026, 12, 7, 11, 50, 3, 120000, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 1, 11, 50, 3, tzinfo=dt.UTC)
    assert formatter.format(_record(winter)) == "2026-12-07T12:50:03.120+01:00 hej"
    assert formatter.format(_record(summer)).startswith("2026-07-01T13:50:03.000+02:00")


def test_json_lines_hold_time_level_logger_message_and_request_fields():
    moment = dt.datetime(2026, 12, 7, 11, 50, 3, tzinfo=dt.UTC)
    line = JsonFormatter().format(
        _record(moment, "GET x 200", method="GET", route="x", status=200, user_id=7)
    )
    entry = json.loads(line)
    assert entry == {
        "time": "2026-12-07T12:50:03.000+01:00",
        "level": "INFO",
        "logger": "x",
        "message": "GET x 200",
        "method": "GET",
        "route": "x",
        "status": 200,
        "user_id": 7,
    }
    assert "\n" not in line
