"""The quality review pages (kvalitetsgranskning, SPEC §5): the area's coordinator draws a
quarter's active cases through the page, sees them in draw order with masked personnummer, and
records the findings per case. Everyone else, and another area's coordinator, gets 404 for a
review or a drawn case and changes nothing (SPEC §7); every page writes the access log."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from audit.models import AccessLog
from cases.tests.factories import CaseFactory, PersonFactory
from reporting.models import QualityReview, QualityReviewItem
from reporting.quality import quality_review_draw
from samverkan.services import AccessContext

TODAY = dt.date(2026, 7, 10)
# Every question of the checklist answered (the form asks each one).
CHECKED = {
    "check_plan": "yes",
    "check_follow_up": "no",
    "check_deadlines": "yes",
    "check_documentation": "na",
    "check_consent": "yes",
}
Q2 = dt.date(2026, 4, 1)
LIST_URL = reverse("reporting:quality_review_list")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(
        dt.datetime(2026, 7, 10, 10, tzinfo=ZoneInfo("Europe/Stockholm")), tick=False
    ):
        yield TODAY


def active_case(area, start=dt.date(2026, 5, 4)):
    return CaseFactory(person=PersonFactory(area=area), start_date=start, referral_date=start)


@pytest.fixture
def q2_cases(area):
    """Six cases of the coordinator's area active in the second quarter of 2026."""
    return [active_case(area, dt.date(2026, 4, 1) + dt.timedelta(days=7 * n)) for n in range(6)]


@pytest.fixture
def review(area, coordinator, q2_cases):
    return quality_review_draw(
        area=area,
        quarter=Q2,
        size=3,
        seed="fast",
        context=AccessContext.for_user(coordinator),
        today=TODAY,
    )


def draw_data(area, **overrides):
    return {"area": area.pk, "quarter": Q2.isoformat(), "size": "3", "seed": "abc", **overrides}


def drawn_case_ids(review):
    return list(review.items.order_by("position").values_list("case_id", flat=True))


def item_state():
    return sorted(
        QualityReviewItem.objects.values_list("pk", "findings", "reviewed_on", "reviewed_by_id")
    )


# --- the coordinator's work -------------------------------------------------------------------


def test_coordinator_draws_through_the_page_and_sees_the_drawn_cases(
    login, area, coordinator, q2_cases
):
    client = login(coordinator)
    # given the draw form offers the last eight quarters that have begun
    form_page = client.get(LIST_URL).content.decode()
    assert '<option value="2026-07-01" selected>2026 kvartal 3</option>' in form_page
    assert '<option value="2024-10-01">2024 kvartal 4</option>' in form_page
    assert "2024-07-01" not in form_page and "2026-10-01" not in form_page
    assert "Samma slumpfrö drar samma ärenden" in form_page

    # when the coordinator draws three cases of the second quarter
    response = client.post(LIST_URL, draw_data(area))

    # then the review is recorded and the page lists the drawn cases in draw order
    review = QualityReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:quality_review_detail", args=[review.pk])
    assert (review.area, review.quarter, review.size, review.seed) == (area, Q2, 3, "abc")
    assert review.drawn_by == coordinator
    drawn = drawn_case_ids(review)
    assert len(drawn) == 3 and set(drawn) <= {c.pk for c in q2_cases}
    body = client.get(response["Location"]).content.decode()
    links = [reverse("cases:case_detail", args=[pk]) for pk in drawn]
    positions = [body.index(f'href="{link}"') for link in links]
    assert positions == sorted(positions)
    assert "abc" in body and "slumpfröet abc" in body
    assert body.count('data-testid="quality-item-row"') == 3
    # and the list shows the review with its quarter, counts, seed and who drew it
    listing = client.get(LIST_URL).content.decode()
    assert "2026 kvartal 2" in listing
    assert coordinator.get_full_name() in listing
    assert listing.count('data-testid="quality-review-row"') == 1


def test_the_same_seed_through_the_form_draws_the_same_cases(login, area, coordinator, q2_cases):
    client = login(coordinator)
    # given a draw with a seed
    client.post(LIST_URL, draw_data(area, seed="samma-frö"))
    # when the draw is made again with the same seed, and once with another
    client.post(LIST_URL, draw_data(area, seed="samma-frö"))
    client.post(LIST_URL, draw_data(area, seed="annat-frö", size="6"))
    # then the same cases come out in the same order
    first, again, other = QualityReview.objects.order_by("pk")
    assert drawn_case_ids(first) == drawn_case_ids(again)
    assert set(drawn_case_ids(other)) == {c.pk for c in q2_cases}


def test_without_a_seed_one_is_chosen_and_shown(login, area, coordinator, q2_cases):
    client = login(coordinator)
    response = client.post(LIST_URL, draw_data(area, seed=""))
    review = QualityReview.objects.get()
    assert review.seed
    assert review.seed in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"size": "0"}, "size", "Dra mellan 1 och 100 ärenden."),
        ({"size": "101"}, "size", "Dra mellan 1 och 100 ärenden."),
        ({"size": "tre"}, "size", "Fyll i ett heltal."),
        ({"quarter": "2026-10-01"}, "quarter", "Välj ett giltigt alternativ."),
        ({"quarter": "2026-05-01"}, "quarter", "Välj ett giltigt alternativ."),
        ({"quarter": "2024-07-01"}, "quarter", "Välj ett giltigt alternativ."),
        ({"seed": "x" * 65}, "seed", "som mest 64 tecken"),
    ],
    ids=["size-0", "size-101", "size-text", "future", "not-a-quarter-start", "too-old", "seed"],
)
def test_bad_draw_input_shows_the_error_at_the_field_and_records_nothing(
    login, area, coordinator, q2_cases, overrides, field, message
):
    response = login(coordinator).post(LIST_URL, draw_data(area, **overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<p class="field-error" id="id_{field}_error">' in body
    assert message in body
    assert not QualityReview.objects.exists()


def test_a_quarter_without_active_cases_shows_the_services_error(login, area, coordinator):
    # given no case of the area was active in the quarter (one started after it)
    active_case(area, start=dt.date(2026, 7, 2))
    # when the coordinator draws
    response = login(coordinator).post(LIST_URL, draw_data(area))
    # then the page says so and nothing is recorded
    assert response.status_code == 200
    assert "Inga aktiva ärenden i området det kvartalet." in response.content.decode()
    assert not QualityReview.objects.exists()


def test_the_draw_form_offers_only_the_coordinators_areas(
    login, area, other_area, coordinator, q2_cases
):
    active_case(other_area, start=dt.date(2026, 5, 1))
    client = login(coordinator)
    assert "Umeå" not in client.get(LIST_URL).content.decode()
    response = client.post(LIST_URL, draw_data(other_area))
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ." in response.content.decode()
    assert not QualityReview.objects.exists()


def test_recording_findings_marks_the_case_reviewed(login, coordinator, review):
    client = login(coordinator)
    item = review.items.order_by("position").first()
    url = reverse("reporting:quality_review_item", args=[item.pk])
    # given the form proposes today as the review date
    page = client.get(url).content.decode()
    assert 'value="2026-07-10"' in page
    assert item.case.person.masked_personnummer in page
    # when the coordinator records the findings
    response = client.post(
        url, {**CHECKED, "findings": "  Planen saknar mål.  ", "reviewed_on": "2026-07-09"}
    )
    # then the case is reviewed, and the review page says by whom and when
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:quality_review_detail", args=[review.pk])
    item.refresh_from_db()
    assert item.findings == "Planen saknar mål."
    assert item.reviewed_on == dt.date(2026, 7, 9)
    assert item.reviewed_by == coordinator
    body = client.get(response["Location"]).content.decode()
    assert body.count('data-testid="quality-reviewed"') == 1
    assert "2026-07-09" in body and coordinator.get_full_name() in body
    listing = client.get(LIST_URL).content.decode()
    assert '<td class="num">1</td>' in listing


def test_the_checklist_is_asked_and_summed_up_on_the_review(login, coordinator, review):
    item = review.items.first()
    client = login(coordinator)
    form = client.get(reverse("reporting:quality_review_item", args=[item.pk])).content.decode()
    assert "Finns en aktuell individuell plan?" in form and 'value="na"' in form
    # the page is named by the case it reviews
    assert f"<h1>Granska Ärende {item.case.pk} – {item.case.person.full_name}</h1>" in form

    unanswered = {k: v for k, v in CHECKED.items() if k != "check_plan"}
    refused = client.post(
        reverse("reporting:quality_review_item", args=[item.pk]),
        {**unanswered, "findings": "Bra", "reviewed_on": "2026-07-09"},
    )
    assert 'id="id_check_plan_error"' in refused.content.decode()

    client.post(
        reverse("reporting:quality_review_item", args=[item.pk]),
        {**CHECKED, "findings": "Bra", "reviewed_on": "2026-07-09"},
    )
    detail = client.get(reverse("reporting:quality_review_detail", args=[review.pk]))
    body = detail.content.decode()
    summary = re.search(r'data-testid="quality-checklist">(.*?)</table>', body, re.S).group(1)
    follow_up = re.search(r"<tr><th scope=\"row\">Har uppföljning.*?</tr>", summary).group(0)
    assert re.findall(r'class="num">(\d+)<', follow_up) == ["0", "1", "0"]  # one "no"
    assert re.search(r'data-testid="quality-noes">1<', body)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"findings": "", "reviewed_on": "2026-07-09"},
            "findings",
            "Skriv vad granskningen visade.",
        ),
        (
            {"findings": "  ", "reviewed_on": "2026-07-09"},
            "findings",
            "Skriv vad granskningen visade.",
        ),
        ({"findings": "Bra", "reviewed_on": ""}, "reviewed_on", "Det här fältet är obligatoriskt."),
        ({"findings": "Bra", "reviewed_on": "2026-07-11"}, "reviewed_on", "i framtiden"),
    ],
    ids=["no-findings", "blank-findings", "no-date", "future-date"],
)
def test_bad_findings_show_the_error_at_the_field_and_change_nothing(
    login, coordinator, review, data, field, message
):
    item = review.items.first()
    before = item_state()
    response = login(coordinator).post(
        reverse("reporting:quality_review_item", args=[item.pk]), {**CHECKED, **data}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<p class="field-error" id="id_{field}_error">' in body
    assert message in body
    assert item_state() == before


def test_the_review_pages_never_show_the_full_personnummer(login, coordinator, review):
    client = login(coordinator)
    items = list(review.items.select_related("case__person"))
    pages = [client.get(reverse("reporting:quality_review_detail", args=[review.pk]))]
    pages += [client.get(reverse("reporting:quality_review_item", args=[i.pk])) for i in items]
    pages.append(client.get(LIST_URL))
    detail = pages[0].content.decode()
    for item in items:
        person = item.case.person
        assert person.masked_personnummer in detail
        for page in pages:
            body = page.content.decode()
            assert person.personnummer not in body
            assert person.formatted_personnummer not in body


# --- everyone else ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["fk_officer", "management", "analyst", "other_coordinator"])
def test_others_get_404_for_reviews_and_drawn_cases_and_change_nothing(
    login, request, area, review, who
):
    client = login(request.getfixturevalue(who))
    item = review.items.first()
    detail = reverse("reporting:quality_review_detail", args=[review.pk])
    item_url = reverse("reporting:quality_review_item", args=[item.pk])
    before = item_state()

    for url in (detail, item_url):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"findings": "x", "reviewed_on": "2026-07-09"}).status_code == 404

    assert item_state() == before
    denied = AccessLog.objects.filter(action=AccessLog.Action.DENIED, area=area)
    assert denied.filter(object_type="qualityreview", object_id=str(review.pk)).count() == 2
    assert denied.filter(object_type="qualityreviewitem", object_id=str(item.pk)).count() == 2


@pytest.mark.parametrize("who", ["fk_officer", "management", "analyst", "outsider"])
def test_others_are_refused_the_list_and_cannot_draw(login, request, area, q2_cases, who):
    """The list page has no object: the refusal is a logged 403, as on the log review."""
    user = request.getfixturevalue(who)
    client = login(user)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(LIST_URL, draw_data(area)).status_code == 403
    assert not QualityReview.objects.exists()
    assert AccessLog.objects.filter(user=user, action=AccessLog.Action.DENIED).count() == 2


def test_another_areas_coordinator_sees_only_their_own_reviews(
    login, other_area, other_coordinator, review
):
    client = login(other_coordinator)
    body = client.get(LIST_URL).content.decode()
    assert 'data-testid="quality-review-row"' not in body
    assert "Södertörn" not in body
    # drawing for the coordinator's own area works; the other area is not on offer
    active_case(other_area)
    response = client.post(LIST_URL, draw_data(other_area))
    assert response.status_code == 302
    assert QualityReview.objects.filter(area=other_area).count() == 1
    assert client.post(LIST_URL, draw_data(review.area)).status_code == 200
    assert QualityReview.objects.count() == 2


def test_the_navigation_shows_quality_review_to_coordinators_only(login, coordinator, fk_officer):
    assert "Kvalitetsgranskning" in login(coordinator).get(LIST_URL).content.decode()
    assert LIST_URL not in login(fk_officer).get("/").content.decode()


# --- the access log ---------------------------------------------------------------------------


def test_every_page_writes_the_access_log(login, area, coordinator, q2_cases):
    client = login(coordinator)
    entries = AccessLog.objects.filter(user=coordinator)

    client.get(LIST_URL)
    assert entries.filter(action=AccessLog.Action.VIEW, object_type="qualityreview").count() == 1

    client.post(LIST_URL, draw_data(area))
    review = QualityReview.objects.get()
    assert entries.filter(
        action=AccessLog.Action.CREATE, object_id=str(review.pk), area=area
    ).exists()

    client.get(reverse("reporting:quality_review_detail", args=[review.pk]))
    assert entries.filter(
        action=AccessLog.Action.VIEW, object_type="qualityreview", object_id=str(review.pk)
    ).exists()

    item = review.items.select_related("case").first()
    url = reverse("reporting:quality_review_item", args=[item.pk])
    client.get(url)
    views = entries.filter(
        action=AccessLog.Action.VIEW, object_type="qualityreviewitem", object_id=str(item.pk)
    )
    assert views.filter(person_id=item.case.person_id, area=area).count() == 1

    client.post(url, {**CHECKED, "findings": "Bra", "reviewed_on": "2026-07-10"})
    assert entries.filter(
        action=AccessLog.Action.UPDATE, object_type="qualityreviewitem", object_id=str(item.pk)
    ).exists()


def test_an_unanswered_question_says_what_to_choose_in_the_summary_too(login, coordinator, review):
    item = review.items.first()
    before = item_state()
    data = {**CHECKED, "findings": "Bra", "reviewed_on": "2026-07-09"}
    question = next(iter(CHECKED))
    del data[question]
    response = login(coordinator).post(
        reverse("reporting:quality_review_item", args=[item.pk]), data
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{question}_error">Välj Ja, Nej eller Ej aktuellt.</p>' in body
    # the question's own question mark ends the label in the summary: no "?:"
    summary = re.search(r'class="error-summary".*?</ul>', body, re.S).group(0)
    assert "? Välj Ja, Nej eller Ej aktuellt." in summary and "?:" not in summary
    assert item_state() == before
