"""Reads of the coordinator's log review (SPEC §7), on top of audit.selectors (which scope the
log to the reviewer's areas and draw the sample):

- the lines of the log as the review lists them, repeated views collapsed (`views_collapsed`);
- the consent events: every consent recorded, confirmed or withdrawn in the reviewer's areas
  in a period, read from the access log (which keeps them after retention has removed the
  consents) and described from the consent where it still exists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import BigIntegerField, Count, F, Max, Q, QuerySet, Value, When, Window
from django.db.models import Case as CaseWhen
from django.db.models.functions import RowNumber, Trunc
from django.utils.translation import gettext as _

from audit import selectors as audit_selectors
from audit.models import AccessLog

from ..models import Consent
from ..services import CONSENT_CONFIRMED, CONSENT_RECORDED, CONSENT_WITHDRAWN


@dataclass(frozen=True)
class ConsentEvent:
    entry: AccessLog
    what: str
    consent: Consent | None

    @property
    def backdated(self) -> bool:
        return self.consent is not None and self.consent.is_backdated()

    @property
    def by_staff(self) -> bool:
        """Recorded by a person; a job (an import, the demo loader) keeps its source's dates,
        which are not a reviewer's concern the way a member of staff's back-dating is."""
        return self.entry.user_id is not None


def _what(entry: AccessLog) -> str:
    # The service's purpose leads the entry's text; a reason stated for the access follows it.
    for purpose, label in (
        (CONSENT_RECORDED, _("Registrerat")),
        (CONSENT_CONFIRMED, _("Bekräftat")),
        (CONSENT_WITHDRAWN, _("Återkallat")),
    ):
        if entry.purpose.startswith(purpose):
            return label
    if entry.action == AccessLog.Action.DELETE:
        return _("Borttaget")
    return _("Ändrat")


def consent_events(*, area_ids, start: dt.date, end: dt.date) -> list[ConsentEvent]:
    """The period's consent events of the reviewer's areas, newest first (the caller checks
    that the user reviews the log)."""
    entries = list(
        audit_selectors.access_log_of_areas(area_ids=area_ids)
        .filter(
            object_type=Consent._meta.model_name,
            action__in=[
                AccessLog.Action.CREATE,
                AccessLog.Action.UPDATE,
                AccessLog.Action.DELETE,
            ],
        )
        .on_days(start, end)
        .order_by("-occurred_at", "-id")[:500]
    )
    ids = {int(e.object_id) for e in entries if e.object_id.isdigit()}
    consents = Consent.objects.filter(pk__in=ids, person__area_id__in=area_ids).in_bulk()
    return [
        ConsentEvent(
            entry=entry,
            what=_what(entry),
            consent=consents.get(int(entry.object_id)) if entry.object_id.isdigit() else None,
        )
        for entry in entries
    ]


def _line_partition():
    """The entries one line of the review stands for: the same user's views (action "view")
    of the same object, with the same purpose, person, area and caseload mark, within the same
    clock minute (`date_trunc('minute', occurred_at)`: 10:00:05 and 10:00:55 are one line,
    10:00:59 and 10:01:01 two). Every other entry (a change, an export, a stated reason) is a
    line of its own: its id is part of its key."""
    return [
        F("user_id"),
        F("username"),
        F("action"),
        F("object_type"),
        F("object_id"),
        F("person_id"),
        F("area_id"),
        F("outside_caseload"),
        F("purpose"),
        Trunc("occurred_at", "minute"),
        CaseWhen(
            When(action=AccessLog.Action.VIEW, then=Value(0)),
            default=F("id"),
            output_field=BigIntegerField(),
        ),
    ]


def views_collapsed(entries: QuerySet[AccessLog]) -> QuerySet[AccessLog]:
    """One entry per line of `entries` (see `_line_partition`): the line's first entry, with
    `accesses` (how many entries the line stands for, so the lines' counts add up to the
    entries'), `last_at` (its last entry's time) and `members` (its entries' ids). Set-based:
    window functions over `entries` in one query, the first of each line kept."""
    partition = _line_partition()
    return entries.annotate(
        accesses=Window(Count("id"), partition_by=partition),
        last_at=Window(Max("occurred_at"), partition_by=partition),
        members=Window(ArrayAgg("id"), partition_by=partition),
        line_rank=Window(RowNumber(), partition_by=partition, order_by=[F("occurred_at"), F("id")]),
    ).filter(line_rank=1)


def person_log(*, area_ids, person_id: int, limit: int = 500) -> list[AccessLog]:
    """Every access to the person in the reviewer's areas, as lines, newest first."""
    entries = audit_selectors.log_for_person(area_ids=area_ids, person_id=person_id)
    return list(views_collapsed(entries).order_by("-occurred_at", "-id")[:limit])


def sample_log(*, area_ids, seed: str, size: int, start: dt.date, end: dt.date) -> list[AccessLog]:
    """The month's reproducible sample (`audit.selectors.log_sample`, entries drawn one by
    one), shown as the lines the drawn entries belong to, in the order drawn: a view drawn out
    of three in one minute is one line of three views. Two queries, whatever the size."""
    drawn = list(
        audit_selectors.log_sample(area_ids=area_ids, seed=seed, size=size, start=start, end=end)
    )
    if not drawn:
        return []
    # A line lies within one clock minute, so only the drawn objects' entries of the drawn
    # entries' minutes can share a line with them: a few short ranges of the index (area, time),
    # not the month between the first and the last drawn.
    minutes = Q()
    for minute in {e.occurred_at.replace(second=0, microsecond=0) for e in drawn}:
        minutes |= Q(occurred_at__gte=minute, occurred_at__lt=minute + dt.timedelta(minutes=1))
    around = audit_selectors.access_log_of_areas(area_ids=area_ids).filter(
        minutes, object_id__in={e.object_id for e in drawn}
    )
    order = {entry.pk: i for i, entry in enumerate(drawn)}
    lines = [
        line
        for line in views_collapsed(around).filter(members__overlap=list(order))
        if any(pk in order for pk in line.members)
    ]
    return sorted(lines, key=lambda line: min(order[pk] for pk in line.members if pk in order))
