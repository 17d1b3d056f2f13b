"""The valid changes of a closed case's closing documentation (SPEC §4): AF writes and sends it,
FK confirms it or sends it back; for access_change_payloads.PAYLOADS: builder(person, case) ->
(the case, the data sent, a check that the record changed). Data as
mapping/tests/test_closing_document_pages.py sends it; conftest.py's case is closed today first."""

from django.utils import timezone

FORM = {
    "done": "Arbetsprövning på lager, 50 %.",
    "result": "Klarar 20 timmar i veckan.",
    "situation_at_end": "Inskriven på Arbetsförmedlingen.",
    "recommendations": "Matchning mot lagerarbete på deltid.",
}


def _closed(case):
    from cases.services import case_transition
    from samverkan.services import AccessContext

    case_transition(
        case=case,
        to_phase="closed",
        on=timezone.localdate(),
        exit_reason="completed",
        context=AccessContext.system("test"),
    )
    case.refresh_from_db()
    return case


def _sent(case):
    """Written and sent by the case's AF officer: it waits for FK."""
    from mapping.services import closing_document_save
    from samverkan.services import AccessContext

    return closing_document_save(
        case=_closed(case),
        expected_version=None,
        data=FORM,
        submit=True,
        context=AccessContext.for_user(case.af_officer),
    )


def _document(case):
    from mapping.models import ClosingDocument

    return ClosingDocument.objects.filter(case=case).first()


def _edit(person, case):
    def changed():
        document = _document(case)
        return document is not None and document.awaits_confirmation

    return _closed(case), {**FORM, "send": "on"}, changed


def _confirm(person, case):
    document = _sent(case)

    def changed():
        case.refresh_from_db()
        return _document(case).is_confirmed and case.closing_doc_date == timezone.localdate()

    return case, {"version": document.version}, changed


def _return(person, case):
    document = _sent(case)
    data = {"version": document.version, "reason": "Rekommendationerna behöver konkreta yrken."}

    def changed():
        returned = _document(case)
        return returned.returned_at is not None and not returned.awaits_confirmation

    return case, data, changed


CLOSING = {
    "mapping:closing_document_edit": _edit,
    "mapping:closing_document_confirm": _confirm,
    "mapping:closing_document_return": _return,
}
