"""The service kernel (samverkan.services): every write says who acts, and is logged as such."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from audit.models import AccessLog
from cases.models import Person
from cases.services import case_update, person_create
from cases.tests.factories import make_personnummer
from samverkan.services import AccessContext, MissingAccessContext

pytestmark = pytest.mark.django_db

NUMBER = make_personnummer(dt.date(1980, 3, 14), serial=123)


def test_a_write_without_a_context_is_refused_by_its_signature(area):
    # given no context at all, when a service is called, then Python refuses the call
    with pytest.raises(TypeError):
        person_create(personnummer=NUMBER, first_name="Eva", last_name="Ek", area=area)
    assert not Person.objects.exists()


def test_a_write_with_an_empty_context_fails_loudly_and_writes_nothing(area):
    # given a caller that passes None (a command that forgot who acts)
    # when the service would write personal data, then it raises and nothing stays written
    with pytest.raises(MissingAccessContext):
        person_create(
            personnummer=NUMBER, first_name="Eva", last_name="Ek", area=area, context=None
        )
    assert not Person.objects.exists()
    assert not AccessLog.objects.exists()


def test_a_request_context_carries_user_address_and_path_into_the_log(area, fk_officer):
    # given a page's request
    request = RequestFactory().post("/personer/ny/", REMOTE_ADDR="10.1.2.3")
    request.user = fk_officer
    # when a service writes through its context
    person = person_create(
        personnummer=NUMBER,
        first_name="Eva",
        last_name="Ek",
        area=area,
        context=AccessContext.from_request(request),
    )
    # then the entry names the officer, the address and the page, and the person who registered
    entry = AccessLog.objects.get(action=AccessLog.Action.CREATE, object_type="person")
    assert (entry.user, entry.ip_address, entry.path) == (fk_officer, "10.1.2.3", "/personer/ny/")
    assert entry.person_id == person.pk
    assert person.registered_by == fk_officer


def test_a_scheduled_job_is_logged_under_its_own_name(case):
    # given the product's own job (no user), when it changes a case, then the log names the job
    case_update(
        case=case,
        expected_version=None,
        data={"af_notes": "Uppföljning"},
        context=AccessContext.system("nattkörning"),
    )
    entry = AccessLog.objects.get(action=AccessLog.Action.UPDATE, object_id=str(case.pk))
    assert entry.user is None
    assert entry.username == "nattkörning"


def test_a_stated_reason_is_kept_with_the_change_it_covers(case, fk_officer):
    # given an officer who stated why they change a record (break the glass, X-Access-Reason)
    request = RequestFactory().patch(f"/api/v1/cases/{case.pk}/")
    request.user = fk_officer
    context = AccessContext.from_request(request, reason="Ersätter sjuk kollega vecka 49")
    # when the change is written, then its log entry names the change and the reason
    case_update(
        case=case, expected_version=None, data={"fk_notes": "Ny läkarbedömning"}, context=context
    )
    entry = AccessLog.objects.get(action=AccessLog.Action.UPDATE, object_id=str(case.pk))
    assert entry.purpose == "ändrade: fk_notes (skäl: Ersätter sjuk kollega vecka 49)"
