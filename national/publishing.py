"""Publishing an area's monthly figures (issue 20 point 6): the national group approves a
month's snapshot, and that version is the area's published figures for the month for good
(national.models.PublishedMonth, immutable). A later version of the month (status entries
registered late) is computed and stored as before (ADR 0009) but never replaces what was
published; the calendar's packages read the published versions only.

The national group is the role with `national_steering` (the national samverkansgrupp,
accounts.Role); an analyst with national aggregates reads the figures but neither publishes nor
orders packages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Area
from audit.models import AccessLog
from reporting.models import MonthlySnapshot
from reporting.services import may_decide_work_plans
from samverkan.services import AccessContext, actor, log_access

from .models import PublishedMonth


def is_national_group(user) -> bool:
    """The national samverkansgrupp: the one rule that decides the work plans
    (reporting.services.may_decide_work_plans) decides the calendar too."""
    return bool(user and user.is_authenticated and may_decide_work_plans(user))


@transaction.atomic
def month_publish(*, context: AccessContext, area: Area, month: dt.date) -> PublishedMonth:
    """Approve the newest snapshot version of `area` and `month` as its published figures.
    PermissionDenied for anyone but the national group; ValidationError (Swedish) when the
    month has no snapshot or is published already (then nothing changes)."""
    user = actor(context)
    if not is_national_group(user):
        raise PermissionDenied(_("Bara den nationella samverkansgruppen godkänner månader."))
    snapshot = MonthlySnapshot.objects.filter(area=area, month=month).order_by("-version").first()
    if snapshot is None:
        raise ValidationError(
            _("%(area)s har ingen ögonblicksbild för %(month)s att godkänna.")
            % {"area": area.name, "month": f"{month:%Y-%m}"}
        )
    done = PublishedMonth.objects.filter(area=area, month=month).select_related("snapshot").first()
    if done is not None:
        raise ValidationError(
            _("%(area)s %(month)s är redan publicerad (version %(version)s).")
            % {"area": area.name, "month": f"{month:%Y-%m}", "version": done.snapshot.version}
        )
    try:
        with transaction.atomic():
            published = PublishedMonth.objects.create(
                area=area, month=month, snapshot=snapshot, approved_by=user
            )
    except IntegrityError:  # approved at the same moment by someone else
        raise ValidationError(
            _("%(area)s %(month)s publicerades just av någon annan.")
            % {"area": area.name, "month": f"{month:%Y-%m}"}
        ) from None
    log_access(
        context,
        action=AccessLog.Action.CREATE,
        obj=published,
        object_type="publicerad_manad",
        purpose=f"publicerad {month:%Y-%m} version {snapshot.version}, {area.code}",
    )
    return published


def published_snapshots(
    *, months: list[dt.date], area_ids: list[int] | None = None
) -> dict[int, dict[dt.date, MonthlySnapshot]]:
    """{area id: {month: the published snapshot}} of the months (first days), for the areas
    (None: every area). A month not published is absent. One query."""
    rows = PublishedMonth.objects.filter(month__in=months).select_related("snapshot")
    if area_ids is not None:
        rows = rows.filter(area_id__in=area_ids)
    found: dict[int, dict[dt.date, MonthlySnapshot]] = {}
    for row in rows:
        found.setdefault(row.area_id, {})[row.month] = row.snapshot
    return found
