"""The same error summary on every form (issue 14 point 5): what is wrong listed at the top,
each linked to its field, and the focus moved there after a failed submit (static/js
/error-focus.js, loaded on every page)."""

import re

import pytest
from django.urls import reverse

from cases.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def summary(response) -> str:
    body = response.content.decode()
    found = re.search(r'<div class="error-summary" role="alert".*?</div>', body, re.S)
    assert found, "no error summary on the page"
    return found.group(0)


def test_the_break_the_glass_page_summarises_a_short_reason(area, colleague, login):
    person = PersonFactory(area=area)
    response = login(colleague).post(
        reverse("cases:person_reason", args=[person.pk]), {"reason": "kort"}
    )
    assert response.status_code == 200
    assert '<a href="#id_reason">' in summary(response)
    assert "Kontrollera uppgifterna" in summary(response)


def test_the_login_page_summarises_a_refused_login(db, client):
    response = client.post(reverse("accounts:login"), {"username": "ingen", "password": "fel"})
    # a login saves nothing: the summary asks to check the details instead
    assert '<h2 id="error-summary-title">Kontrollera uppgifterna</h2>' in summary(response)


def test_every_page_loads_the_focus_script(fk_officer, login):
    body = login(fk_officer).get(reverse("home")).content.decode()
    assert '<script src="/static/js/error-focus.js" defer></script>' in body
