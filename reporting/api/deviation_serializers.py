"""Request and response bodies of the deviation reports in the API (SPEC §5 "Deviation report",
§6). A report holds area aggregates, never a person: an action's `owner_user` is left out.

The months' counts are shown exactly as the report's page shows them to the same reader
(reporting.deviation_figures), so the API cannot hide less than the page. Write bodies check
types only; the rules (dates, who may, the state) are reporting.deviations' services', whose
errors come back as 400 with field names."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.filters import MAX_ID
from cases.api.serializers import KnownFieldsMixin, VersionRequiredMixin
from reporting import suppression
from reporting.deviation_figures import api_months, snapshot_parts
from reporting.deviations import may_work_on
from reporting.models import DeviationAction, DeviationDialogue, DeviationReport
from samverkan.api import VersionField

from .base import request_user, serializer_hides_small_cells

AREA_HELP = "Samverkansområdets kod."


def _int(help_text):
    return serializers.IntegerField(allow_null=True, help_text=help_text)


class DeviationMonthSerializer(serializers.Serializer):
    """One month of the deviating run. An inflow report fills `actual`, `planned` and
    `tolerance_percent`; a day-365 report `in_work_or_education`, `measured`, `share` and
    `goal_percent` (all), and since the goal is tested for each sex also the women's and men's
    (`women_…`, `men_…`, `…_off`); an average-days report `ended`, `mean_days`, `goal_days` and
    the women's and men's alike; the others are null."""

    month = serializers.CharField(help_text="Månaden, ÅÅÅÅ-MM.")
    actual = _int("Inflöde: nya deltagare under månaden (null om dolt eller ej inflöde).")
    planned = _int("Inflöde: planerat enligt arbetsplanen.")
    tolerance_percent = _int("Inflöde: arbetsplanens tolerans under plan, procent.")
    in_work_or_education = _int("Dag 365: antal i arbete eller utbildning (null om dolt).")
    measured = _int("Dag 365: antal mätta (null om dolt).")
    share = serializers.CharField(
        allow_null=True,
        help_text="Dag 365: andelen som i de publicerade tabellerna; null om ett av talen är dolt.",
    )
    goal_percent = _int("Dag 365: arbetsplanens mål, procent.")
    ended = _int("Genomsnittlig tid: antal som avslutades under månaden (null om dolt).")
    mean_days = _int("Genomsnittlig tid: dagar i samverkan, hela dagar (null om dolt).")
    goal_days = _int("Genomsnittlig tid: arbetsplanens mål, dagar.")
    af_fte = serializers.CharField(
        allow_null=True, help_text="Bemanning: AF:s handläggare i årsarbetskrafter."
    )
    af_planned_fte = serializers.CharField(
        allow_null=True, help_text="Bemanning: AF enligt arbetsplanen."
    )
    fk_fte = serializers.CharField(
        allow_null=True, help_text="Bemanning: FK:s handläggare i årsarbetskrafter."
    )
    fk_planned_fte = serializers.CharField(
        allow_null=True, help_text="Bemanning: FK enligt arbetsplanen."
    )
    women_in_work_or_education = _int("Dag 365: kvinnor i arbete eller utbildning (null om dolt).")
    women_measured = _int("Dag 365: kvinnor mätta (null om dolt).")
    women_share = serializers.CharField(
        allow_null=True, help_text="Dag 365: kvinnornas andel; null om ett av talen är dolt."
    )
    women_ended = _int("Genomsnittlig tid: kvinnor som avslutades (null om dolt).")
    women_mean_days = _int("Genomsnittlig tid: kvinnornas dagar i samverkan (null om dolt).")
    women_off = serializers.BooleanField(
        allow_null=True,
        help_text="Sant när kvinnorna ligger utanför målet; null om talen är dolda eller ingen "
        "kvinna mättes.",
    )
    men_in_work_or_education = _int("Dag 365: män i arbete eller utbildning (null om dolt).")
    men_measured = _int("Dag 365: män mätta (null om dolt).")
    men_share = serializers.CharField(
        allow_null=True, help_text="Dag 365: männens andel; null om ett av talen är dolt."
    )
    men_ended = _int("Genomsnittlig tid: män som avslutades (null om dolt).")
    men_mean_days = _int("Genomsnittlig tid: männens dagar i samverkan (null om dolt).")
    men_off = serializers.BooleanField(
        allow_null=True,
        help_text="Sant när männen ligger utanför målet; null om talen är dolda eller ingen man "
        "mättes.",
    )


class DeviationActionSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField(
        help_text="Sant när åtgärden inte är klar och sista dagen har passerat."
    )

    class Meta:
        model = DeviationAction
        fields = [
            "id",
            "version",
            "description",
            "owner",
            "due_on",
            "done_on",
            "follow_up",
            "overdue",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, action) -> bool:
        return action.is_overdue(timezone.localdate())


class DeviationDialogueSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(
        source="recorded_by.username", read_only=True, help_text="Vem som registrerade dialogen."
    )

    class Meta:
        model = DeviationDialogue
        fields = ["id", "held_on", "participants", "notes", "recorded_by", "recorded_at"]
        read_only_fields = ["recorded_at"]


class DeviationDialogueCreateSerializer(KnownFieldsMixin, serializers.Serializer):
    """POST .../dialogues/: a dialogue held on an escalated report (who, when, what)."""

    held_on = serializers.DateField(help_text="När dialogen hölls, ÅÅÅÅ-MM-DD.")
    participants = serializers.CharField(help_text="Vilka som deltog (högst 300 tecken).")
    notes = serializers.CharField(help_text="Vad som sades och beslutades.")


class DeviationEscalateSerializer(KnownFieldsMixin, serializers.Serializer):
    """POST .../escalate/: the report goes to the regional managers."""

    version = VersionField()


class DeviationReportSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=AREA_HELP)
    area_name = serializers.CharField(
        source="area.name", read_only=True, help_text="Samverkansområdets namn."
    )
    months = serializers.SerializerMethodField(
        help_text="De avvikande månaderna med siffrorna, som på rapportens sida."
    )
    suppressed = serializers.SerializerMethodField(
        help_text="Sant när små tal är dolda (roller utan ärendeåtkomst); dolda värden är null."
    )
    small_cell = serializers.SerializerMethodField(
        help_text=f"Gränsen för små tal: antal under {suppression.SMALL_CELL} personer döljs."
    )
    actions = DeviationActionSerializer(
        many=True, read_only=True, help_text="Beslutade åtgärder, först den som ska vara klar."
    )
    may_work_on = serializers.SerializerMethodField(
        help_text="Sant när den som frågar får arbeta med rapporten (områdets ledningsgrupp "
        "och samordnare) och den inte är stängd."
    )
    dialogues = DeviationDialogueSerializer(
        many=True,
        read_only=True,
        help_text="Dialogerna med de regionala cheferna om en eskalerad rapport.",
    )

    class Meta:
        model = DeviationReport
        fields = [
            "id",
            "version",
            "area",
            "area_name",
            "kind",
            "status",
            "run_start",
            "opened_for",
            "months",
            "suppressed",
            "small_cell",
            "analysis",
            "dialogue_on",
            "dialogue_with",
            "closed_on",
            "escalated_at",
            "dialogues",
            "actions",
            "may_work_on",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "kind": {
                "help_text": "Vad som avviker: inflödet under plan, eller andelen i "
                "arbete eller utbildning dag 365 under målet."
            },
            "status": {"help_text": "Öppen, i dialog (dialogen registrerad) eller stängd."},
            "analysis": {"help_text": "Analysen: varför utvecklingen avviker från planen."},
            "dialogue_on": {"help_text": "Dagen dialogen hölls, null innan den registrerats."},
            "dialogue_with": {"help_text": "Vilka som deltog i dialogen."},
            "run_start": {"help_text": "Första avvikande månaden (dess första dag)."},
            "opened_for": {"help_text": "Månaden efter vilken rapporten öppnades (första dag)."},
            "closed_on": {"help_text": "Dagen rapporten stängdes."},
        }

    @extend_schema_field(DeviationMonthSerializer(many=True))
    def get_months(self, report):
        hide = serializer_hides_small_cells(self)
        return api_months(report, hide=hide, parts=self._snapshot_parts(report) if hide else None)

    def _snapshot_parts(self, report):
        """The snapshot parts the per-sex months were read from (their suppression is the
        dashboard's), read once for a whole page of reports."""
        kept = self.context.setdefault("deviation_snapshot_parts", {"reports": set()})
        if report.pk not in kept["reports"]:
            parent = self.parent
            listed = parent.instance if isinstance(parent, serializers.ListSerializer) else None
            reports = list(listed) if listed is not None else [report]
            if report not in reports:
                reports = [report]
            kept["parts"] = snapshot_parts(reports)
            kept["reports"] = {r.pk for r in reports}
        return kept["parts"]

    def get_suppressed(self, report) -> bool:
        return serializer_hides_small_cells(self)

    def get_small_cell(self, report) -> int:
        return suppression.SMALL_CELL

    def get_may_work_on(self, report) -> bool:
        user = request_user(self)
        is_open = report.status != DeviationReport.Status.CLOSED
        return user is not None and is_open and may_work_on(user, report)


class DeviationUpdateSerializer(KnownFieldsMixin, VersionRequiredMixin, serializers.Serializer):
    """PATCH: the analysis and the dialogue held (reporting.deviations.deviation_update). A
    recorded dialogue moves an open report to "in dialogue"; closing is POST .../close/."""

    version = VersionField()
    analysis = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Varför avviker utvecklingen från arbetsplanen?",
    )
    dialogue_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Dagen dialogen hölls (ÅÅÅÅ-MM-DD); inte i framtiden, inte före den "
        "avvikande månaden.",
    )
    dialogue_with = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=DeviationReport._meta.get_field("dialogue_with").max_length,
        trim_whitespace=False,
        help_text="Vilka som deltog i dialogen; krävs när dialogen är registrerad.",
    )


class DeviationActionCreateSerializer(KnownFieldsMixin, serializers.Serializer):
    """POST .../actions/: an agreed action (reporting.deviations.deviation_action_add)."""

    description = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Vad som ska göras."
    )
    owner = serializers.CharField(
        allow_blank=True,
        max_length=DeviationAction._meta.get_field("owner").max_length,
        trim_whitespace=False,
        help_text="Vem som ansvarar (fritext: en person, en grupp eller en organisation).",
    )
    due_on = serializers.DateField(help_text="När åtgärden ska vara klar (ÅÅÅÅ-MM-DD).")


class DeviationActionDoneSerializer(KnownFieldsMixin, serializers.Serializer):
    """POST .../action-done/: one of the report's actions is done
    (reporting.deviations.deviation_action_done)."""

    action = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Åtgärdens id (en av rapportens åtgärder)."
    )
    version = VersionField(
        help_text="Åtgärdens version (fältet version i åtgärden, i rapportens GET). Har någon "
        "sparat sedan dess svarar API:t 409 och inget sparas."
    )
    done_on = serializers.DateField(help_text="Dagen åtgärden blev klar; inte i framtiden.")
    follow_up = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Hur blev det? Vad visade uppföljningen?",
    )


class DeviationCloseSerializer(KnownFieldsMixin, serializers.Serializer):
    """POST .../close/: close the report (reporting.deviations.deviation_close), which needs the
    analysis, the dialogue and at least one action, every one done."""

    version = VersionField()
