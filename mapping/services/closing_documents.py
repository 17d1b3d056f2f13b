"""The closing documentation (slutdokumentation, SPEC §3 rule 5): written by AF "i samråd med
Försäkringskassan", confirmed by FK.

- `closing_document_save`: the case's AF officer writes (a draft may be saved on an open case,
  to be finished when it ends) and, once the case has ended and every part is written, sends it
  to FK. Changing a document that waits for FK takes it back until it is sent again, so FK
  never confirms a text that changed after they read it.
- `closing_document_return`: FK's officer sends it back with what should change; it waits on
  the AF officer's to-do list until sent again.
- `closing_document_confirm`: FK's officer confirms it. The day of the confirmation is the day
  the documentation is established, and this service alone writes it to
  `Case.closing_doc_date` (the date the 21-day rule reads, cases.flags), in the same
  transaction: one date, one source. A confirmed document is never changed.

Who writes and who confirms follows the joint-mapping decision's rule (mapping.services
.decisions): the officer of the agency named on the case, or, while none is named, any officer of
that agency in the case's area."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import scope_for
from audit.access import REASON_MIN_LENGTH, readable_reason
from audit.models import AccessLog
from cases.models import Case
from cases.worklist_state import cases_changed
from samverkan.services import (
    AccessContext,
    ConcurrentEditError,
    actor,
    lock_for_update,
    save_logged,
    save_new_version,
    today_or,
)

from ..models import CLOSING_TEXT_FIELDS, AgencyCode, ClosingDocument

MISSING_TEXT = {
    "done": _("Beskriv vad som har gjorts."),
    "result": _("Beskriv resultatet."),
    "situation_at_end": _("Beskriv situationen vid avslut."),
    "recommendations": _("Skriv rekommendationerna för Arbetsförmedlingens ordinarie stöd."),
}


def _refusal(user, case: Case, agency: str) -> str | None:
    scope = scope_for(user)
    if not (
        scope.agency_code == agency
        and scope.is_officer
        and scope.case_access
        and case.area_id in scope.area_ids
    ):
        if agency == AgencyCode.AF:
            return _(
                "Slutdokumentationen skrivs av ärendets arbetsförmedlare på Arbetsförmedlingen."
            )
        return _(
            "Slutdokumentationen bekräftas av ärendets personliga handläggare på Försäkringskassan."
        )
    named = case.af_officer_id if agency == AgencyCode.AF else case.fk_officer_id
    if named is not None and named != user.pk:
        if agency == AgencyCode.AF:
            return _("Ärendets arbetsförmedlare skriver slutdokumentationen.")
        return _("Ärendets personliga handläggare bekräftar slutdokumentationen.")
    return None


def closing_document_writer_refusal(user, case: Case) -> str | None:
    """Why `user` may not write the case's closing documentation, or None."""
    return _refusal(user, case, AgencyCode.AF)


def closing_document_confirmer_refusal(user, case: Case) -> str | None:
    """Why `user` may not confirm (or send back) the case's closing documentation, or None."""
    return _refusal(user, case, AgencyCode.FK)


def _require(refusal: str | None) -> None:
    if refusal:
        raise ValidationError(refusal)


def _require_not_confirmed(document: ClosingDocument) -> None:
    if document.is_confirmed:
        raise ValidationError(_("Slutdokumentationen är bekräftad och kan inte ändras."))


@transaction.atomic
def closing_document_save(
    *,
    case: Case,
    expected_version: int | None,
    data: dict,
    submit: bool = False,
    context: AccessContext,
    now=None,
) -> ClosingDocument:
    """Write (or change) the case's closing documentation; `submit` sends it to FK for
    confirmation. `expected_version` is the version the writer read, None when they saw no
    document: a document someone else made meanwhile is then a conflict, not overwritten."""
    acting = actor(context)
    now = now or timezone.now()
    # The case's row lock serialises the first save of two writers.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require(closing_document_writer_refusal(acting, locked))
    current = ClosingDocument.objects.filter(case=locked).first()
    if current is None:
        if expected_version is not None:
            raise ConcurrentEditError()
        if locked.start_date is None:
            # Never in samverkan (e.g. not admitted): there is nothing to document (rule 5,
            # cases.models.CLOSING_DOC_DUE).
            raise ValidationError(
                _("Ärendet startade aldrig i samverkan; ingen slutdokumentation behövs.")
            )
        if locked.closing_doc_date:
            # Recorded as a date before documents were kept here: the date stands.
            raise ValidationError(
                _(
                    "Slutdokumentationen för ärendet registrerades %(day)s och kan inte skrivas "
                    "om här."
                )
                % {"day": locked.closing_doc_date.isoformat()}
            )
        current = ClosingDocument(case=locked, created_by=acting)
    else:
        current = lock_for_update(ClosingDocument, current.pk, expected_version)
        if expected_version is None:
            raise ConcurrentEditError()
    _require_not_confirmed(current)
    changed = []
    for field, value in data.items():
        if field not in CLOSING_TEXT_FIELDS:
            raise ValueError(f"{field} is not part of the closing documentation")
        value = (value or "").strip()
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if submit:
        if locked.end_date is None:
            raise ValidationError(
                _(
                    "Ärendet är inte avslutat. Spara slutdokumentationen som utkast och skicka "
                    "den till Försäkringskassan när ärendet har avslutats."
                )
            )
        missing = current.missing_text()
        if missing:
            raise ValidationError({field: MISSING_TEXT[field] for field in missing})
        if current.submitted_at is None or changed:
            current.submitted_at, current.submitted_by = now, acting
            current.returned_at, current.returned_by, current.return_reason = None, None, ""
            changed.append("submitted_at")
    elif changed and current.submitted_at is not None:
        # Changed after it was sent: FK must not confirm a text they have not read.
        current.submitted_at, current.submitted_by = None, None
        changed.append("submitted_at")
    if current.pk is None:
        current.full_clean(validate_constraints=False)
        return save_logged(
            current,
            context=context,
            action=AccessLog.Action.CREATE,
            purpose="slutdokumentation skriven" + (", skickad till FK" if submit else ""),
        )
    if not changed:
        return current
    current.full_clean(validate_constraints=False)
    return save_new_version(current, changed, context=context)


def _awaiting(document: ClosingDocument, acting) -> Case:
    """The document's case, locked, once the acting FK officer may act on the document."""
    case = Case.objects.select_for_update().get(pk=document.case_id)
    _require(closing_document_confirmer_refusal(acting, case))
    _require_not_confirmed(document)
    if document.submitted_at is None:
        raise ValidationError(
            _("Slutdokumentationen är inte skickad till Försäkringskassan för bekräftelse än.")
        )
    return case


@transaction.atomic
def closing_document_return(
    *,
    document: ClosingDocument,
    expected_version: int | None,
    reason: str,
    context: AccessContext,
    now=None,
) -> ClosingDocument:
    """Send the documentation back to AF instead of confirming it, saying what should change."""
    acting = actor(context)
    current = lock_for_update(ClosingDocument, document.pk, expected_version)
    _awaiting(current, acting)
    reason = readable_reason(reason or "")
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Skriv vad som ska ändras, minst %(length)s tecken.")
                % {"length": REASON_MIN_LENGTH}
            }
        )
    current.submitted_at = current.submitted_by = None
    current.returned_at, current.returned_by = now or timezone.now(), acting
    current.return_reason = reason
    return save_new_version(current, ["submitted_at", "returned_at"], context=context)


@transaction.atomic
def closing_document_confirm(
    *,
    document: ClosingDocument,
    expected_version: int | None,
    context: AccessContext,
    today: dt.date | None = None,
    now=None,
) -> ClosingDocument:
    """FK confirms the documentation: it is established today, and the case's closing
    documentation date (the 21-day rule's) becomes today, in this one transaction."""
    acting = actor(context)
    today = today_or(today)
    current = lock_for_update(ClosingDocument, document.pk, expected_version)
    case = _awaiting(current, acting)
    if acting.pk == current.submitted_by_id:
        # One person never writes and confirms for both agencies.
        raise ValidationError(_("Du skickade slutdokumentationen och kan inte bekräfta den."))
    if case.end_date is None or today < case.end_date:
        raise ValidationError(_("Slutdokumentationen bekräftas när ärendet är avslutat."))
    current.confirmed_on = today
    current.confirmed_at = now or timezone.now()
    current.confirmed_by = acting
    current.full_clean(validate_constraints=False)
    save_new_version(current, ["confirmed_on"], context=context)
    # The one writer of Case.closing_doc_date (see the module's docstring).
    case.closing_doc_date = today
    save_new_version(case, ["closing_doc_date"], context=context)
    cases_changed([case.pk])
    return current
