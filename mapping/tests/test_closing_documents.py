"""The closing documentation as a document (SPEC §3 rule 5, issue 15 point 5): the AF officer
writes it "i samråd med Försäkringskassan", the FK officer of the case confirms it, and the day
of the confirmation is the case's closing documentation date, the one the 21-day rule reads.
The services here; the pages in test_closing_document_pages.py."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from audit.models import AccessLog
from cases.flags import case_flag_inputs, case_flags, rules_for
from cases.models import Case
from cases.tests.factories import CaseFactory
from mapping.models import ClosingDocument
from mapping.services import (
    closing_document_confirm,
    closing_document_return,
    closing_document_save,
)
from samverkan.services import AccessContext, ConcurrentEditError

TODAY = dt.date.today()
TEXT = {
    "done": "Arbetsprövning på lager, 50 %, med handledare.",
    "result": "Klarar 20 timmar i veckan i lätt fysiskt arbete.",
    "situation_at_end": "Inskriven på Arbetsförmedlingen, ingen ersättning från FK.",
    "recommendations": "Matchning mot lagerarbete på deltid; undvik tunga lyft.",
}


def ctx(user):
    return AccessContext.for_user(user)


@pytest.fixture
def closed(person, fk_officer, af_officer):
    """A case that ended ten days ago, without closing documentation."""
    return CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        phase=Case.Phase.CLOSED,
        start_date=TODAY - dt.timedelta(days=200),
        end_date=TODAY - dt.timedelta(days=10),
    )


def write(case, user, *, submit=False, version=None, **text):
    return closing_document_save(
        case=case,
        expected_version=version,
        data={**TEXT, **text},
        submit=submit,
        context=ctx(user),
    )


def flag_codes(case, today=TODAY):
    case = Case.objects.get(pk=case.pk)
    inputs = case_flag_inputs([case])[case.pk]
    return {f.code for f in case_flags(case, today=today, rules=rules_for(case), **inputs)}


def test_af_writes_fk_confirms_and_the_confirmation_day_is_the_case_s_date(
    closed, fk_officer, af_officer
):
    # given the 21-day rule flags the ended case
    assert "closing_doc_due" in flag_codes(closed)

    # when the AF officer writes and sends the document, and the FK officer confirms it
    doc = write(closed, af_officer, submit=True)
    assert doc.awaits_confirmation and doc.submitted_by == af_officer
    closed.refresh_from_db()
    assert closed.closing_doc_date is None  # sending is not confirming
    confirmed = closing_document_confirm(
        document=doc, expected_version=doc.version, context=ctx(fk_officer)
    )

    # then the document is confirmed today, the case carries that date, and the flag is gone
    assert confirmed.confirmed_on == TODAY and confirmed.confirmed_by == fk_officer
    closed.refresh_from_db()
    assert closed.closing_doc_date == TODAY
    assert "closing_doc_due" not in flag_codes(closed)
    # with history naming who did what, for the document and the case
    assert doc.history.count() == 2 and doc.history.first().history_user == fk_officer
    assert closed.history.first().history_user == fk_officer
    assert closed.history.first().closing_doc_date == TODAY
    # and the access log has the writing, the confirmation and the case's new date
    logged = AccessLog.objects.filter(object_type__in=["closingdocument", "case"])
    assert {(e.object_type, e.action) for e in logged} >= {
        ("closingdocument", AccessLog.Action.CREATE),
        ("closingdocument", AccessLog.Action.UPDATE),
        ("case", AccessLog.Action.UPDATE),
    }


def test_a_draft_can_be_written_before_the_end_but_not_sent(person, fk_officer, af_officer):
    running = CaseFactory(person=person, fk_officer=fk_officer, af_officer=af_officer)

    draft = write(running, af_officer, result="")
    with pytest.raises(ValidationError, match="inte avslutat"):
        write(running, af_officer, submit=True, version=draft.version)

    draft.refresh_from_db()
    assert draft.submitted_at is None and draft.result == "" and draft.version == 1


def test_every_part_must_be_written_before_it_is_sent(closed, af_officer):
    draft = write(closed, af_officer, result="", recommendations="  ")

    with pytest.raises(ValidationError) as missing:
        write(closed, af_officer, submit=True, version=draft.version, result="", recommendations="")

    assert set(missing.value.message_dict) == {"result", "recommendations"}
    assert "Beskriv resultatet." in missing.value.message_dict["result"]
    draft.refresh_from_db()
    assert draft.submitted_at is None and draft.version == 1


def test_only_the_case_s_af_officer_writes_and_only_its_fk_officer_confirms(
    closed, fk_officer, af_officer, colleague, coordinator
):
    # an AF colleague, the FK officer and the coordinator cannot write
    for user in (colleague, fk_officer, coordinator):
        with pytest.raises(ValidationError):
            write(closed, user)
    assert not ClosingDocument.objects.exists()

    doc = write(closed, af_officer, submit=True)
    # the AF officer and the coordinator cannot confirm it
    for user in (af_officer, coordinator):
        with pytest.raises(ValidationError, match="Försäkringskassan|personliga handläggare"):
            closing_document_confirm(document=doc, expected_version=doc.version, context=ctx(user))
    doc.refresh_from_db()
    assert doc.confirmed_on is None
    closed.refresh_from_db()
    assert closed.closing_doc_date is None


def test_without_a_named_officer_any_officer_of_that_agency_in_the_area_acts(
    person, fk_officer, colleague
):
    case = CaseFactory(
        person=person,
        fk_officer=None,
        af_officer=None,
        phase=Case.Phase.CLOSED,
        start_date=TODAY - dt.timedelta(days=100),
        end_date=TODAY - dt.timedelta(days=3),
    )

    doc = write(case, colleague, submit=True)
    closing_document_confirm(document=doc, expected_version=doc.version, context=ctx(fk_officer))

    case.refresh_from_db()
    assert case.closing_doc_date == TODAY


def test_a_document_changed_after_it_was_sent_waits_to_be_sent_again(
    closed, fk_officer, af_officer
):
    doc = write(closed, af_officer, submit=True)

    changed = write(closed, af_officer, version=doc.version, result="Arbetar 30 timmar i veckan.")

    assert changed.submitted_at is None and not changed.awaits_confirmation
    with pytest.raises(ValidationError, match="inte skickad"):
        closing_document_confirm(
            document=changed, expected_version=changed.version, context=ctx(fk_officer)
        )


def test_fk_sends_it_back_with_what_should_change(closed, fk_officer, af_officer):
    doc = write(closed, af_officer, submit=True)

    with pytest.raises(ValidationError) as short:
        closing_document_return(
            document=doc, expected_version=doc.version, reason="nej", context=ctx(fk_officer)
        )
    assert "reason" in short.value.message_dict
    doc.refresh_from_db()
    assert doc.awaits_confirmation

    returned = closing_document_return(
        document=doc,
        expected_version=doc.version,
        reason="Beskriv ersättningen vid avslut.",
        context=ctx(fk_officer),
    )

    assert returned.state == ClosingDocument.State.RETURNED
    assert returned.return_reason == "Beskriv ersättningen vid avslut."
    # sent again, the request is answered
    again = write(closed, af_officer, submit=True, version=returned.version)
    assert again.awaits_confirmation and again.return_reason == "" and again.returned_at is None


def test_a_confirmed_document_is_never_changed(closed, fk_officer, af_officer):
    doc = write(closed, af_officer, submit=True)
    doc = closing_document_confirm(
        document=doc, expected_version=doc.version, context=ctx(fk_officer)
    )

    with pytest.raises(ValidationError, match="bekräftad och kan inte ändras"):
        write(closed, af_officer, version=doc.version, result="Ändrat i efterhand.")

    doc.refresh_from_db()
    assert doc.result == TEXT["result"]


def test_a_stale_form_is_a_conflict_not_an_overwrite(closed, af_officer):
    write(closed, af_officer)

    # a second writer who saw no document, or an older version
    with pytest.raises(ConcurrentEditError):
        write(closed, af_officer, version=None, done="Skrivet samtidigt.")
    with pytest.raises(ConcurrentEditError):
        closing_document_save(
            case=closed,
            expected_version=7,
            data={"done": "Gammal version."},
            context=ctx(af_officer),
        )

    assert ClosingDocument.objects.get().done == TEXT["done"]


def test_a_date_recorded_before_documents_were_kept_here_stands(closed, af_officer):
    Case.objects.filter(pk=closed.pk).update(closing_doc_date=TODAY - dt.timedelta(days=2))

    with pytest.raises(ValidationError, match="registrerades"):
        write(closed, af_officer)

    assert not ClosingDocument.objects.exists()


def test_a_case_that_never_started_needs_no_document(person, af_officer):
    never = CaseFactory(
        person=person,
        af_officer=af_officer,
        phase=Case.Phase.CLOSED,
        start_date=None,
        referral_date=TODAY - dt.timedelta(days=30),
        end_date=TODAY - dt.timedelta(days=20),
        exit_reason="other",
    )

    with pytest.raises(ValidationError, match="startade aldrig"):
        write(never, af_officer)
