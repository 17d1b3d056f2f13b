"""API fuzzing (issue 6 point 6): schemathesis against the project's own OpenAPI schema.

Every operation of `/api/v1/` is called with generated requests (valid and invalid parameters,
headers and bodies) by an FK officer of Södertörn, authenticated with an API token, through the
real WSGI application. Each response must not be a server error and must match the schema: a
documented status code, the documented content type, headers and body.

The schema is the one `/api/v1/schema/` serves (drf-spectacular's generator, public, the same
for every user), built once at import: it needs no database."""

import os
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import api_token_create
from cases.models import Case
from cases.tests.factories import CaseFactory, PersonFactory
from samverkan.wsgi import application

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application
# The coverage phase also calls every path with each method it does not document. PUT and
# DELETE are the ones no resource offers (the API creates with POST and changes with PATCH);
# the full list (GET, POST, PATCH, OPTIONS, TRACE, QUERY as well) took the suite past its time.
# Two phases run here: the schema's own examples and Hypothesis's generated requests. The
# coverage phase (every boundary value of every parameter, every undocumented method) runs
# with `make fuzz`: over 57 operations it takes about three minutes, more than the suite's
# time allows on two cores.
schema.config.phases.coverage.enabled = os.environ.get("FUZZ_COVERAGE") == "1"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Generated examples per operation (Hypothesis's phase).
EXAMPLES = 15

# Cases run per operation, for the README's count (`pytest -s` prints the total).
cases_run: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_cases_run():
    yield
    if cases_run:
        print(f"\nschemathesis: {cases_run.total()} cases over {len(cases_run)} operations")


@pytest.fixture
def wsgi_in_test_transaction(db):
    """The WSGI handler closes "old" connections at the start and end of each request, which
    inside the test's transaction would close the connection and lose the fixture data. Django's
    own test client disconnects the same receivers for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(
    wsgi_in_test_transaction, fk_officer, af_officer, colleague, area, outsider, other_area
):
    """An FK officer with a caseload (open and closed cases), a person of the area outside it
    and a person of another area, so that lists are not empty and detail ids can be out of
    reach; the secret of the officer's token."""
    for _ in range(3):
        CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer, af_officer=af_officer)
    CaseFactory(person=PersonFactory(area=area), fk_officer=fk_officer, phase=Case.Phase.CLOSED)
    CaseFactory(person=PersonFactory(area=area), af_officer=colleague)
    CaseFactory(person=PersonFactory(area=other_area), fk_officer=outsider)
    _token, secret = api_token_create(user=fk_officer, name="Fuzzing")
    return secret


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_operation_answers_as_documented(case, officer_token):
    cases_run[case.operation.label] += 1
    case.call_and_validate(headers={"Authorization": f"Token {officer_token}"}, checks=CHECKS)


@pytest.fixture
def coordinator_token(wsgi_in_test_transaction, coordinator):
    _token, secret = api_token_create(user=coordinator, name="Fuzzing")
    return secret


@schema.include(path_regex="^/api/v1/imports/").parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_import_as_coordinator_answers_as_documented(case, coordinator_token):
    """The officer above is refused every import (403); a coordinator's uploads reach the
    file checks. Everything written is rolled back with the test's transaction."""
    cases_run[f"{case.operation.label} (samordnare)"] += 1
    case.call_and_validate(headers={"Authorization": f"Token {coordinator_token}"}, checks=CHECKS)


def test_every_operation_documents_the_personnummer_refusal():
    # Found by the fuzzing: a query that happens to look like a personnummer is refused by
    # audit.middleware with a plain-text 400, on any operation.
    document = SchemaGenerator().get_schema(request=None, public=True)
    for operations in document["paths"].values():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                assert "text/plain" in operation["responses"]["400"]["content"], method
