"""The deviation reports in the API (SPEC §5 "Deviation report", §6): /api/v1/deviation-reports/.
Read by everyone who sees the area's statistics; worked on by the area's management group and
coordinators through reporting.deviations' services (analysis and dialogue by PATCH, actions and
closing by POST on the report). Opened by the monthly detection only: no POST on the list.
Scoping, logging and the order of refusals are the statistics endpoints' (reporting.api.base)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import scope_for
from reporting import deviation_escalation as escalation
from reporting import deviations as deviation_services
from reporting.models import DeviationReport
from samverkan.api import ScopedFilterSet, error_responses
from samverkan.services import AccessContext

from . import deviation_serializers as s
from .base import AggregateViewSet
from .params import BooleanFilter, with_months
from .schema import ACTION_ERRORS, DETAIL_ERRORS, LIST_ERRORS, UPDATE_ERRORS

# --- filter -----------------------------------------------------------------------------------


@with_months("opened_for", "Månaden rapporten öppnades efter")
class DeviationReportFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=DeviationReport.Kind.choices, label="Vad som avviker."
    )
    status = django_filters.ChoiceFilter(
        choices=DeviationReport.Status.choices, label="Rapportens status."
    )
    open = BooleanFilter(
        method="filter_open", label="true: öppna rapporter (ej stängda); false: stängda."
    )

    class Meta:
        model = DeviationReport
        fields = ["area", "kind", "status", "open"]

    def filter_open(self, queryset, name, value):
        closed = DeviationReport.Status.CLOSED
        return queryset.exclude(status=closed) if value else queryset.filter(status=closed)


# --- the viewset -------------------------------------------------------------------------------


def _may_work_on_some_report(user) -> bool:
    """Whether the role works on deviation reports in any of the user's areas (the rule is
    reporting.deviations.may_work_on, asked for each area)."""
    return any(
        deviation_services.may_work_on(user, DeviationReport(area_id=area_id))
        for area_id in scope_for(user).area_ids
    )


def _post_only(**kwargs):
    """An extra action answering POST only: the viewset itself offers no POST (no create)."""
    return action(detail=True, methods=["post"], http_method_names=["post", "options"], **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="Avvikelserapporter",
        description="Områdenas avvikelserapporter, för alla som ser områdets statistik. "
        "Rapporterna öppnas av månadskörningen när utvecklingen avviker tre månader i rad; "
        "de kan inte skapas via API:t (inte heller på sidorna). Små tal i månadernas siffror "
        "är dolda för roller utan ärendeåtkomst, som på rapportens sida.",
        responses={200: s.DeviationReportSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="En avvikelserapport", responses={200: s.DeviationReportSerializer, **DETAIL_ERRORS}
    ),
    partial_update=extend_schema(
        summary="Analys och dialog",
        description="Områdets ledningsgrupp och samordnare skriver analysen och registrerar "
        "dialogen (reporting.deviations.deviation_update); en registrerad dialog för en öppen "
        "rapport till status I dialog. `version` krävs. Status ändras inte direkt: stängning "
        "sker med POST .../close/.",
        request=s.DeviationUpdateSerializer,
        responses={200: s.DeviationReportSerializer, **UPDATE_ERRORS},
    ),
)
class DeviationReportViewSet(AggregateViewSet):
    """Avvikelserapporter (SPEC §5). Läses av alla som ser områdets statistik; hanteras av
    områdets ledningsgrupp och samordnare."""

    object_type = "deviationreport"
    purpose = "avvikelserapport"
    # No POST on the list: reports are opened by the monthly detection only.
    http_method_names = ["get", "patch", "head", "options"]
    serializer_class = s.DeviationReportSerializer
    update_serializer_class = s.DeviationUpdateSerializer
    filterset_class = DeviationReportFilter
    write_denied_message = gettext_lazy("Avvikelserapporten hanteras av områdets ledningsgrupp.")

    def visible(self, user):
        return (
            DeviationReport.objects.visible_to(user)
            .select_related("area")
            .prefetch_related("actions", "dialogues__recorded_by")
        )

    def may_write(self, user) -> bool:
        return _may_work_on_some_report(user)

    def get_serializer_class(self):
        extra = {
            "add_action": s.DeviationActionCreateSerializer,
            "action_done": s.DeviationActionDoneSerializer,
            "close": s.DeviationCloseSerializer,
            "escalate": s.DeviationEscalateSerializer,
            "add_dialogue": s.DeviationDialogueCreateSerializer,
        }
        return extra.get(self.action) or super().get_serializer_class()

    def update_object(self, obj, data, *, expected_version):
        return deviation_services.deviation_update(
            report=obj,
            expected_version=expected_version,
            data=data,
            context=AccessContext.from_request(self.request),
        )

    def _validated(self, request):
        report = self.get_object()
        self._require_write()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return report, dict(serializer.validated_data)

    def _report(self, pk):
        return self.output(self.visible(self.request.user).get(pk=pk))

    @extend_schema(
        summary="Ny åtgärd",
        description="En beslutad åtgärd med ansvarig och sista dag "
        "(reporting.deviations.deviation_action_add). Inte för en stängd rapport.",
        request=s.DeviationActionCreateSerializer,
        responses={201: s.DeviationActionSerializer, **ACTION_ERRORS},
    )
    @_post_only(url_path="actions", url_name="actions")
    def add_action(self, request, pk=None):
        report, data = self._validated(request)
        created = deviation_services.deviation_action_add(
            report=report, context=AccessContext.from_request(request), **data
        )
        return Response(
            s.DeviationActionSerializer(created, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Markera en åtgärd klar",
        description="En av rapportens åtgärder är klar (reporting.deviations."
        "deviation_action_done); `version` är åtgärdens. En åtgärd som inte hör till "
        "rapporten ger 400 på `action`.",
        request=s.DeviationActionDoneSerializer,
        responses={200: s.DeviationActionSerializer, **ACTION_ERRORS, **error_responses(409)},
    )
    @_post_only(url_path="action-done", url_name="action-done")
    def action_done(self, request, pk=None):
        report, data = self._validated(request)
        target = report.actions.filter(pk=data.pop("action")).first()
        if target is None:
            raise serializers.ValidationError(
                {"action": [_("Åtgärden finns inte i den här rapporten.")]}
            )
        done = deviation_services.deviation_action_done(
            action=target,
            expected_version=data["version"],
            done_on=data["done_on"],
            follow_up=data["follow_up"],
            context=AccessContext.from_request(request),
        )
        return Response(
            s.DeviationActionSerializer(done, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Stäng rapporten",
        description="Stänger rapporten (reporting.deviations.deviation_close) när analysen och "
        "dialogen är registrerade och minst en åtgärd är beslutad och alla är klara; annars "
        "400 med skälet.",
        request=s.DeviationCloseSerializer,
        responses={200: s.DeviationReportSerializer, **ACTION_ERRORS, **error_responses(409)},
    )
    @_post_only(url_path="close", url_name="close")
    def close(self, request, pk=None):
        return self._state_changed(request, deviation_services.deviation_close)

    @extend_schema(
        summary="Eskalera till de regionala cheferna",
        description="Områdets ledningsgrupp eskalerar en öppen rapport till "
        "verksamhetsområdeschef (FK) och marknadschef (AF) (reporting.deviations."
        "deviation_escalate).",
        request=s.DeviationEscalateSerializer,
        responses={200: s.DeviationReportSerializer, **ACTION_ERRORS, **error_responses(409)},
    )
    @_post_only(url_path="escalate", url_name="escalate")
    def escalate(self, request, pk=None):
        return self._state_changed(request, escalation.deviation_escalate)

    def _state_changed(self, request, change):
        """A versioned change of the report's state (closing, escalating): the service `change`
        with the version sent, answered with the report as it now stands."""
        report, data = self._validated(request)
        changed = change(
            report=report,
            expected_version=data["version"],
            context=AccessContext.from_request(request),
        )
        return Response(self._report(changed.pk))

    @extend_schema(
        summary="Registrera dialog",
        description="De regionala cheferna för områdets regioner, eller områdets ledningsgrupp, "
        "registrerar en dialog om en eskalerad rapport (reporting.deviations."
        "deviation_dialogue_add). Andra roller får 403.",
        request=s.DeviationDialogueCreateSerializer,
        responses={201: s.DeviationDialogueSerializer, **ACTION_ERRORS},
    )
    @_post_only(url_path="dialogues", url_name="dialogues")
    def add_dialogue(self, request, pk=None):
        report = self.get_object()
        if not escalation.may_record_dialogue(request.user, report):
            raise exceptions.PermissionDenied(self.write_denied_message)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = escalation.deviation_dialogue_add(
            report=report, context=AccessContext.from_request(request), **serializer.validated_data
        )
        return Response(
            s.DeviationDialogueSerializer(created, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
