"""The person overview ("Översikt och tidslinje"): the person's whole story on one page.

On top the next deadline, then a time chart drawn on the server as inline SVG (mapping.charts),
then every event as a list, which is also the chart's text alternative. The reads are in
mapping.selectors."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.views.pages import person_for_page, reason_required

from ..charts import lane_labels, timeline_chart, timeline_legend, timeline_summary
from ..selectors import deadlines as deadline_reads
from ..selectors import records as record_reads
from ..selectors import timeline

NEXT_SHOWN = 4  # deadlines listed after the nearest one


@reason_required
@require_http_methods(["GET"])
def person_overview(request, pk):
    person, purpose = person_for_page(request, pk)
    today = timezone.localdate()
    records = record_reads.person_records(person=person, user=request.user, today=today)
    events = timeline.person_timeline(
        person=person, user=request.user, today=today, records=records
    )
    spans = timeline.person_timeline_spans(
        person=person, user=request.user, today=today, records=records
    )
    deadlines = deadline_reads.person_next_deadlines(
        person=person, user=request.user, today=today, records=records
    )
    dated = [d for d in deadlines if d.date]
    chart = timeline_chart(events=events, spans=spans, deadlines=deadlines, today=today)
    lanes = lane_labels()
    return render(
        request,
        "mapping/person_overview.html",
        {
            "person": person,
            "purpose": purpose,
            "today": today,
            "events": [{"event": e, "lane_label": lanes[e.lane]} for e in events],
            "next_deadline": dated[0] if dated else None,
            "later_deadlines": dated[1 : 1 + NEXT_SHOWN],
            "more_deadlines": max(len(dated) - 1 - NEXT_SHOWN, 0),
            "waiting": [d for d in deadlines if not d.date],
            "chart": chart,
            "chart_summary": timeline_summary(chart, person) if chart else "",
            "legend": timeline_legend(),
            "fk_hidden": records.fk_hidden,
            "open_case": next((c for c in records.cases if c.is_open), None),
        },
    )
