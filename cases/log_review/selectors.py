"""The consent events of the coordinator's log review (SPEC §7): every consent recorded,
confirmed or withdrawn in the reviewer's areas in a period, read from the access log (which
keeps them after retention has removed the consents) and described from the consent where it
still exists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
            occurred_at__date__gte=start,
            occurred_at__date__lt=end,
        )
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
