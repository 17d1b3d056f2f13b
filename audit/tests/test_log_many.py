"""The entries of a list or search result are written in one statement, straight from their
values (audit.services): every column as the ORM would have written it, nothing personal in the
free text, and nothing written for an empty list."""

from unittest import mock

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from audit.services import access_log_record_many, access_log_record_subjects
from cases.tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _request(user, path="/arenden/"):
    request = RequestFactory().get(path, REMOTE_ADDR="10.1.2.3")
    request.user = user
    return request


def test_a_page_of_cases_is_one_statement_with_every_column(area, fk_officer):
    cases = [CaseFactory(person=PersonFactory(area=area)) for _ in range(3)]
    outside = cases[1].person_id
    no_objects = mock.patch.object(AccessLog, "__init__", side_effect=AssertionError("object"))
    with CaptureQueriesContext(connection) as captured, no_objects:
        written = access_log_record_many(
            action=AccessLog.Action.VIEW,
            request=_request(fk_officer),
            objects=cases,
            purpose="ärendelista 19850505-4242",
            outside_ids={outside},
        )
    assert written == 3
    # one INSERT, no model objects, no transaction of its own around it
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]
    # what every entry shares (the time, who, the address, the path, the purpose) is sent once
    sql = captured.captured_queries[0]["sql"]
    assert sql.count("'/arenden/'") == 1 and sql.count("'10.1.2.3'") == 1
    assert sql.count("'ärendelista [personnummer]'") == 1
    rows = AccessLog.objects.filter(object_type="case").order_by("object_id")
    assert [(r.object_id, r.person_id, r.area_id, r.outside_caseload, r.purpose) for r in rows] == [
        (str(c.pk), c.person_id, area.pk, c.person_id == outside, "ärendelista [personnummer]")
        for c in sorted(cases, key=lambda c: str(c.pk))
    ]
    first = rows[0]
    assert (first.user_id, first.username, first.action) == (fk_officer.pk, "fk.sdt", "view")
    assert (first.ip_address, first.path) == ("10.1.2.3", "/arenden/")
    assert len({r.occurred_at for r in rows}) == 1 and first.occurred_at.tzinfo is not None


def test_subjects_without_a_user_and_an_empty_list(area):
    with CaptureQueriesContext(connection) as captured:
        assert access_log_record_subjects(action="export", subjects=[], username="x") == 0
    assert captured.captured_queries == []
    written = access_log_record_subjects(
        action=AccessLog.Action.EXPORT,
        subjects=[("person", 7, 7, area.pk, "x" * 10), ("case", "8", None, None, "")],
        username="kommandoraden",
        path="/kommando",
    )
    assert written == 2
    entries = {e.object_id: e for e in AccessLog.objects.filter(username="kommandoraden")}
    assert entries["7"].person_id == 7 and entries["7"].user_id is None
    assert entries["8"].person_id is None and entries["8"].area_id is None
    assert entries["8"].ip_address is None and entries["8"].path == "/kommando"


def test_one_entry_is_written_by_the_same_statement_and_returned_as_read(area, fk_officer):
    from audit.services import access_log_record

    person = PersonFactory(area=area)
    with CaptureQueriesContext(connection) as captured:
        entry = access_log_record(
            action=AccessLog.Action.VIEW,
            request=_request(fk_officer, "/personer/1/"),
            obj=person,
            purpose="eget ärendebestånd",
        )
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]
    assert "RETURNING" in captured.captured_queries[0]["sql"]
    stored = AccessLog.objects.get(pk=entry.pk)
    fields = [f.attname for f in AccessLog._meta.concrete_fields]
    assert [getattr(entry, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert not entry._state.adding and (stored.person_id, stored.area_id) == (person.pk, area.pk)


def test_an_empty_address_is_written_as_none(area):
    from audit.services import access_log_record

    entry = access_log_record(action=AccessLog.Action.EXPORT, username="jobb", client_ip="")
    assert entry.ip_address is None
    assert AccessLog.objects.get(pk=entry.pk).ip_address is None


def test_entries_alike_in_every_column_are_each_written(area, fk_officer):
    # one case shown under two kinds of to-do: two entries, as many as were given
    case = CaseFactory(person=PersonFactory(area=area))
    request = _request(fk_officer, path="/att-gora/")
    before = AccessLog.objects.count()
    written = access_log_record_many(
        action=AccessLog.Action.VIEW, request=request, objects=[case, case], purpose="att göra"
    )
    assert written == 2
    assert AccessLog.objects.count() - before == 2
