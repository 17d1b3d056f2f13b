"""What an access-log entry is about, as the coordinator's log review shows it (SPEC §7):
"Ärende 2815" linking to the case, "Person Anna Andersson" linking to the person, "Export",
instead of the log's internal `object_type` and `object_id`.

The log names an object by its model's `model_name` (`audit.services.access_log_record`) or by
a word a view chose (`"export"`, `"gallring"`), whichever app wrote it. So this one table names
every type the code writes, the other apps' types included; it reaches their models through
the app registry by label and their pages by URL name, never by importing an app above cases
(ADR 0014). `tests/test_objects.py` reads the code for every `object_type` written and fails on
one missing here.

A link, or a person's name, is shown only for an object the reviewer may see now
(`Model.objects.visible_to`, the one scoping rule): an object since moved to another area, or
purged, keeps its plain label. The label itself says no more than the entry's type and id,
which the review has always shown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from audit.models import AccessLog


@dataclass(frozen=True)
class Kind:
    """How one `object_type` is shown. `label` may hold `%(id)s`; without one, the model's own
    name (`verbose_name`) is the label. `model` is the app label of the model behind the type
    (its fields name the changes of `purposes.purpose_shown`); an object of a type with
    `url_name` links there when the reviewer may see it; `named` shows a visible person's name
    (a person's id means nothing to a reviewer)."""

    label: str = ""
    model: str = ""
    url_name: str = ""
    named: bool = False


KINDS: dict[str, Kind] = {
    # cases
    "person": Kind(_("Person"), "cases.Person", "cases:person_detail", named=True),
    "case": Kind(_("Ärende %(id)s"), "cases.Case", "cases:case_detail"),
    "consent": Kind(model="cases.Consent"),
    "statusentry": Kind(model="cases.StatusEntry"),
    "phasetransition": Kind(model="cases.PhaseTransition"),
    "situation": Kind(model="cases.Situation"),
    # mapping
    "jointmapping": Kind(
        _("Kartläggning %(id)s"), "mapping.JointMapping", "mapping:mapping_detail"
    ),
    "intervention": Kind(_("Insats %(id)s"), "mapping.Intervention", "mapping:intervention_detail"),
    "meeting": Kind(model="mapping.Meeting"),
    "planversion": Kind(model="mapping.PlanVersion"),
    "closingdocument": Kind(model="mapping.ClosingDocument"),
    # preparation
    "session": Kind(
        _("Beredningsgruppsmöte %(id)s"), "preparation.Session", "preparation:session_detail"
    ),
    "referral": Kind(model="preparation.Referral"),
    # reporting
    "workplan": Kind(model="reporting.WorkPlan"),
    "deviationreport": Kind(
        _("Avvikelserapport %(id)s"), "reporting.DeviationReport", "reporting:deviation_detail"
    ),
    "deviationaction": Kind(model="reporting.DeviationAction"),
    "qualityreview": Kind(
        _("Kvalitetsgranskning %(id)s"),
        "reporting.QualityReview",
        "reporting:quality_review_detail",
    ),
    "qualityreviewitem": Kind(model="reporting.QualityReviewItem"),
    "qualityfeedback": Kind(model="reporting.QualityFeedback"),
    "monthlysnapshot": Kind(model="reporting.MonthlySnapshot"),
    "monthlyreportdocument": Kind(model="reporting.MonthlyReportDocument"),
    "manadsrapport": Kind(_("Månadsrapport %(id)s")),
    "deviationdialogue": Kind(model="reporting.DeviationDialogue"),
    # funds and the national level
    "consumption": Kind(model="funds.Consumption"),
    "publishedmonth": Kind(model="national.PublishedMonth"),
    "publicerad_manad": Kind(_("Publicerad månad")),
    "reportpackage": Kind(_("Rapportpaket %(id)s"), "national.ReportPackage"),
    "rapportpaket": Kind(_("Rapportpaket %(id)s")),
    "dashboard": Kind(_("Statistik")),
    "timeliness": Kind(_("Tidsfrister")),
    "report": Kind(_("Rapport")),
    # exports, imports, retention, backups, the organisation, accounts, the API and this review
    "export": Kind(_("Export")),
    "export_download": Kind(_("Nedladdning av export")),
    "import": Kind(_("Import")),
    "gallring": Kind(_("Gallring")),
    "backup": Kind(_("Säkerhetskopia")),
    "organisation": Kind(_("Organisationen")),
    "user": Kind(_("Användarkonto")),
    "apitoken": Kind(_("API-nyckel")),
    "api": Kind(_("API")),
    "accesslog": Kind(_("Åtkomstloggen")),
}


@dataclass(frozen=True)
class ObjectShown:
    label: str
    url: str = ""


NO_OBJECT = ObjectShown("–")


def model_of(object_type: str):
    """The model an `object_type` names, or None (a word of a view's, or an unknown type)."""
    kind = KINDS.get(object_type)
    return apps.get_model(kind.model) if kind is not None and kind.model else None


def _unknown(object_type: str) -> ObjectShown:
    # A type written after this table was last kept: its model's Swedish name if there is a
    # model by that name, never the internal code.
    for model in apps.get_models():
        if model._meta.model_name == object_type:
            return ObjectShown(capfirst(model._meta.verbose_name))
    return ObjectShown(str(_("Annat objekt")))


def _visible(kind: Kind, ids: set[int], user) -> dict[int, str]:
    """{pk: name} of the objects among `ids` the reviewer may see now; one query."""
    queryset = apps.get_model(kind.model).objects.visible_to(user).filter(pk__in=ids)
    if kind.named:
        # Purged people keep their row without a name (cases.models.person.PURGED_PREFIX).
        rows = queryset.not_purged().values_list("pk", "first_name", "last_name")
        return {pk: f"{first} {last}" for pk, first, last in rows}
    return dict.fromkeys(queryset.values_list("pk", flat=True), "")


def objects_shown(entries: Iterable[AccessLog], *, user) -> dict[tuple[str, str], ObjectShown]:
    """{(object_type, object_id): how it is shown} for `entries`, in at most one query per
    object type that links or names (set-based: never one query per entry)."""
    entries = list(entries)
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        kind = KINDS.get(entry.object_type)
        if kind is not None and (kind.url_name or kind.named) and entry.object_id.isdigit():
            wanted[entry.object_type].add(int(entry.object_id))
    visible = {
        object_type: _visible(KINDS[object_type], ids, user) for object_type, ids in wanted.items()
    }
    shown = {}
    for entry in entries:
        key = (entry.object_type, entry.object_id)
        if key not in shown:
            shown[key] = _shown(entry.object_type, entry.object_id, visible)
    return shown


def _shown(object_type: str, object_id: str, visible) -> ObjectShown:
    if not object_type:
        return NO_OBJECT
    kind = KINDS.get(object_type)
    if kind is None:
        return _unknown(object_type)
    label = str(kind.label or capfirst(model_of(object_type)._meta.verbose_name))
    if "%(id)s" in label:
        label = (label % {"id": object_id}).strip()
    pk = int(object_id) if object_id.isdigit() else None
    seen = visible.get(object_type, {})
    if pk is None or pk not in seen:
        return ObjectShown(label)
    if kind.named:
        label = f"{label} {seen[pk]}"
    url = reverse(kind.url_name, args=[pk]) if kind.url_name else ""
    return ObjectShown(label, url)
