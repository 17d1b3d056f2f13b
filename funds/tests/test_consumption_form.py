"""The coordinator's consumption page (funds.views.consumption_entry, funds.services): their
agency's categories only, a stored amount never overwritten unseen, and a change made with the
version the form showed (ADR 0006)."""

from decimal import Decimal

import pytest

from funds.models import ActivityCategory, Consumption

URL = "/statistik/medel/forbrukning/"


@pytest.fixture
def hpl():
    return ActivityCategory.objects.get(code="hpl-fran-2011")


def post(client, area, category, amount, version=0, month="2026-02"):
    return client.post(
        URL,
        {
            "area": area.pk,
            "month": month,
            "category": category.pk,
            "amount": amount,
            "version": version,
        },
    )


def test_a_coordinator_records_and_then_changes_an_amount(coordinator, area, hpl, login):
    client = login(coordinator)
    assert post(client, area, hpl, "2 507 000").status_code == 302
    stored = Consumption.objects.get()
    assert stored.amount == Decimal("2507000") and stored.created_by == coordinator
    # a new amount typed over it without having seen it is refused, next to the field
    response = post(client, area, hpl, "3000")
    assert response.status_code == 200
    assert "Det finns redan ett belopp" in response.content.decode()
    # opened from the list, it is changed: a new version with its history
    page = client.get(URL, {"andra": stored.pk}).content.decode()
    assert 'value="2507000,00"' in page
    assert post(client, area, hpl, "3000", version=stored.version).status_code == 302
    stored.refresh_from_db()
    assert (stored.amount, stored.version, stored.history.count()) == (3000, 2, 2)
    # a form opened before that change is stale
    response = post(client, area, hpl, "4000", version=1)
    assert "Någon annan har ändrat" in response.content.decode()
    stored.refresh_from_db()
    assert stored.amount == 3000


def test_the_other_agencys_categories_and_a_bad_amount_are_refused(coordinator, area, login):
    client = login(coordinator)
    af = ActivityCategory.objects.get(code="aktivitetsstod")
    response = post(client, area, af, "100")
    assert response.status_code == 200 and not Consumption.objects.exists()
    response = post(client, area, ActivityCategory.objects.get(code="hpl-fran-2011"), "tio")
    assert "Ange beloppet i kronor" in response.content.decode()
    response = post(
        client, area, ActivityCategory.objects.get(code="hpl-fran-2011"), "1", month="2099-01"
    )
    assert "Månaden får inte ligga i framtiden." in response.content.decode()
    assert not Consumption.objects.exists()


def test_only_coordinators_reach_the_page(fk_officer, management, login):
    for user in (fk_officer, management):
        assert login(user).get(URL).status_code == 403


def test_an_outsider_coordinator_cannot_open_another_areas_amount(
    coordinator, other_coordinator, area, hpl, login
):
    post(login(coordinator), area, hpl, "100")
    stored = Consumption.objects.get()
    assert login(other_coordinator).get(URL, {"andra": stored.pk}).status_code == 404
    page = login(other_coordinator).get(URL).content.decode()
    assert "Inget registrerat ännu." in page
