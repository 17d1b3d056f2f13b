"""The reporting calendar's pages for the national group (issue 20 point 6): the months to
publish (approve each area's snapshot), the packages ordered and their progress, and the files.
Everyone else gets 403 on the calendar and the outsider's 404 on a package (logged); the
packages hold suppressed figures only."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Area
from audit.models import AccessLog
from audit.services import access_log_record
from reporting.models import MonthlySnapshot
from reporting.snapshots import parse_month, previous_month
from samverkan.services import AccessContext

from .models import PublishedMonth, ReportPackage
from .packages import missing_named, package_order
from .publishing import is_national_group, month_publish

State = ReportPackage.State
PACKAGE = "rapportpaket"


def _national_group(request) -> None:
    """Anyone but the national group: 403 (the refusal is logged with every 403)."""
    if not is_national_group(request.user):
        raise PermissionDenied


class OrderForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Rapport"), choices=ReportPackage.Kind.choices)
    year = forms.IntegerField(label=gettext_lazy("År"), min_value=2000, max_value=2100)
    tertial = forms.TypedChoiceField(
        label=gettext_lazy("Tertial (för tertialrapporten)"),
        choices=[
            (1, _("1: januari–april")),
            (2, _("2: maj–augusti")),
            (3, _("3: september–december")),
        ],
        coerce=int,
        required=False,
        empty_value=0,
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReportPackage.Kind.TERTIAL and not data.get("tertial"):
            self.add_error("tertial", _("Välj vilken tertial."))
        return data


def _month_rows(month: dt.date) -> list[dict]:
    """Each active area's newest version of `month` and the version published, if any."""
    areas = list(Area.objects.filter(is_active=True).order_by("name"))
    newest: dict[int, int] = {}
    for area_id, version in MonthlySnapshot.objects.filter(
        month=month, area__isnull=False
    ).values_list("area_id", "version"):
        newest[area_id] = max(version, newest.get(area_id, 0))
    published = {
        row.area_id: row
        for row in PublishedMonth.objects.filter(month=month).select_related(
            "snapshot", "approved_by"
        )
    }
    return [
        {"area": area, "newest": newest.get(area.pk), "published": published.get(area.pk)}
        for area in areas
    ]


@require_http_methods(["GET", "POST"])
def calendar(request):
    _national_group(request)
    today = timezone.localdate()
    form = OrderForm(request.POST or None, initial={"year": today.year, "kind": "tertial"})
    if request.method == "POST" and form.is_valid():
        try:
            package = package_order(
                context=AccessContext.from_request(request),
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                tertial=form.cleaned_data["tertial"] or 0,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("national:package", pk=package.pk)
    try:
        month = (
            parse_month(request.GET["manad"]) if request.GET.get("manad") else previous_month(today)
        )
        month_error = ""
    except ValidationError as exc:
        month, month_error = previous_month(today), exc.messages[0]
    packages = list(ReportPackage.objects.defer("pdf", "xlsx").select_related("requested_by")[:50])
    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        object_type=PACKAGE,
        purpose="rapportkalendern",
    )
    return render(
        request,
        "national/calendar.html",
        {
            "form": form,
            "packages": packages,
            "month": month,
            "month_error": month_error,
            "rows": _month_rows(month),
        },
    )


@require_POST
def publish(request):
    _national_group(request)
    area = Area.objects.filter(code=request.POST.get("omrade", "")[:20]).first()
    try:
        month = parse_month(request.POST.get("manad", ""))
        if area is None:
            raise ValidationError(_("Okänt område."))
        published = month_publish(
            context=AccessContext.from_request(request), area=area, month=month
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        month_text = request.POST.get("manad", "")[:7]
    else:
        messages.success(
            request,
            _("%(area)s %(month)s är publicerad (version %(version)s).")
            % {"area": area.name, "month": f"{month:%Y-%m}", "version": published.snapshot.version},
        )
        month_text = f"{month:%Y-%m}"
    return redirect(f"{reverse('national:calendar')}?manad={month_text}#publicera")


def _package(request, pk: int, *, with_files: bool = False) -> ReportPackage:
    """The package, for the national group; anyone else gets the outsider's 404, logged."""
    if not is_national_group(request.user):
        access_log_record(
            action=AccessLog.Action.DENIED,
            request=request,
            object_type=PACKAGE,
            object_id=str(pk),
            purpose="rapportpaket: inte nationella gruppen",
        )
        raise Http404
    packages = (
        ReportPackage.objects.all() if with_files else ReportPackage.objects.defer("pdf", "xlsx")
    )
    package = packages.filter(pk=pk).first()
    if package is None:
        raise Http404
    return package


def _by_name(sources: dict) -> list[tuple[str, dict]]:
    """The package's sources by area name (the page shows no codes)."""
    names = dict(Area.objects.filter(code__in=list(sources)).values_list("code", "name"))
    return sorted((names.get(code, code), months) for code, months in sources.items())


def _status(package: ReportPackage) -> dict:
    messages_by_state = {
        State.WAITING: _("Paketet väntar på att starta."),
        State.RUNNING: _("Paketet skapas."),
        State.DONE: _("Paketet är klart."),
    }
    return {
        "state": package.state,
        "finished": package.state in (State.DONE, State.FAILED),
        "percent": package.progress,
        "progress_text": package.step,
        "message": messages_by_state.get(package.state)
        or package.error
        or _("Paketet kunde inte skapas."),
        "download_url": reverse("national:package_pdf", args=[package.pk])
        if package.state == State.DONE
        else None,
    }


@require_GET
def package(request, pk: int):
    package = _package(request, pk)
    access_log_record(
        action=AccessLog.Action.VIEW,
        request=request,
        obj=package,
        object_type=PACKAGE,
        purpose=package.title,
    )
    return render(
        request,
        "national/package.html",
        {
            "package": package,
            "status": _status(package),
            "ordered": f"{timezone.localtime(package.created_at):%Y-%m-%d %H:%M}",
            "sources": _by_name(package.sources),
            "missing": missing_named(package.missing),
        },
    )


@require_GET
def package_status(request, pk: int):
    response = JsonResponse(_status(_package(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def package_pdf(request, pk: int):
    return _package_file(request, pk, "pdf")


@require_GET
def package_xlsx(request, pk: int):
    return _package_file(request, pk, "xlsx")


def _package_file(request, pk: int, kind: str):
    package = _package(request, pk, with_files=True)
    data = getattr(package, kind, None) if kind in CONTENT_TYPES else None
    if package.state != State.DONE or data is None:
        raise Http404
    access_log_record(
        action=AccessLog.Action.EXPORT,
        request=request,
        obj=package,
        object_type=PACKAGE,
        purpose=f"{package.title} ({kind.upper()})",
    )
    stem = f"samverkan-{package.kind}-{package.year}" + (
        f"-t{package.tertial}" if package.tertial else ""
    )
    response = HttpResponse(bytes(data), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response
