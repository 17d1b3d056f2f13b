"""CSV for the report API (`?format=csv`): UTF-8, `;`-separated with decimal commas in the
shares, as Swedish Excel expects (SPEC §6)."""

from __future__ import annotations

import csv
import io

from rest_framework.renderers import BaseRenderer

from .tables import report_table

# Excel opens a UTF-8 file as UTF-8 only when it starts with a byte order mark; without it
# "Kön" and "Utrikes födda" come out garbled on a Swedish Windows machine.
BOM = "\ufeff"


def _cell(value) -> str:
    # None is a value hidden by small-cell suppression: an empty cell (SPEC §5, §7).
    return "" if value is None else str(value)


class ReportCSVRenderer(BaseRenderer):
    """Renders a report envelope (reporting.api.views) as the report's flat table
    (reporting.api.tables). Errors never reach it: the views answer them as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        header, rows = report_table(data["report"], data["data"])
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(value) for value in row])
        return buffer.getvalue().encode(self.charset)
