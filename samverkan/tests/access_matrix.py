"""The declared access matrix (SPEC §7, OWASP ASVS 4.2.1), read by test_access_matrix.py.

For every route of the project: the object its address names, the methods its view allows and,
for each of them and for one method it does not allow (the probe), what each role gets: the
status code and the number of access-log rows the call writes ("200/1": the page, one row).
A route missing here fails the test, and so does a route declared here that no longer exists.

The data is conftest.py's: a person of area "sdt" with a case whose FK and AF officers form
the team; a colleague of the area outside that caseload; the area's coordinator and management
group; the national analyst; an FK officer of another area (outsider); a system administrator
(Django staff, no area); the steering chain of issue 20: a regional manager (FK
verksamhetsområdeschef) whose region holds "sdt", and the national samverkansgrupp. Both see
aggregates only, as the analyst does (a person's page: 404, logged): the regional manager their
regions' areas' figures, work plans and deviation reports, and records the dialogue on an
escalated report; the national group every area's, decides the work plans and alone opens
/nationellt/. Forms are sent empty, so every POST is bad input: it must change nothing, and
the page answers with the form again (200, or 400 from the API).

What the rows count: a read of a person's data is one row per object shown; a refusal (403,
404 of another area's object, 401 from the API) is one "denied" row; a page about no one and a
405 write none. Long because it is one table: a row for each of the project's routes."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "fk_officer",
    "af_officer",
    "colleague",
    "coordinator",
    "management",
    "analyst",
    "outsider",
    "admin",
    "regional",
    "national",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# --- rows: one cell per role, in the order of ROLES -------------------------------------------

NOT_ALLOWED = "302/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0"
CASE_PAGE = "302/0 200/1 200/1 302/1 200/1 404/1 404/1 404/1 404/1 404/1 404/1"
API_NOT_ALLOWED = "401/1 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0"
API_AGGREGATE_NOT_ALLOWED = "401/1 405/0 405/0 405/0 405/0 405/0 405/0 405/0 403/1 405/0 405/0"
API_CASE_ACTION = "401/1 400/1 400/1 403/1 400/1 403/1 403/1 404/1 403/1 403/1 403/1"
REDIRECT = "302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0"
STAFF_PAGE = "302/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0"
API_CASE_OBJECT = "401/1 200/1 200/1 403/1 200/1 404/1 404/1 404/1 404/1 404/1 404/1"
API_CASE_LIST = "401/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1"
API_CASE_CREATE = "401/1 400/0 400/0 400/0 400/0 403/1 403/1 400/0 403/1 403/1 403/1"
API_AGGREGATES = "401/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1 403/1 200/1 200/1"
DEVIATION_WORK = "302/0 404/1 404/1 404/1 200/1 200/1 404/1 404/1 404/1 404/1 404/1"
CASE_ACCESS_PAGE = "302/0 200/0 200/0 200/0 200/0 403/1 403/1 200/0 403/1 403/1 403/1"
COORDINATOR_PAGE = "302/0 403/1 403/1 403/1 200/1 403/1 403/1 403/1 403/1 403/1 403/1"
COORDINATOR_FORM = "302/0 403/1 403/1 403/1 200/0 403/1 403/1 403/1 403/1 403/1 403/1"
QUALITY_REVIEW = "302/0 404/1 404/1 404/1 200/1 404/1 404/1 404/1 404/1 404/1 404/1"
API_DEVIATION_ACTION = "401/1 403/2 403/2 403/2 400/1 400/1 403/2 404/1 403/1 403/2 403/2"
# The dialogue held on an escalated report: the area's management group and the regional managers.
API_DEVIATION_DIALOGUE = "401/1 403/2 403/2 403/2 400/1 400/1 403/2 404/1 403/1 400/1 403/2"
PREPARATION_PAGE = "302/0 200/1 200/1 200/1 200/1 404/1 404/1 404/1 404/1 404/1 404/1"
LOGIN_PAGE = "200/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0"
API_AREA_AGGREGATE = "401/1 200/1 200/1 200/1 200/1 200/1 200/1 404/1 403/1 200/1 200/1"
API_STAFF = "401/1 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0"
API_EXPORT = "401/1 200/2 200/2 200/1 200/2 403/1 200/2 200/1 403/1 403/1 403/1"
REPORT_PAGE = "302/0 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/0 200/1 200/1"
API_COORDINATOR_CREATE = "401/1 403/1 403/1 403/1 400/0 403/1 403/1 403/1 403/1 403/1 403/1"
CASE_MOVE = "302/0 403/1 403/1 403/1 200/1 404/1 404/1 404/1 404/1 404/1 404/1"
CONSENT_CONFIRM = "302/0 302/1 302/1 302/1 302/1 404/1 404/1 404/1 404/1 404/1 404/1"
REASON_PAGE = "302/0 302/0 302/0 200/0 302/0 404/1 404/1 404/1 404/1 404/1 404/1"
OWN_EXPORT_JOB = "302/0 200/0 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1"
EXPORT_FORM = "302/0 200/0 200/0 200/0 200/0 403/1 200/0 200/0 403/1 403/1 403/1"
HOME = "302/0 200/1 200/1 200/0 200/1 302/0 302/0 200/0 200/0 302/0 302/0"
IMPORT_JOB = "302/0 403/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1"
SSO_OFF = "404/0 404/0 404/0 404/0 404/0 404/0 404/0 404/0 404/0 404/0 404/0"
OPEN_NOT_ALLOWED = "405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0 405/0"
# A page that only reads lets a POST through to the access check, so that an outsider's POST
# answers 404 like their GET; the object is fetched, and its read logged, before the 405.
READ_ONLY_POST = "302/0 405/1 405/1 302/1 405/1 404/1 404/1 404/1 404/1 404/1 404/1"
SEARCH = "302/0 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1"
OPEN = "200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0 200/0"
ADMIN_PAGE = "302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 200/0 302/0 302/0"
ADMIN_NOT_ALLOWED = "302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 405/0 302/0 302/0"
PREPARATION_ACTION = "302/0 302/0 302/0 302/0 302/0 404/1 404/1 404/1 404/1 404/1 404/1"
PREPARATION_FORM = "302/0 200/0 200/0 200/0 200/0 404/1 404/1 404/1 404/1 404/1 404/1"
STATISTICS_PAGE = "302/0 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1 200/1"
WORK_PLAN_FORM = "302/0 404/1 404/1 404/1 200/0 404/1 404/1 404/1 404/1 404/1 404/1"


@dataclass(frozen=True)
class Route:
    obj: str | None
    allowed: dict[str, str]
    probe: tuple[str, str]
    # Form data sent with POST instead of an empty form (a search that finds the person).
    data: dict = field(default_factory=dict)

    def calls(self):
        """(method, row) in the order they are made: the probe first, so a method that ends
        the session (logout) runs after it."""
        yield self.probe
        yield from self.allowed.items()


def R(obj=None, *, probe, data=None, **allowed):  # noqa: N802 (reads as a table row)
    assert probe[0] not in allowed and set(allowed) <= set(METHODS), (allowed, probe)
    return Route(obj=obj, allowed=allowed, probe=probe, data=data or {})


def cells(row: str) -> dict[str, tuple[int, int]]:
    values = row.split()
    assert len(values) == len(ROLES), row
    return {
        role: (int(status), int(rows))
        for role, (status, rows) in zip(ROLES, (v.split("/") for v in values), strict=True)
    }


# fmt: off
ROUTES = {
    # A load balancer's probes: open to all. Readiness answers 503 here, where no Celery worker
    # is running (samverkan/tests/test_health.py covers its checks).
    "healthz": R(GET=OPEN, probe=("POST", OPEN_NOT_ALLOWED)),
    "readyz": R(GET="503/0 " * len(ROLES), probe=("POST", OPEN_NOT_ALLOWED)),
    # Prometheus with its bearer token only: without one (none is configured here) 404 for all.
    "metrics": R(GET="404/0 " * len(ROLES), probe=("POST", "404/0 " * len(ROLES))),
    # A password reset link (sent by an administrator): an invalid link says so, whatever the
    # method (Django's PasswordResetConfirmView), and shows no account.
    "accounts:password_reset_confirm": R(GET=OPEN, POST=OPEN, probe=("DELETE", OPEN)),
    "accounts:password_reset_complete": R(GET=OPEN, probe=("POST", OPEN_NOT_ALLOWED)),
    # The organisation's files: administrators only; everyone else to the admin's login.
    "imports:organisation": R(GET=ADMIN_PAGE, POST=ADMIN_PAGE, probe=("DELETE", ADMIN_NOT_ALLOWED)),
    # The login and password forms take GET and POST only (Django's would take PUT as POST); a
    # signed-in user is sent on from the login page whatever the method.
    "accounts:login": R(GET=LOGIN_PAGE, POST=LOGIN_PAGE, probe=("PUT", "405/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0 302/0")),
    "accounts:logout": R(POST="302/0 302/1 302/1 302/1 302/1 302/1 302/1 302/1 302/1 302/1 302/1", probe=("DELETE", NOT_ALLOWED)),
    "accounts:password_change": R(GET=STAFF_PAGE, POST=STAFF_PAGE, probe=("PUT", NOT_ALLOWED)),
    "accounts:password_change_done": R(GET=STAFF_PAGE, probe=("POST", NOT_ALLOWED)),
    "accounts:second_factor": R(GET=REDIRECT, POST=REDIRECT, probe=("DELETE", REDIRECT)),
    "accounts:second_factor_enrol": R(GET=REDIRECT, POST=REDIRECT, probe=("DELETE", REDIRECT)),
    "api:case-detail": R("case", GET=API_CASE_OBJECT, PATCH=API_CASE_ACTION, probe=("POST", API_NOT_ALLOWED)),
    "api:case-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:consent-confirm": R("consent", POST=API_CASE_ACTION, probe=("DELETE", API_NOT_ALLOWED)),
    "api:consent-detail": R("consent", GET=API_CASE_OBJECT, probe=("POST", API_NOT_ALLOWED)),
    "api:consent-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:consent-withdraw": R("consent", POST=API_CASE_ACTION, probe=("DELETE", API_NOT_ALLOWED)),
    "api:deviation-report-action-done": R("deviation", POST=API_DEVIATION_ACTION, probe=("DELETE", API_AGGREGATE_NOT_ALLOWED)),
    "api:deviation-report-actions": R("deviation", POST=API_DEVIATION_ACTION, probe=("DELETE", API_AGGREGATE_NOT_ALLOWED)),
    "api:deviation-report-escalate": R("deviation", POST=API_DEVIATION_ACTION, probe=("DELETE", API_AGGREGATE_NOT_ALLOWED)),
    "api:deviation-report-dialogues": R("deviation", POST=API_DEVIATION_DIALOGUE, probe=("DELETE", API_AGGREGATE_NOT_ALLOWED)),
    "api:deviation-report-close": R("deviation", POST=API_DEVIATION_ACTION, probe=("DELETE", API_AGGREGATE_NOT_ALLOWED)),
    "api:deviation-report-detail": R("deviation", GET=API_AREA_AGGREGATE, PATCH=API_DEVIATION_ACTION, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:deviation-report-list": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:docs": R(GET=API_STAFF, probe=("POST", API_NOT_ALLOWED)),
    "api:export-interventions": R(GET=API_EXPORT, probe=("POST", API_NOT_ALLOWED)),
    "api:export-mappings": R(GET=API_EXPORT, probe=("POST", API_NOT_ALLOWED)),
    "api:export-participants": R(GET=API_EXPORT, probe=("POST", API_NOT_ALLOWED)),
    "api:export-registrations": R(GET="401/1 200/5 200/5 200/1 200/5 403/1 200/2 200/1 403/1 403/1 403/1", probe=("POST", API_NOT_ALLOWED)),
    "api:export-unknown": R(GET="401/1 404/0 404/0 404/0 404/0 404/0 404/0 404/0 404/0 404/0 404/0", probe=("POST", API_NOT_ALLOWED)),
    "api:import": R(POST=API_COORDINATOR_CREATE, probe=("DELETE", "401/1 403/1 403/1 403/1 405/0 403/1 403/1 403/1 403/1 403/1 403/1")),
    "api:import-job": R("import_job", GET="401/1 403/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1", probe=("POST", API_NOT_ALLOWED)),
    "api:intervention-detail": R("intervention", GET=API_CASE_OBJECT, PATCH=API_CASE_ACTION, probe=("POST", API_NOT_ALLOWED)),
    "api:intervention-end": R("intervention", POST=API_CASE_ACTION, probe=("DELETE", API_NOT_ALLOWED)),
    "api:intervention-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:intervention-move": R("intervention", POST=API_CASE_ACTION, probe=("DELETE", API_NOT_ALLOWED)),
    "api:intervention-start": R("intervention", POST=API_CASE_ACTION, probe=("DELETE", API_NOT_ALLOWED)),
    "api:mapping-decide": R("mapping", POST=API_CASE_ACTION, probe=("DELETE", API_NOT_ALLOWED)),
    "api:mapping-detail": R("mapping", GET=API_CASE_OBJECT, PATCH=API_CASE_ACTION, probe=("POST", API_NOT_ALLOWED)),
    "api:mapping-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:mapping-sign": R("mapping", POST="401/1 400/1 400/1 403/1 403/1 403/1 403/1 404/1 403/1 403/1 403/1", probe=("DELETE", API_NOT_ALLOWED)),
    "api:me": R(GET=API_STAFF, probe=("POST", API_NOT_ALLOWED)),
    "api:meeting-detail": R("meeting", GET=API_CASE_OBJECT, PATCH=API_CASE_ACTION, probe=("POST", API_NOT_ALLOWED)),
    "api:meeting-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:person-detail": R("person", GET=API_CASE_OBJECT, PATCH=API_CASE_ACTION, probe=("POST", API_NOT_ALLOWED)),
    "api:person-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:phase-transition-detail": R("phase_transition", GET=API_CASE_OBJECT, probe=("POST", API_NOT_ALLOWED)),
    "api:phase-transition-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:plan-detail": R("plan", GET=API_CASE_OBJECT, probe=("POST", API_NOT_ALLOWED)),
    "api:plan-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:report-average-days": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:report-inflow": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:report-mappings": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:funds-follow-up": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:report-outcomes": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:report-status": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:report-timeliness": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:schema": R(GET=API_STAFF, probe=("POST", API_NOT_ALLOWED)),
    "api:snapshot-detail": R("snapshot", GET=API_AREA_AGGREGATE, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:snapshot-list": R(GET=API_AGGREGATES, probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:status-entry-detail": R("status_entry", GET=API_CASE_OBJECT, probe=("POST", API_NOT_ALLOWED)),
    "api:status-entry-list": R(GET=API_CASE_LIST, POST=API_CASE_CREATE, probe=("DELETE", API_NOT_ALLOWED)),
    "api:work-plan-submit": R("work_plan", POST="401/1 403/2 403/2 403/2 400/1 400/1 403/2 404/1 403/1 403/2 403/2", probe=("GET", API_AGGREGATE_NOT_ALLOWED)),
    "api:work-plan-decide": R("work_plan", POST="401/1 403/2 403/2 403/2 403/2 403/2 403/2 404/1 403/1 403/2 400/1", probe=("GET", API_AGGREGATE_NOT_ALLOWED)),
    "api:work-plan-detail": R("work_plan", GET=API_AREA_AGGREGATE, PATCH="401/1 403/2 403/2 403/2 400/1 403/2 403/2 404/1 403/1 403/2 403/2", probe=("POST", API_AGGREGATE_NOT_ALLOWED)),
    "api:work-plan-list": R(GET=API_AGGREGATES, POST=API_COORDINATOR_CREATE, probe=("DELETE", API_AGGREGATE_NOT_ALLOWED)),
    "audit:review": R(GET=COORDINATOR_PAGE, POST=COORDINATOR_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:case_close": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:case_detail": R("case", GET=CASE_PAGE, probe=("POST", READ_ONLY_POST)),
    "cases:case_edit": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:case_history": R("case", GET=CASE_PAGE, probe=("POST", NOT_ALLOWED)),
    "cases:case_move": R("case", GET=CASE_MOVE, POST=CASE_MOVE, probe=("DELETE", NOT_ALLOWED)),
    "cases:case_open": R("person", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:case_transition": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    # The caseload and the start page are only read: GET and HEAD.
    "cases:caseload": R(GET=COORDINATOR_FORM, probe=("POST", NOT_ALLOWED)),
    "cases:not_registered": R(GET="302/0 200/1 200/1 200/0 200/1 403/1 403/1 200/0 403/1 403/1 403/1", probe=("POST", NOT_ALLOWED)),
    "cases:consent_confirm": R("person", GET=CONSENT_CONFIRM, POST=CONSENT_CONFIRM, probe=("DELETE", NOT_ALLOWED)),
    "cases:consent_create": R("person", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:consent_withdraw": R("person", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:flag_dismiss": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:person_create": R(GET=CASE_ACCESS_PAGE, POST=CASE_ACCESS_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:person_detail": R("person", GET=CASE_PAGE, probe=("POST", READ_ONLY_POST)),
    "cases:person_edit": R("person", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:person_reason": R("person", GET=REASON_PAGE, POST=REASON_PAGE, probe=("DELETE", NOT_ALLOWED)),
    # A search for the person's first name (the last name is what must not show to others):
    # one row per person found, one for a search without a hit.
    "cases:person_search": R(GET=STAFF_PAGE, POST=SEARCH, probe=("DELETE", NOT_ALLOWED), data={"q": "Greta"}),
    "cases:reassign": R(GET=COORDINATOR_PAGE, POST=COORDINATOR_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:situation_end": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:situation_start": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "cases:status_entry_create": R("person", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "exports:download": R("export_job", GET="302/0 404/0 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1", probe=("POST", NOT_ALLOWED)),
    "exports:job": R("export_job", GET=OWN_EXPORT_JOB, probe=("POST", NOT_ALLOWED)),
    "exports:job_status": R("export_job", GET=OWN_EXPORT_JOB, probe=("POST", NOT_ALLOWED)),
    "exports:start": R(GET=EXPORT_FORM, POST=EXPORT_FORM, probe=("DELETE", NOT_ALLOWED)),
    # See cases:caseload.
    "home": R(GET=HOME, probe=("POST", NOT_ALLOWED)),
    "imports:job": R("import_job", GET=IMPORT_JOB, probe=("POST", NOT_ALLOWED)),
    "imports:job_status": R("import_job", GET=IMPORT_JOB, probe=("POST", NOT_ALLOWED)),
    "imports:upload": R(GET=COORDINATOR_FORM, POST=COORDINATOR_FORM, probe=("DELETE", NOT_ALLOWED)),
    "mapping:case_meeting_create": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:closing_document": R("case", GET=CASE_PAGE, probe=("POST", READ_ONLY_POST)),
    "mapping:closing_document_confirm": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:closing_document_edit": R("case", GET=CASE_PAGE, POST="302/0 200/1 302/2 302/1 200/1 404/1 404/1 404/1 404/1 404/1 404/1", probe=("DELETE", NOT_ALLOWED)),
    "mapping:closing_document_return": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:intervention_create": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:intervention_detail": R("intervention", GET=CASE_PAGE, probe=("POST", NOT_ALLOWED)),
    "mapping:intervention_edit": R("intervention", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:intervention_end": R("intervention", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:intervention_move": R("intervention", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:intervention_start": R("intervention", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:mapping_change_request": R("mapping", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:mapping_create": R("person", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:mapping_decide": R("mapping", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:mapping_detail": R("mapping", GET=CASE_PAGE, probe=("POST", NOT_ALLOWED)),
    "mapping:mapping_edit": R("mapping", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:mapping_meeting_create": R("mapping", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:mapping_sign": R("mapping", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:meeting_edit": R("meeting", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:person_meeting_create": R("person", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "mapping:person_overview": R("person", GET=CASE_PAGE, probe=("POST", NOT_ALLOWED)),
    "mapping:plan_create": R("case", GET=CASE_PAGE, POST=CASE_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "oidc:authenticate": R(GET=SSO_OFF, probe=("POST", OPEN_NOT_ALLOWED)),
    "oidc:callback": R(GET=SSO_OFF, probe=("POST", OPEN_NOT_ALLOWED)),
    "preparation:protocol": R("session", GET=PREPARATION_PAGE, probe=("POST", NOT_ALLOWED)),
    "preparation:referral_add": R("session", POST=PREPARATION_ACTION, probe=("DELETE", NOT_ALLOWED)),
    "preparation:referral_decide": R("referral", GET=PREPARATION_PAGE, POST=PREPARATION_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "preparation:session_close": R("session", POST=PREPARATION_ACTION, probe=("DELETE", NOT_ALLOWED)),
    "preparation:session_create": R(GET=CASE_ACCESS_PAGE, POST=CASE_ACCESS_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "preparation:session_detail": R("session", GET=PREPARATION_PAGE, probe=("POST", NOT_ALLOWED)),
    "preparation:session_list": R(GET="302/0 200/1 200/1 200/1 200/1 403/1 403/1 200/1 403/1 403/1 403/1", probe=("POST", NOT_ALLOWED)),
    "preparation:session_notes": R("session", GET=PREPARATION_FORM, POST=PREPARATION_FORM, probe=("DELETE", NOT_ALLOWED)),
    "funds:consumption": R(GET=COORDINATOR_FORM, POST=COORDINATOR_FORM, probe=("DELETE", NOT_ALLOWED)),
    "funds:follow_up": R(GET=REPORT_PAGE, probe=("POST", NOT_ALLOWED)),
    "reporting:deviation_action_create": R("deviation", GET=DEVIATION_WORK, POST=DEVIATION_WORK, probe=("DELETE", NOT_ALLOWED)),
    "reporting:deviation_action_done": R("deviation_action", GET=DEVIATION_WORK, POST=DEVIATION_WORK, probe=("DELETE", NOT_ALLOWED)),
    "reporting:deviation_escalate": R("deviation", GET=DEVIATION_WORK, POST=DEVIATION_WORK, probe=("DELETE", NOT_ALLOWED)),
    "reporting:deviation_dialogue_create": R("deviation", GET="302/0 404/2 404/2 404/2 200/1 200/1 404/2 404/1 404/1 200/1 404/2", POST="302/0 404/2 404/2 404/2 200/1 200/1 404/2 404/1 404/1 200/1 404/2", probe=("DELETE", NOT_ALLOWED)),
    "reporting:deviation_close": R("deviation", GET=DEVIATION_WORK, POST=DEVIATION_WORK, probe=("DELETE", NOT_ALLOWED)),
    "reporting:deviation_detail": R("deviation", GET="302/0 200/1 200/1 200/1 200/1 200/1 200/1 404/1 404/1 200/1 200/1", probe=("POST", NOT_ALLOWED)),
    "reporting:deviation_edit": R("deviation", GET=DEVIATION_WORK, POST=DEVIATION_WORK, probe=("DELETE", NOT_ALLOWED)),
    "reporting:deviation_list": R(GET=STAFF_PAGE, probe=("POST", NOT_ALLOWED)),
    "national:calendar": R(GET="302/0 403/1 403/1 403/1 403/1 403/1 403/1 403/1 403/1 403/1 200/1", POST="302/0 403/1 403/1 403/1 403/1 403/1 403/1 403/1 403/1 403/1 200/1", probe=("DELETE", NOT_ALLOWED)),
    "national:package": R("report_package", GET="302/0 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 200/1", probe=("POST", NOT_ALLOWED)),
    "national:package_pdf": R("report_package", GET="302/0 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/0", probe=("POST", NOT_ALLOWED)),
    "national:package_xlsx": R("report_package", GET="302/0 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/0", probe=("POST", NOT_ALLOWED)),
    "national:package_status": R("report_package", GET="302/0 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 200/0", probe=("POST", NOT_ALLOWED)),
    "national:publish": R(POST="302/0 403/1 403/1 403/1 403/1 403/1 403/1 403/1 403/1 403/1 302/0", probe=("GET", NOT_ALLOWED)),
    "reporting:monthly_report": R("monthly_report", GET="302/0 404/1 404/1 404/1 404/1 200/1 200/1 404/1 404/1 200/1 200/1", probe=("POST", NOT_ALLOWED)),
    "reporting:monthly_report_pdf": R("monthly_report", GET="302/0 404/1 404/1 404/1 404/1 404/0 404/0 404/1 404/1 404/0 404/0", probe=("POST", NOT_ALLOWED)),
    "reporting:monthly_report_status": R("monthly_report", GET="302/0 404/1 404/1 404/1 404/1 200/0 200/0 404/1 404/1 200/0 200/0", probe=("POST", NOT_ALLOWED)),
    "reporting:monthly_reports": R(GET=REPORT_PAGE, POST=REPORT_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "reporting:overview": R(GET=STATISTICS_PAGE, probe=("POST", NOT_ALLOWED)),
    "reporting:quality_feedback_detail": R("quality_feedback", GET="302/0 200/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1", POST="302/0 302/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1", probe=("DELETE", NOT_ALLOWED)),
    # As READ_ONLY_POST: the coordinator's POST is a 405 with a row.
    "reporting:quality_review_detail": R("quality_review", GET=QUALITY_REVIEW, probe=("POST", "302/0 404/1 404/1 404/1 405/1 404/1 404/1 404/1 404/1 404/1 404/1")),
    "reporting:quality_review_item": R("quality_item", GET=QUALITY_REVIEW, POST=QUALITY_REVIEW, probe=("DELETE", NOT_ALLOWED)),
    "reporting:quality_review_list": R(GET=COORDINATOR_PAGE, POST=COORDINATOR_PAGE, probe=("DELETE", NOT_ALLOWED)),
    "reporting:quality_review_reviewer": R("quality_item", GET=QUALITY_REVIEW, POST=QUALITY_REVIEW, probe=("DELETE", NOT_ALLOWED)),
    "reporting:referral_report": R(GET="302/0 200/1 200/1 200/1 200/1 200/1 200/1 200/1 403/1 200/1 200/1", probe=("POST", NOT_ALLOWED)),
    "reporting:report": R(GET=REPORT_PAGE, probe=("POST", NOT_ALLOWED)),
    "reporting:reports": R(GET=STAFF_PAGE, probe=("POST", NOT_ALLOWED)),
    "reporting:timeliness": R(GET=STATISTICS_PAGE, probe=("POST", NOT_ALLOWED)),
    "reporting:weekly_list": R(GET=CASE_ACCESS_PAGE, probe=("POST", NOT_ALLOWED)),
    "reporting:work_plan_create": R(GET=COORDINATOR_FORM, POST=COORDINATOR_FORM, probe=("DELETE", NOT_ALLOWED)),
    "reporting:work_plan_detail": R("work_plan", GET="302/0 200/0 200/0 200/0 200/0 200/0 200/0 404/1 404/1 200/0 200/0", probe=("POST", NOT_ALLOWED)),
    "reporting:work_plan_submit": R("work_plan", POST="302/0 404/1 404/1 404/1 200/0 200/0 404/1 404/1 404/1 404/1 404/1", probe=("GET", NOT_ALLOWED)),
    "reporting:work_plan_decide": R("work_plan", POST="302/0 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 404/1 200/0", probe=("GET", NOT_ALLOWED)),
    "reporting:work_plan_compilation": R(GET="302/0 403/1 403/1 403/1 403/1 403/1 200/0 403/1 403/1 403/1 200/0", probe=("POST", NOT_ALLOWED)),
    "reporting:work_plan_edit": R("work_plan", GET=WORK_PLAN_FORM, POST=WORK_PLAN_FORM, probe=("DELETE", NOT_ALLOWED)),
    "reporting:work_plan_list": R(GET=STAFF_PAGE, probe=("POST", NOT_ALLOWED)),
    "set_language": R(GET=REDIRECT, POST=REDIRECT, probe=("DELETE", REDIRECT)),
    "todo:inbox": R(GET=CASE_ACCESS_PAGE, probe=("POST", NOT_ALLOWED)),
}
# fmt: on

# Values for the addresses' other parameters.
OTHER_PARAMS = {
    "format": "json",
    "kind": "status",
    "code": "contact_meeting_due",
    "slug": "status-dag-365",
    "uidb64": "MQ",
    "token": "ogiltig-nyckel",
}

# --- the Django admin -------------------------------------------------------------------------
# Its pages are generated per registered model: a model registered later adds routes, and must
# be declared here. Everyone but a staff user is sent to the admin's login page (302, no row).
# The administrator's own statuses are declared per kind of page; objects are addressed by an
# id that does not exist, so the change, delete and history pages send them back (302).
ADMIN_MODELS = {
    "accounts_agency",
    "accounts_apitoken",
    "accounts_area",
    "accounts_officeunit",
    "accounts_preparationgroup",
    "accounts_region",
    "accounts_role",
    "accounts_staffprofile",
    "accounts_team",
    "auth_group",
    "auth_user",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "cases_ruleset",
    "cases_statuscode",
    "django_celery_beat_clockedschedule",
    "django_celery_beat_crontabschedule",
    "django_celery_beat_intervalschedule",
    "django_celery_beat_periodictask",
    "django_celery_beat_solarschedule",
    "funds_activitycategory",
    "funds_allocation",
    "funds_ftecost",
    "reporting_planningyear",
    "retention_retentionrule",
    "retention_retentionrun",
}
ADMIN_MODEL_PAGES = {
    "changelist": 200,
    "add": 200,
    "change": 302,
    "delete": 302,
    "history": 302,
    "simple_history": 302,
    "password_change": 302,
}
ADMIN_SITE_PAGES = {
    "admin:index": 200,
    "admin:app_list": 200,
    "admin:login": 302,
    "admin:logout": 302,
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    "admin:jsi18n": 200,
    "admin:autocomplete": 403,
    "admin:view_on_site": 404,
    # Each model's object address sends on to its change page; the catch-all finds nothing.
    "admin:<unnamed>": 302,
    "admin:<catch-all>": 404,
}
ADMIN_OBJECT_ID = "999999999"
# What the administrator may not do there, by design: add or delete records that only the
# system writes (login attempts, retention runs), delete what others point to; a missing user's
# password page and the change history of a missing rule (or funds record) answer 404.
ADMIN_EXCEPTIONS = {
    "admin:axes_accessattempt_add": 403,
    "admin:axes_accesslog_add": 403,
    "admin:axes_accessfailurelog_add": 403,
    "admin:accounts_agency_add": 403,
    "admin:accounts_agency_delete": 403,
    "admin:accounts_apitoken_delete": 403,
    "admin:cases_statuscode_delete": 403,
    "admin:retention_retentionrun_add": 403,
    "admin:retention_retentionrun_delete": 403,
    "admin:auth_user_password_change": 404,
    "admin:cases_ruleset_history": 404,
    "admin:cases_ruleset_simple_history": 404,
    "admin:retention_retentionrule_history": 404,
    "admin:retention_retentionrule_simple_history": 404,
    "admin:funds_activitycategory_history": 404,
    "admin:funds_activitycategory_simple_history": 404,
    "admin:funds_allocation_history": 404,
    "admin:funds_allocation_simple_history": 404,
    "admin:funds_ftecost_history": 404,
    "admin:funds_ftecost_simple_history": 404,
}
# The admin's login page is shown to anyone who is not staff yet (its form, no row).
ADMIN_OTHERS = {"admin:login": (200, 0)}
