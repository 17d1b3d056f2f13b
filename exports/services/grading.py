"""A coarsened export's grading (ADR 0021, exports.selectors.kanon): the level each of its
people is shown at, fixed by the export's first file over every kind with its areas and period,
and kept for the export's further files so that joining them singles nobody out. The further
files must therefore ask for the same areas and period."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog

from ..models import CoarsenedExport
from ..selectors.queries import ExportQuery, export_levels_sql


def whole_months(date_from: dt.date | None, date_to: dt.date | None):
    """A coarsened export's period as whole months: a day's difference between two exports
    cannot then single out the one person who started on that day."""
    if date_from is not None:
        date_from = date_from.replace(day=1)
    if date_to is not None:
        following = (date_to.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        date_to = following - dt.timedelta(days=1)
    return date_from, date_to


def _selection(area_ids, date_from, date_to) -> dict:
    date_from, date_to = whole_months(date_from, date_to)
    return {"area_ids": sorted(area_ids or ()), "date_from": date_from, "date_to": date_to}


def coarsened_selection_conflict(
    *, user, export_id: str, area_ids, date_from: dt.date | None, date_to: dt.date | None
) -> str | None:
    """Why a further file of the coarsened export `export_id` may not be made with these areas
    and this period (None when it may, or when the export is not a coarsened one)."""
    graded = CoarsenedExport.objects.filter(export_id=export_id, user=user).first()
    if graded is None:
        return None
    asked = _selection(area_ids, date_from, date_to)
    if asked == {name: getattr(graded, name) for name in asked}:
        return None
    period = (
        f"{graded.date_from or '…'}–{graded.date_to or '…'}"
        if graded.date_from or graded.date_to
        else _("hela tiden")
    )
    return _(
        "En ny fil i samma export måste gälla samma områden och period som exportens första fil "
        "(%(period)s), annars kan filerna tillsammans peka ut personer. Välj samma urval, eller "
        "gör en ny export."
    ) % {"period": period}


def coarsened_export_graded(
    *, query: ExportQuery, user, today: dt.date, export_id: str, lifetime: dt.timedelta
) -> int | None:
    """The id of the export's grading, made now when this is its first file: one INSERT … SELECT
    of every person shown, their level and signature. Two first files at once make one grading
    (the second waits on the unique export id and then reads the first's).

    None when the export can no longer be continued: its grading is older than `lifetime`, or
    gone while a file of the export was made already (purged; grading anew would give the same
    keys other levels)."""
    existing = CoarsenedExport.objects.filter(export_id=export_id).first()
    if existing is not None:
        if existing.created_at < timezone.now() - lifetime:
            return None
        return existing.pk
    made_before = AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, object_type="export", object_id=export_id
    ).exists()
    if made_before:
        return None
    try:
        with transaction.atomic():
            graded = CoarsenedExport.objects.create(
                export_id=export_id,
                user=user,
                **_selection(query.area_ids, query.date_from, query.date_to),
            )
            sql, params = export_levels_sql(query, user=user, today=today)
            # The levels' SQL is built from checked identifiers (kanon); values are parameters.
            insert = f"INSERT INTO exports_coarsenedperson (export_id, person_id, level, signature) SELECT %s, person, level, signature FROM ({sql}) AS levels"  # noqa: S608, E501
            with connection.cursor() as cursor:
                cursor.execute(insert, (graded.pk, *params))
            return graded.pk
    except IntegrityError:
        return CoarsenedExport.objects.get(export_id=export_id).pk


def coarsened_exports_purge(*, older_than: dt.datetime) -> int:
    """Remove the gradings of exports whose id can no longer be continued."""
    _total, deleted = CoarsenedExport.objects.filter(created_at__lt=older_than).delete()
    return deleted.get(CoarsenedExport._meta.label, 0)
