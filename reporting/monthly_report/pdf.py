"""The monthly report as a PDF (ADR 0026): a Django template, HTML and CSS for print (A4
landscape, page numbers), turned into PDF by WeasyPrint on the server.

WeasyPrint is imported when a report is made, not when Django starts: only the worker needs it
and its system libraries (Pango; `make e2e-deps` installs them on Debian). It may fetch nothing:
the charts are data URIs, everything else is in the template, and any
other scheme is refused (`allowed_protocols`), so no text typed into a deviation report can
make the worker call out or read a file."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import formats, timezone

from .content import ReportContent

TEMPLATE = "reporting/monthly_report_pdf.html"


def report_html(content: ReportContent) -> str:
    document = content.document
    snapshot = document.snapshot
    return render_to_string(
        TEMPLATE,
        {
            "content": content,
            "document": document,
            "area": document.area,
            "month_name": formats.date_format(document.month, "F Y"),
            "month_label": f"{document.month:%Y-%m}",
            "version": snapshot.version,
            "computed": f"{timezone.localtime(snapshot.computed_at):%Y-%m-%d %H:%M}",
            "made": f"{timezone.localtime(content.made_at):%Y-%m-%d %H:%M}",
        },
    )


def report_pdf(content: ReportContent) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=report_html(content), url_fetcher=fetcher).write_pdf()
