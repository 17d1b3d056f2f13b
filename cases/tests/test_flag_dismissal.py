"""Suggestions an officer marks not relevant, and rules broken in the past shown as deviations
(issue 14 point 2): the mark needs a reason, is logged and kept in the case's history, and the
suggestion is no longer shown; a rule (not a suggestion) cannot be dismissed."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from audit.models import AccessLog
from cases.flags import case_flag_inputs, case_flags
from cases.models import FlagDismissal
from cases.tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def sick_case(area, fk_officer):
    """On sjukpenning for 100 days; return to the employer before day 181 unlikely: a
    kontaktmöte is suggested, due on day 181."""
    return CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        benefit="sjukpenning",
        sick_leave_start=TODAY() - dt.timedelta(days=100),
        return_unlikely_before_181=True,
        benefit_end_date=TODAY() + dt.timedelta(days=700),
    )


def codes(case):
    inputs = case_flag_inputs([case])[case.pk]
    return {flag.code for flag in case_flags(case, today=TODAY(), **inputs)}


def dismiss_url(case, code="contact_meeting_due"):
    return reverse("cases:flag_dismiss", args=[case.pk, code])


def test_the_case_page_offers_to_mark_a_suggestion_not_relevant(sick_case, fk_officer, login):
    body = login(fk_officer).get(reverse("cases:case_detail", args=[sick_case.pk])).content
    flag = re.search(r'data-flag="contact_meeting_due">(.*?)</li>', body.decode(), re.S).group(1)
    assert f'href="{dismiss_url(sick_case)}"' in flag and "Inte aktuellt" in flag
    follow_up = re.search(r'data-flag="follow_up_due">(.*?)</li>', body.decode(), re.S).group(1)
    assert "Inte aktuellt" not in follow_up  # a rule, not a suggestion


def test_a_reason_is_needed_and_nothing_changes_without_it(sick_case, fk_officer, login):
    response = login(fk_officer).post(dismiss_url(sick_case), {"reason": "nej"})

    assert response.status_code == 200
    assert "minst 10 tecken" in response.content.decode()
    assert not FlagDismissal.objects.exists()
    assert "contact_meeting_due" in codes(sick_case)


def test_marked_not_relevant_the_suggestion_goes_and_the_reason_stays(sick_case, fk_officer, login):
    client = login(fk_officer)
    reason = "Arbetsgivaren har lagts ned, ingen återgång är möjlig."

    response = client.post(dismiss_url(sick_case), {"reason": reason})

    assert response.status_code == 302
    assert "contact_meeting_due" not in codes(sick_case)
    entry = AccessLog.objects.get(action=AccessLog.Action.UPDATE, object_id=str(sick_case.pk))
    assert entry.purpose == "förslag inte aktuellt: Erbjud kontaktmöte"
    page = client.get(reverse("cases:case_detail", args=[sick_case.pk])).content.decode()
    history = client.get(reverse("cases:case_history", args=[sick_case.pk])).content.decode()
    history = history.split('id="history-h"')[1]
    assert "Markerat inte aktuellt" in history and reason in history
    assert 'data-flag="contact_meeting_due"' not in page
    # a second time is refused on the form
    again = client.post(dismiss_url(sick_case), {"reason": reason})
    assert "redan markerat" in again.content.decode()
    assert FlagDismissal.objects.count() == 1


def test_a_rule_cannot_be_dismissed_and_an_outsider_gets_404(
    sick_case, fk_officer, outsider, login
):
    assert login(fk_officer).get(dismiss_url(sick_case, "follow_up_due")).status_code == 404
    response = login(outsider).post(dismiss_url(sick_case), {"reason": "x" * 20})
    assert response.status_code == 404
    assert not FlagDismissal.objects.exists()


def test_a_start_made_late_is_a_deviation_on_the_case_page(area, fk_officer, login):
    start = TODAY() - dt.timedelta(days=10)
    case = CaseFactory(
        person=PersonFactory(area=area),
        fk_officer=fk_officer,
        referral_date=start - dt.timedelta(days=20),
        start_date=start,
    )

    body = login(fk_officer).get(reverse("cases:case_detail", args=[case.pk])).content.decode()

    deviations = re.search(r'data-testid="deviations">(.*?)</ul>', body, re.S).group(1)
    assert "Behovsanalysen startade 20 dagar efter beredningsgruppen (högst 14)." in deviations
    assert 'data-flag="started_late"' not in body


def test_the_flags_speak_english_in_the_english_interface(sick_case):
    with override("en"):
        inputs = case_flag_inputs([sick_case])[sick_case.pk]
        flags = {f.code: f for f in case_flags(sick_case, today=TODAY(), **inputs)}
        wording = flags["contact_meeting_due"].wording
        short = flags["follow_up_due"].short
        level = flags["contact_meeting_due"].level_label
    assert wording.startswith("Offer a contact meeting before day 181")
    assert short == "Follow-up" and level == "Info"
