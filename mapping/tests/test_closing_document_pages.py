"""The closing documentation pages (issue 15 point 5): the document as a printable page, AF's
form, FK's confirmation from the document and its sending back, the to-do list's items for
both officers, FK's facts hidden from AF without consent, and 404 for everyone outside."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Case
from cases.services import consent_record
from cases.tests.factories import CaseFactory
from mapping.models import ClosingDocument
from mapping.services import closing_document_save
from samverkan.services import AccessContext
from todo.selectors import todo_items

TODAY = dt.date.today()
FORM = {
    "done": "Arbetsprövning på lager, 50 %.",
    "result": "Klarar 20 timmar i veckan.",
    "situation_at_end": "Inskriven på Arbetsförmedlingen.",
    "recommendations": "Matchning mot lagerarbete på deltid.",
}


def url(name, case):
    return reverse(f"mapping:{name}", args=[case.pk])


@pytest.fixture
def closed(person, fk_officer, af_officer):
    """Ended 16 days ago: the closing documentation is due within the week."""
    return CaseFactory(
        person=person,
        fk_officer=fk_officer,
        af_officer=af_officer,
        phase=Case.Phase.CLOSED,
        start_date=TODAY - dt.timedelta(days=200),
        end_date=TODAY - dt.timedelta(days=16),
        benefit="sjukpenning",
        benefit_end_date=TODAY + dt.timedelta(days=100),
    )


@pytest.fixture
def sent(closed, af_officer):
    return closing_document_save(
        case=closed,
        expected_version=None,
        data=FORM,
        submit=True,
        context=AccessContext.for_user(af_officer),
    )


def kinds(user):
    return {kind: items for kind, items in todo_items(user, today=TODAY).items()}


def field_error(response, field):
    match = re.search(rf'id="id_{field}_error">(.*?)</p>', response.content.decode(), re.S)
    return match.group(1).strip() if match else None


def test_af_writes_a_draft_then_sends_it_from_the_form(closed, af_officer, login):
    client = login(af_officer)
    # given the case page and the AF officer's to-do list lead to the document
    case_page = client.get(reverse("cases:case_detail", args=[closed.pk])).content.decode()
    assert f'href="{url("closing_document", closed)}"' in case_page
    [todo] = kinds(af_officer)["closing_doc"]
    assert todo.url == url("closing_document_edit", closed) and todo.level == "due_soon"

    # when the AF officer saves a draft
    response = client.post(url("closing_document_edit", closed), {**FORM, "result": ""})
    assert response.status_code == 302
    doc = ClosingDocument.objects.get()
    assert doc.state == ClosingDocument.State.DRAFT and doc.done == FORM["done"]
    [todo] = kinds(af_officer)["closing_doc"]
    assert todo.text == "Utkast sparat, inte skickat till Försäkringskassan"

    # and sends it without the result: the field says what is missing, nothing changes
    missing = client.post(
        url("closing_document_edit", closed),
        {**FORM, "result": "", "send": "on", "version": doc.version},
    )
    assert missing.status_code == 200
    assert field_error(missing, "result") == "Beskriv resultatet."
    doc.refresh_from_db()
    assert doc.submitted_at is None and doc.version == 1

    # and then sends it complete
    response = client.post(
        url("closing_document_edit", closed), {**FORM, "send": "on", "version": doc.version}
    )
    assert response["Location"] == url("closing_document", closed)
    doc.refresh_from_db()
    assert doc.awaits_confirmation
    # it leaves the AF officer's list and waits on the FK officer's
    assert "closing_doc" not in kinds(af_officer)


def test_fk_reads_and_confirms_the_document_from_its_page(sent, closed, fk_officer, login):
    client = login(fk_officer)
    [todo] = kinds(fk_officer)["closing_doc_confirm"]
    assert todo.url == url("closing_document", closed)
    assert todo.due == closed.end_date + dt.timedelta(days=21)
    assert "closing_doc" not in kinds(fk_officer)

    page = client.get(todo.url).content.decode()
    assert 'data-testid="closing-confirm"' in page
    assert FORM["recommendations"] in page
    assert f'action="{url("closing_document_confirm", closed)}"' in page

    response = client.post(url("closing_document_confirm", closed), {"version": sent.version})

    assert response["Location"] == url("closing_document", closed)
    closed.refresh_from_db()
    assert closed.closing_doc_date == TODAY
    assert "closing_doc_confirm" not in kinds(fk_officer)
    page = client.get(url("closing_document", closed)).content.decode()
    assert 'data-testid="closing-confirm"' not in page
    signed = re.search(r'data-testid="closing-confirmed">(.*?)</dd>', page, re.S).group(1)
    assert fk_officer.get_full_name() in signed and TODAY.isoformat() in signed


def test_a_stale_confirmation_changes_nothing(sent, closed, fk_officer, af_officer, login):
    # the AF officer changes the text after FK opened the page
    closing_document_save(
        case=closed,
        expected_version=sent.version,
        data={"result": "Ny text."},
        submit=True,
        context=AccessContext.for_user(af_officer),
    )

    response = login(fk_officer).post(
        url("closing_document_confirm", closed), {"version": sent.version}
    )

    assert response.status_code == 200
    assert "har ändrats sedan du öppnade sidan" in response.content.decode()
    closed.refresh_from_db()
    assert closed.closing_doc_date is None


def test_fk_sends_it_back_and_af_sees_why(sent, closed, fk_officer, af_officer, login):
    client = login(fk_officer)
    short = client.post(
        url("closing_document_return", closed), {"version": sent.version, "reason": "nej"}
    )
    assert short.status_code == 200 and "minst 10 tecken" in short.content.decode()

    reason = "Rekommendationerna behöver konkreta yrken."
    response = client.post(
        url("closing_document_return", closed), {"version": sent.version, "reason": reason}
    )

    assert response.status_code == 302
    [todo] = kinds(af_officer)["closing_doc"]
    assert reason in todo.text and fk_officer.get_full_name() in todo.text
    page = login(af_officer).get(url("closing_document", closed)).content.decode()
    assert 'data-testid="closing-returned"' in page and reason in page


def test_the_page_prints_as_the_document(sent, closed, af_officer, login):
    page = login(af_officer).get(url("closing_document", closed)).content.decode()

    # the document's parts, who wrote it "i samråd", the print button, and the page's own
    # navigation and history marked to stay off paper
    assert '<article class="document"' in page
    for text in FORM.values():
        assert text in page
    assert "i samråd med Försäkringskassan" in page
    assert "data-print" in page and "js/print-button.js" in page
    assert page.count('class="no-print"') >= 2
    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    assert re.search(r"@media print \{[^}]*\.no-print", css)


def test_fk_facts_on_the_document_are_hidden_from_af_without_consent(
    sent, closed, af_officer, fk_officer, login
):
    af_page = login(af_officer).get(url("closing_document", closed)).content.decode()
    fk_page = login(fk_officer).get(url("closing_document", closed)).content.decode()

    assert "Sjukpenning" in fk_page and "Förmånstidens slut" in fk_page
    assert "Sjukpenning" not in af_page and "Förmånstidens slut" not in af_page
    assert 'data-testid="fk-hidden"' in af_page
    # the document's own text is the joint document's, read by both
    assert FORM["result"] in af_page and FORM["result"] in fk_page

    consent_record(
        person=closed.person,
        given_on=TODAY - dt.timedelta(days=100),
        covers_sharing=True,
        covers_follow_up=True,
        context=AccessContext.system("test"),
    )
    af_page = login(af_officer).get(url("closing_document", closed)).content.decode()
    assert "Sjukpenning" in af_page and 'data-testid="fk-hidden"' not in af_page


def test_opening_the_document_is_logged(sent, closed, af_officer, login):
    login(af_officer).get(url("closing_document", closed))

    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, object_type="closingdocument", object_id=str(sent.pk)
    ).exists()


def test_others_are_told_why_they_cannot_write_or_confirm(sent, closed, colleague, login):
    client = login(colleague)
    page = client.get(url("closing_document", closed))
    assert page.status_code == 302  # outside the caseload: a reason first
    client.post(
        reverse("cases:person_reason", args=[closed.person_id]),
        {"reason": "Vikarierar för ärendets arbetsförmedlare."},
    )
    page = client.get(url("closing_document", closed)).content.decode()
    assert 'data-testid="closing-write"' not in page
    assert 'data-testid="closing-confirm"' not in page
    form = client.get(url("closing_document_edit", closed)).content.decode()
    assert "Ärendets arbetsförmedlare skriver slutdokumentationen." in form
    refused = client.post(url("closing_document_confirm", closed), {"version": sent.version})
    assert refused.status_code == 200
    closed.refresh_from_db()
    assert closed.closing_doc_date is None


@pytest.mark.parametrize(
    "name",
    [
        "closing_document",
        "closing_document_edit",
        "closing_document_confirm",
        "closing_document_return",
    ],
)
def test_outsider_gets_404_and_changes_nothing(
    sent, closed, outsider, other_coordinator, name, login
):
    for user in (outsider, other_coordinator):
        client = login(user)
        assert client.get(url(name, closed)).status_code == 404
        posted = client.post(
            url(name, closed), {**FORM, "send": "on", "version": sent.version, "reason": "x" * 20}
        )
        assert posted.status_code == 404
    sent.refresh_from_db()
    closed.refresh_from_db()
    assert sent.version == 1 and sent.awaits_confirmation and closed.closing_doc_date is None
