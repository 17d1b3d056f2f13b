"""The test suite's scan for personnummer in what the product logs (SPEC §7).

A handler on the loggers the product configures (the root, `django`, `django.server`) formats
every record that reaches them, after the handlers configured before it, the masking console
handler among them, have run, and remembers each line that still holds something that looks like
a personnummer. What counts as one is `audit.personnummer`'s one pattern, the one the log filter
masks with. The suite's conftest attaches a scan for the whole session and fails the session
when it finds anything; with pytest-xdist each worker scans its own records."""

from __future__ import annotations

import logging

from audit.personnummer import contains_personnummer, mask_personnummer

LOGGERS = ("", "django", "django.server")


class LogScan(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.records = 0
        self.hits: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a record that cannot be formatted is not written by anyone either
            return
        self.records += 1
        if contains_personnummer(text):
            # Reported masked: the report is output too.
            self.hits.append(mask_personnummer(text)[:300])

    def attach(self) -> LogScan:
        for name in LOGGERS:
            logging.getLogger(name).addHandler(self)
        return self

    def detach(self) -> None:
        for name in LOGGERS:
            logging.getLogger(name).removeHandler(self)

    def summary(self) -> str:
        return f"{self.records} log records scanned, {len(self.hits)} with a personnummer"
