"""Issue 15 point 2: the referrals not admitted beside the admitted ones, by target group,
priority group, sex and reason, per area and period, figures computed by hand; suppressed for
the management group like every aggregate; another area's figures never included."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Phase
from cases.tests.factories import CaseFactory, PersonFactory
from preparation import services
from preparation.models import Decision, Reason
from reporting.metrics.referrals import referral_decisions
from samverkan.services import AccessContext

HELD = dt.date.today().replace(day=1)


def present(session, user, area, *, sex, target_group, decision, reason, young=False):
    birth = dt.date(2000, 1, 1) if young else dt.date(1970, 1, 1)
    person = PersonFactory(area=area, sex=sex, birth_date=birth)
    case = CaseFactory(
        person=person,
        phase=Phase.REFERRED,
        start_date=None,
        referral_date=HELD,
        target_group=target_group,
    )
    referral = services.referral_add(
        session=session, case=case, context=AccessContext.for_user(user)
    )
    services.referral_decide(
        referral=referral,
        expected_version=None,
        decision=decision,
        reason=reason,
        reason_text="Skäl i ord.",
        priority_young=young,
        context=AccessContext.for_user(user),
    )


@pytest.fixture
def decided(area, other_area, coordinator, other_coordinator):
    """Södertörn: 7 presented. Admitted: 3 women sick_unemployed (one young). Not admitted:
    2 men unemployed_sickness_comp (not target group), 1 woman sick_unemployed (declined).
    Postponed: 1 man sick_unemployed (more information). Umeå: 2 not admitted (not counted)."""
    session = services.session_create(
        area=area, held_on=HELD, context=AccessContext.for_user(coordinator)
    )
    su, uc = "sick_unemployed", "unemployed_sickness_comp"
    for young in (True, False, False):
        present(
            session,
            coordinator,
            area,
            sex="K",
            target_group=su,
            decision=Decision.ADMITTED,
            reason=Reason.CRITERIA_MET,
            young=young,
        )
    for _ in range(2):
        present(
            session,
            coordinator,
            area,
            sex="M",
            target_group=uc,
            decision=Decision.NOT_ADMITTED,
            reason=Reason.NOT_TARGET_GROUP,
        )
    present(
        session,
        coordinator,
        area,
        sex="K",
        target_group=su,
        decision=Decision.NOT_ADMITTED,
        reason=Reason.DECLINED,
    )
    present(
        session,
        coordinator,
        area,
        sex="M",
        target_group=su,
        decision=Decision.POSTPONED,
        reason=Reason.MORE_INFORMATION,
    )
    elsewhere = services.session_create(
        area=other_area, held_on=HELD, context=AccessContext.for_user(other_coordinator)
    )
    for _ in range(2):
        present(
            elsewhere,
            other_coordinator,
            other_area,
            sex="K",
            target_group=su,
            decision=Decision.NOT_ADMITTED,
            reason=Reason.DECLINED,
        )
    return session


def counts(row):
    return (
        row["total"],
        row["counts"]["admitted"],
        row["counts"]["not_admitted"],
        row["counts"]["postponed"],
    )


def test_the_figures_match_the_hand_count(decided, area):
    rows = referral_decisions(area_ids=[area.pk], months=[HELD])["rows"]

    assert counts(rows["total"]["total"]) == (7, 3, 3, 1)
    assert counts(rows["target_group"]["sick_unemployed"]) == (5, 3, 1, 1)
    assert counts(rows["target_group"]["unemployed_sickness_comp"]) == (2, 0, 2, 0)
    assert counts(rows["sex"]["K"]) == (4, 3, 1, 0)
    assert counts(rows["sex"]["M"]) == (3, 0, 2, 1)
    assert counts(rows["priority_group"]["young"]) == (1, 1, 0, 0)
    assert counts(rows["priority_group"]["none"]) == (6, 2, 3, 1)
    assert counts(rows["reason"]["not_target_group"]) == (2, 0, 2, 0)
    assert counts(rows["reason"]["declined"]) == (1, 0, 1, 0)
    assert rows["total"]["total"]["shares"]["not_admitted"] == pytest.approx(42.9)
    # the next month: nobody
    nothing = referral_decisions(area_ids=[area.pk], months=[HELD.replace(year=HELD.year + 1)])
    assert counts(nothing["rows"]["total"]["total"]) == (0, 0, 0, 0)


def test_the_page_shows_exact_figures_to_the_coordinator_and_suppressed_to_management(
    decided, coordinator, management, login
):
    url = reverse("reporting:referral_report")
    month = f"{HELD:%Y-%m}"
    exact = login(coordinator).get(url, {"start": month, "end": month}).content.decode()
    assert "7 upptagna" in exact and "2 (100 %)" in exact  # two not in the target group

    hidden = login(management).get(url, {"start": month, "end": month}).content.decode()
    assert "7 upptagna" in hidden
    assert "2 (100 %)" not in hidden and "&lt;5" in hidden


def test_another_area_is_never_counted_and_bad_input_says_why(
    decided, area, other_area, login, other_coordinator
):
    url = reverse("reporting:referral_report")
    month = f"{HELD:%Y-%m}"
    page = login(other_coordinator).get(url, {"start": month, "end": month}).content.decode()
    assert "2 upptagna" in page and "7 upptagna" not in page
    # an area outside the reader's is not a choice
    refused = login(other_coordinator).get(url, {"area": area.pk, "start": month, "end": month})
    assert refused.status_code == 200 and "7 upptagna" not in refused.content.decode()
    assert 'id="id_area_error"' in refused.content.decode()
    backwards = login(other_coordinator).get(url, {"start": "2026-05", "end": "2026-01"})
    assert 'id="id_end_error"' in backwards.content.decode()
