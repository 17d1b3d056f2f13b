"""The timeliness report (issue 15 point 3) at /api/v1/reports/timeliness/: whether the deadlines
were kept in whole months of an area, several areas or the nation, as the other reports are
asked for and scoped (reporting.api.reports.ReportView: the aggregate scope, suppression for
roles without case access, one access-log entry; JSON or CSV).

Team and officer rows (`teams`, `officers`, by id, with `names`) are answered only to a
coordinator of the one area asked for (`area=<code>`): per-officer figures are the area
coordinator's to follow up, nobody else's (issue 15). Anyone else gets the area rows."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.models import Area, Team
from accounts.scoping import scope_for
from reporting import metrics
from reporting.metrics.labels import TIMELINESS_MEASURES as MEASURE_LABELS
from reporting.metrics.timeliness_sql import ACTIVE_DAYS_KEY, DEADLINE_MEASURES, MEASURES
from samverkan import csvfiles

from .report_csv import ReportCSVRenderer
from .report_serializers import ReportEnvelopeSerializer, count_field, share_field
from .reports import ReportView
from .schema import report_schema

GROUP_LABELS = {
    "total": gettext_lazy("Totalt"),
    "area": gettext_lazy("Område"),
    "team": gettext_lazy("Team"),
    "officer": gettext_lazy("Handläggare"),
}


def breakdown_for(user, area: Area | None) -> bool:
    """Team and officer rows: for a coordinator of the one area asked about."""
    return area is not None and scope_for(user).coordinates(area.pk)


def names_of(data: dict) -> dict:
    """The names of the teams and officers in `data`, for the reader (two queries)."""
    team_ids = [int(key) for key in data.get("teams") or {}]
    officer_ids = [int(key) for key in data.get("officers") or {}]
    users = get_user_model().objects.filter(pk__in=officer_ids)
    return {
        "teams": {str(t.pk): t.name for t in Team.objects.filter(pk__in=team_ids)},
        "officers": {str(u.pk): u.get_full_name() or u.get_username() for u in users},
    }


# --- the JSON shape ----------------------------------------------------------------------------


class DeadlineCellSerializer(serializers.Serializer):
    cases = count_field(help_text="Ärenden med en frist av slaget under perioden.")
    on_time = count_field(help_text="Ärenden vars alla frister hölls.")
    late = count_field(help_text="Ärenden med en frist som hölls för sent eller missades.")
    open = count_field(help_text="Ärenden vars frister ännu inte har passerat.")
    share = share_field("Andelen i tid av on_time + late.")


class ActiveDaysCellSerializer(serializers.Serializer):
    cases = count_field(help_text="Ärenden inskrivna någon dag under perioden.")
    days = count_field(help_text="Deras inskrivna dagar under perioden.")
    active_days = count_field(help_text="Dagar av dem med en pågående insats.")
    share = share_field("Andelen dagar med pågående insats.")


def _row_fields():
    fields = {
        m: DeadlineCellSerializer(help_text=str(MEASURE_LABELS[m])) for m in DEADLINE_MEASURES
    }
    fields[ACTIVE_DAYS_KEY] = ActiveDaysCellSerializer(
        help_text=str(MEASURE_LABELS[ACTIVE_DAYS_KEY])
    )
    return fields


TimelinessRowSerializer = type("TimelinessRow", (serializers.Serializer,), _row_fields())


class TimelinessDataSerializer(serializers.Serializer):
    measures = serializers.ListField(child=serializers.CharField(), help_text="Måtten i ordning.")
    goals = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Målet per mått i procent (regelverket i kraft periodens sista dag).",
    )
    total = TimelinessRowSerializer(help_text="Summan av de redovisade områdena.")
    areas = serializers.DictField(child=TimelinessRowSerializer(), help_text="Per områdeskod.")
    teams = serializers.DictField(
        child=TimelinessRowSerializer(),
        required=False,
        help_text="Per team-id: bara för samordnaren i det efterfrågade området.",
    )
    officers = serializers.DictField(
        child=TimelinessRowSerializer(),
        required=False,
        help_text="Per användar-id (FK- och AF-handläggaren räknas var för sig): bara för "
        "samordnaren i det efterfrågade området.",
    )
    names = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        required=False,
        help_text="Namnen på teamen och handläggarna: {teams: {id: namn}, officers: {...}}.",
    )

    def get_fields(self):
        fields = super().get_fields()
        period = {
            "from": serializers.DateField(help_text="Periodens första dag."),
            "to": serializers.DateField(help_text="Periodens sista dag."),
        }
        return {**period, **fields}


class TimelinessReportSerializer(ReportEnvelopeSerializer):
    # A plain string: a second choice set named `report` would collide in the schema's enums.
    report = serializers.CharField(help_text='Rapportens namn: "timeliness".')
    data = TimelinessDataSerializer(help_text="Hur fristerna hölls under perioden.")


# --- CSV ------------------------------------------------------------------------------------------

CSV_HEADER = [
    "group",
    "group_label",
    "key",
    "name",
    "measure",
    "measure_label",
    "cases",
    "on_time",
    "late",
    "open",
    "days",
    "active_days",
    "share",
    "goal",
]
TIMELINESS_CSV = (
    "Kolumner: " + ";".join(CSV_HEADER) + ". En rad per grupp (total, area med områdeskod, "
    "team och officer med id och namn) och mått; on_time/late/open tomma för active_days, "
    "days/active_days tomma för fristerna."
)


def timeliness_table(data: dict) -> tuple[list[str], Iterator[list]]:
    names = data.get("names") or {}
    blocks = [("total", {"": data.get("total", {})}), ("area", data.get("areas", {}))]
    blocks += [("team", data.get("teams", {})), ("officer", data.get("officers", {}))]

    def rows():
        for group, rows_by_key in blocks:
            for key, row in (rows_by_key or {}).items():
                name = (names.get(f"{group}s") or {}).get(key, "")
                for measure in MEASURES:
                    cell = row.get(measure) or {}
                    yield [
                        group,
                        str(GROUP_LABELS[group]),
                        key,
                        name,
                        measure,
                        str(MEASURE_LABELS[measure]),
                        cell.get("cases"),
                        *(
                            cell.get(part) if measure != ACTIVE_DAYS_KEY else ""
                            for part in ("on_time", "late", "open")
                        ),
                        *(
                            cell.get(part) if measure == ACTIVE_DAYS_KEY else ""
                            for part in ("days", "active_days")
                        ),
                        cell.get("share"),
                        (data.get("goals") or {}).get(measure),
                    ]

    return CSV_HEADER, rows()


class TimelinessCSVRenderer(ReportCSVRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        header, rows = timeliness_table(data["data"])
        return csvfiles.csv_bytes(header, rows)


# --- the endpoint ------------------------------------------------------------------------------


@report_schema(
    report="timeliness",
    summary="Tidsfrister (rettidighed)",
    description="Hur fristerna hölls under perioden: behovsanalys startad inom gränsen efter "
    "beredningsgruppen, uppföljning inom intervallet, slutdokumentation i tid, individuell "
    "plan före introduktion och prövning, och andelen inskrivna dagar med pågående insats "
    "(reporting.metrics.timeliness), med målen. Per team och handläggare bara för "
    "samordnaren i det efterfrågade området.",
    serializer=TimelinessReportSerializer,
    csv=TIMELINESS_CSV,
)
class TimelinessReportView(ReportView):
    report = "timeliness"
    renderer_classes = [*ReportView.renderer_classes[:-1], TimelinessCSVRenderer]

    def compute(self, period, areas):
        self.breakdown = breakdown_for(self.request.user, areas.area)
        return metrics.timeliness_months(
            months=period.months, area_ids=areas.area_ids, breakdown=self.breakdown
        )

    def finish(self, data):
        # The metric keys areas by id; the API speaks area codes.
        codes = dict(Area.objects.values_list("pk", "code"))
        data = {**data, "areas": {codes[int(k)]: row for k, row in data["areas"].items()}}
        if "officers" in data:
            data["names"] = names_of(data)
        return data


__all__ = ["TimelinessReportView", "timeliness_table"]
