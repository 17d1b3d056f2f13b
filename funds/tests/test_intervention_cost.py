"""An intervention's cost (mapping.Intervention.cost, issue 21): only one bought from another
actor has one; it is set on the intervention's edit form through mapping.services."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from mapping.services import intervention_update
from mapping.tests.factories import InterventionFactory
from samverkan.services import AccessContext


@pytest.fixture
def bought(case):
    return InterventionFactory(case=case, provider="purchased", provider_name="Rehabföretaget")


def test_a_purchased_interventions_cost_is_saved_with_history(bought, af_officer):
    context = AccessContext.for_user(af_officer)
    saved = intervention_update(
        intervention=bought, expected_version=bought.version, data={"cost": 12500}, context=context
    )
    assert saved.cost == 12500 and saved.history.first().cost == 12500


def test_an_own_intervention_has_no_cost(case, af_officer):
    own = InterventionFactory(case=case, provider="AF")
    with pytest.raises(ValidationError) as caught:
        intervention_update(
            intervention=own,
            expected_version=own.version,
            data={"cost": 100},
            context=AccessContext.for_user(af_officer),
        )
    assert caught.value.message_dict == {
        "cost": ["Kostnad anges bara för en insats som köps från en annan aktör."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        type(own).objects.filter(pk=own.pk).update(cost=100)


def test_the_edit_page_takes_the_cost(bought, af_officer, login):
    page = login(af_officer).get(reverse("mapping:intervention_edit", args=[bought.pk]))
    assert page.status_code == 200 and 'name="cost"' in page.content.decode()


def test_the_api_sets_and_shows_the_cost(bought, af_officer, login):
    client = login(af_officer)
    url = f"/api/v1/interventions/{bought.pk}/"
    response = client.patch(
        url, {"cost": "12500.50", "version": bought.version}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["cost"] == "12500.50"
    bought.refresh_from_db()
    assert bought.cost == Decimal("12500.50")
