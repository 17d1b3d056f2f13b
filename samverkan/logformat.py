"""How log lines look (README, `LOG_FORMAT`): every line's time in the product's time zone with its
offset (2026-12-07T12:50:03.120+01:00), as plain text or, with LOG_FORMAT=json, one JSON object
per line for a log collector. The request log (`RequestLogMiddleware`) writes one line per
request: method, route name, status, duration and user id, never the address itself, which could
carry what a form put in it. Personnummer are masked before any of this (audit.logfilters)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from zoneinfo import ZoneInfo

from django.conf import settings

# The fields a request line carries, beside the message (`extra=` of the log call).
REQUEST_FIELDS = ("method", "route", "status", "duration_ms", "user_id")


def _zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "TIME_ZONE", None) or "UTC")


class OffsetFormatter(logging.Formatter):
    """Plain lines, the time in ISO 8601 with the zone's offset."""

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        moment = dt.datetime.fromtimestamp(record.created, tz=_zone())
        return moment.isoformat(timespec="milliseconds")


class JsonFormatter(OffsetFormatter):
    """One JSON object per line: time, level, logger, message, the request's fields when the
    line is a request's, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


request_logger = logging.getLogger("samverkan.request")


class RequestLogMiddleware:
    """One line per request, written when the answer is ready (an exception is a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        began = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            self._log(request, status, (time.perf_counter() - began) * 1000)

    def _log(self, request, status: int, duration_ms: float) -> None:
        match = getattr(request, "resolver_match", None)
        route = (match.view_name or match.route) if match else "-"
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        fields = {
            "method": request.method,
            "route": route,
            "status": status,
            "duration_ms": round(duration_ms, 1),
            "user_id": user_id,
        }
        request_logger.info(
            "%s %s %s %.1f ms användare %s",
            request.method,
            route,
            status,
            duration_ms,
            user_id if user_id is not None else "-",
            extra=fields,
        )
