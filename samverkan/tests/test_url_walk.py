"""Walks every URL pattern of the project, so a new URL cannot be forgotten (SPEC §7).

For each named pattern: an anonymous visitor is sent to the login page (the API, which also
serves machine clients, answers 401/403 instead), and an officer of another area gets 404 for an
object of this area, or, on pages without an object, sees none of this area's personal data.
A pattern this test does not know fails the test until it is added to one of the tables below."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from samverkan.services import AccessContext

# Patterns anyone may open. Single sign-on's start and return answer 404 while it is off
# (accounts/tests/test_sso.py). The password reset link an administrator makes is opened
# before login; its token is the key (accounts/tests/test_staff_admin.py).
PUBLIC = {
    "accounts:login",
    "admin:login",
    "set_language",
    "oidc:authenticate",
    "oidc:callback",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}
# A load balancer's probes (samverkan.health): no personal data, tested in test_health.py.
PUBLIC |= {"healthz", "readyz"}
# Prometheus's page: no login, its bearer token or a 404 (operations/tests/test_metrics.py).
PUBLIC |= {"metrics"}
# POST-only actions that have nothing to show; an anonymous GET is refused or sent to login.
POST_ONLY = {
    "preparation:referral_add",
    "preparation:session_close",
    "accounts:logout",
    "admin:logout",
    "api:deviation-report-actions",
    "api:deviation-report-action-done",
    "api:deviation-report-close",
    "api:deviation-report-escalate",
    "api:deviation-report-dialogues",
    "api:work-plan-submit",
    "api:work-plan-decide",
    "reporting:work_plan_submit",
    "reporting:work_plan_decide",
    "api:mapping-decide",
    "api:mapping-sign",
    "api:intervention-start",
    "api:intervention-end",
    "api:intervention-move",
    "api:consent-confirm",
    "api:consent-withdraw",
    "national:publish",
}

# Which fixture object a URL with a `pk` shows. New object pages must be added here.
OBJECT_OF = {
    "cases:person_detail": "person",
    "cases:person_reason": "person",
    "cases:case_detail": "case",
    "cases:case_history": "case",
    "cases:person_edit": "person",
    "cases:consent_create": "person",
    "cases:consent_withdraw": "person",
    "cases:consent_confirm": "person",
    "cases:status_entry_create": "person",
    "cases:case_open": "person",
    "cases:case_edit": "case",
    "cases:case_transition": "case",
    "cases:case_close": "case",
    "cases:case_move": "case",
    "cases:flag_dismiss": "case",
    "cases:situation_start": "case",
    "cases:situation_end": "case",
    "mapping:plan_create": "case",
    "mapping:case_meeting_create": "case",
    "mapping:closing_document": "case",
    "mapping:closing_document_edit": "case",
    "mapping:closing_document_confirm": "case",
    "mapping:closing_document_return": "case",
    "mapping:mapping_create": "person",
    "mapping:mapping_detail": "mapping",
    "mapping:mapping_edit": "mapping",
    "mapping:mapping_decide": "mapping",
    "mapping:mapping_sign": "mapping",
    "mapping:mapping_change_request": "mapping",
    "mapping:mapping_meeting_create": "mapping",
    "mapping:person_meeting_create": "person",
    "mapping:meeting_edit": "meeting",
    "mapping:intervention_create": "case",
    "mapping:intervention_detail": "intervention",
    "mapping:intervention_edit": "intervention",
    "mapping:intervention_start": "intervention",
    "mapping:intervention_move": "intervention",
    "mapping:intervention_end": "intervention",
    "mapping:person_overview": "person",
    "reporting:work_plan_edit": "work_plan",
    "reporting:work_plan_detail": "work_plan",
    "reporting:deviation_escalate": "deviation",
    "reporting:deviation_dialogue_create": "deviation",
    "reporting:work_plan_submit": "work_plan",
    "reporting:work_plan_decide": "work_plan",
    "api:work-plan-submit": "work_plan",
    "api:work-plan-decide": "work_plan",
    "api:deviation-report-escalate": "deviation",
    "api:deviation-report-dialogues": "deviation",
    "reporting:deviation_detail": "deviation",
    "reporting:deviation_edit": "deviation",
    "reporting:deviation_action_create": "deviation",
    "reporting:deviation_close": "deviation",
    "reporting:deviation_action_done": "deviation_action",
    "reporting:quality_review_detail": "quality_review",
    "reporting:quality_review_item": "quality_item",
    "reporting:quality_review_reviewer": "quality_item",
    "reporting:quality_feedback_detail": "quality_feedback",
    "reporting:monthly_report": "monthly_report",
    "reporting:monthly_report_status": "monthly_report",
    "reporting:monthly_report_pdf": "monthly_report",
    "national:package": "report_package",
    "national:package_status": "report_package",
    "national:package_pdf": "report_package",
    "national:package_xlsx": "report_package",
    "preparation:session_detail": "session",
    "preparation:referral_add": "session",
    "preparation:session_notes": "session",
    "preparation:session_close": "session",
    "preparation:protocol": "session",
    "preparation:referral_decide": "referral",
    "api:person-detail": "person",
    "api:case-detail": "case",
    "api:phase-transition-detail": "phase_transition",
    "api:status-entry-detail": "status_entry",
    "api:consent-detail": "consent",
    "api:consent-confirm": "consent",
    "api:consent-withdraw": "consent",
    "api:mapping-detail": "mapping",
    "api:mapping-decide": "mapping",
    "api:mapping-sign": "mapping",
    "api:meeting-detail": "meeting",
    "api:plan-detail": "plan",
    "api:intervention-detail": "intervention",
    "api:intervention-start": "intervention",
    "api:intervention-end": "intervention",
    "api:intervention-move": "intervention",
    "exports:job": "export_job",
    "exports:job_status": "export_job",
    "exports:download": "export_job",
    "imports:job": "import_job",
    "imports:job_status": "import_job",
    "api:import-job": "import_job",
    "api:work-plan-detail": "work_plan",
    "api:snapshot-detail": "snapshot",
    "api:deviation-report-detail": "deviation",
    "api:deviation-report-actions": "deviation",
    "api:deviation-report-action-done": "deviation",
    "api:deviation-report-close": "deviation",
}

# Pages about an area's aggregates (no personal data): the area's management group and the
# national analyst may open them; an officer of another area still gets 404.
AGGREGATE_PAGES = {
    "reporting:work_plan_detail",
    "reporting:deviation_escalate",
    "reporting:deviation_dialogue_create",
    "reporting:deviation_detail",
    "reporting:deviation_edit",
    "reporting:deviation_action_create",
    "reporting:deviation_close",
    "reporting:deviation_action_done",
    "reporting:monthly_report",
    "reporting:monthly_report_status",
    "reporting:monthly_report_pdf",
    "national:package",
    "national:package_status",
    "national:package_pdf",
    "national:package_xlsx",
    "api:work-plan-detail",
    "api:snapshot-detail",
    "api:deviation-report-detail",
}

# Values for other URL parameters.
OTHER_PARAMS = {
    "format": "json",
    "kind": "status",
    "code": "contact_meeting_due",
    "officer": 1,
    "slug": "status-dag-365",
}


def _walk(patterns, namespace=None, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if namespace and entry.namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from _walk(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            pattern = entry.pattern
            params = set(getattr(pattern, "converters", {}) or {})
            params |= set(pattern.regex.groupindex)
            route = prefix + str(pattern)
            name = entry.name or f"<unnamed {route}>"
            yield (f"{namespace}:{name}" if namespace else name), params


ALL_PATTERNS = sorted(
    {(name, tuple(sorted(params))) for name, params in _walk(get_resolver().url_patterns)}
)


def _unnamed_admin_path(name):
    """The admin's own unnamed patterns (its catch-all and per-model object redirects)."""
    route = name[len("admin:<unnamed ") : -1]
    route = re.sub(r"<[^>]+>", "1", route).replace("(?P<url>.*)$", "no-such-page/")
    return "/" + route


def _admin_kwargs(name, params):
    values = {
        "object_id": "1",
        "id": "1",
        "history_id": "1",
        "app_label": "accounts",
        "content_type_id": "1",
        "format": "json",
    }
    return {p: values[p] for p in params}


def test_every_pattern_is_named_and_known():
    unknown = []
    for name, params in ALL_PATTERNS:
        if "<unnamed" in name and not name.startswith("admin:"):
            unknown.append(name)
            continue
        if name.startswith("admin:") or name in PUBLIC or name in POST_ONLY:
            continue
        for p in params:
            if p == "pk" and name not in OBJECT_OF:
                unknown.append(f"{name} (add it to OBJECT_OF)")
            elif p not in ("pk", *OTHER_PARAMS):
                unknown.append(f"{name} has parameter {p!r} (teach this test about it)")
    assert not unknown, unknown


def _url_for(name, params, objects):
    if name.startswith("admin:<unnamed"):
        return _unnamed_admin_path(name)
    if name.startswith("admin:"):
        try:
            return reverse(name, kwargs=_admin_kwargs(name, params))
        except NoReverseMatch:
            # django-simple-history's admin view uses unnamed groups (object id, history id)
            return reverse(name, args=["1", "1"])
    kwargs = {}
    for p in params:
        kwargs[p] = objects[OBJECT_OF[name]].pk if p == "pk" else OTHER_PARAMS[p]
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def objects(person, case):
    from cases.models import PhaseTransition, StatusCode
    from cases.services import consent_record, status_entry_save
    from exports.models import ExportJob
    from imports.models import ImportJob
    from mapping.models import PlanVersion
    from mapping.tests.factories import (
        InterventionFactory,
        JointMappingFactory,
        MeetingFactory,
    )
    from national.models import ReportPackage
    from preparation.models import Referral, Session
    from reporting.models import (
        DeviationAction,
        DeviationReport,
        MonthlyReportDocument,
        MonthlySnapshot,
        QualityFeedback,
        QualityReview,
        QualityReviewItem,
        WorkPlan,
    )

    mapping = JointMappingFactory(person=person)
    session = Session.objects.create(
        area=person.area, held_on=dt.date(2026, 1, 1), created_by=case.fk_officer
    )
    deviation = DeviationReport.objects.create(
        area=person.area,
        kind=DeviationReport.Kind.INFLOW_BELOW_PLAN,
        run_start=dt.date(2026, 1, 1),
        opened_for=dt.date(2026, 3, 1),
        figures={"months": []},
    )
    review = QualityReview.objects.create(
        area=person.area, quarter=dt.date(2026, 1, 1), size=1, seed="s", drawn_by=case.fk_officer
    )
    quality_item = QualityReviewItem.objects.create(review=review, case=case, position=1)
    snapshot = MonthlySnapshot.objects.create(
        area=person.area, month=dt.date(2026, 1, 1), version=1, figures={}, digest="-"
    )
    return {
        "monthly_report": MonthlyReportDocument.objects.create(
            area=person.area,
            month=snapshot.month,
            snapshot=snapshot,
            hides_small_cells=True,
            requested_by=case.fk_officer,
        ),
        "quality_review": review,
        "quality_item": quality_item,
        "quality_feedback": QualityFeedback.objects.create(
            item=quality_item,
            recipient=case.fk_officer,
            sent_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC),
        ),
        "person": person,
        "case": case,
        "phase_transition": PhaseTransition.objects.create(
            case=case, to_phase="needs_analysis", date=case.start_date or dt.date(2026, 1, 1)
        ),
        "status_entry": status_entry_save(
            person=person,
            on=dt.date(2026, 1, 1),
            code=StatusCode.objects.get(code="openly_unemployed"),
            context=AccessContext.system("test"),
        ),
        "consent": consent_record(
            person=person,
            given_on=dt.date(2026, 1, 1),
            covers_sharing=True,
            covers_follow_up=True,
            context=AccessContext.system("test"),
        ),
        "mapping": mapping,
        "meeting": MeetingFactory(person=person, mapping=mapping),
        "intervention": InterventionFactory(case=case),
        "plan": PlanVersion.objects.create(
            case=case, version=1, goal="Mål", activities="Aktiviteter"
        ),
        "work_plan": WorkPlan.objects.create(area=person.area, year=2026),
        "export_job": ExportJob.objects.create(
            user=case.fk_officer,
            export_id="a" * 32,
            kind="participants",
            file_format="csv_semicolon",
        ),
        "import_job": ImportJob.objects.create(user=case.fk_officer, kind="status"),
        "report_package": ReportPackage.objects.create(
            kind="tertial",
            year=2026,
            tertial=1,
            first_month=dt.date(2026, 1, 1),
            last_month=dt.date(2026, 4, 1),
            requested_by=case.fk_officer,
        ),
        "snapshot": snapshot,
        "session": session,
        "referral": Referral.objects.create(
            session=session, kind="consultation", person=person, position=1, question="?"
        ),
        "deviation": deviation,
        "deviation_action": DeviationAction.objects.create(
            report=deviation, description="Åtgärd", owner="Ledningen", due_on=dt.date(2026, 6, 1)
        ),
    }


def _body(response) -> str:
    """The page or the export (a streamed answer has no `.content`)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode()


ANONYMOUS_CASES = [p for p in ALL_PATTERNS if p[0] not in PUBLIC]
OUTSIDER_CASES = [p for p in ALL_PATTERNS if p[0] not in PUBLIC | POST_ONLY]


def test_public_patterns_are_only_login_and_language(client):
    assert {name for name, _ in ALL_PATTERNS} >= PUBLIC
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("admin:login")).status_code == 200


@pytest.mark.parametrize(("name", "params"), ANONYMOUS_CASES, ids=[n for n, _ in ANONYMOUS_CASES])
def test_anonymous_is_sent_to_login(client, objects, name, params):
    url = _url_for(name, params, objects)
    response = client.get(url)
    if name.startswith("api:"):
        assert response.status_code in (401, 403), url
        return
    if name in POST_ONLY and response.status_code == 405:
        return
    assert response.status_code == 302, url
    # The admin's own views send visitors to the admin's login form (also guarded by axes).
    logins = (reverse(settings.LOGIN_URL), reverse("admin:login"))
    assert response["Location"].startswith(logins), (url, response["Location"])


@pytest.mark.parametrize("who", ["outsider", "management", "analyst"])
@pytest.mark.parametrize(("name", "params"), OUTSIDER_CASES, ids=[n for n, _ in OUTSIDER_CASES])
def test_outsider_sees_nothing_of_this_area(login, request, objects, person, name, params, who):
    """An officer of another area, and roles without case access (this area's management
    group, the national analyst), see no person of this area anywhere."""
    client = login(request.getfixturevalue(who))
    url = _url_for(name, params, objects)
    response = client.get(url)
    if name.startswith("admin:"):
        # Officers are not staff: the admin sends them to its login page. (The admin holds no
        # personal data: people and cases are deliberately not registered there.)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
        return
    if "pk" in params and name in AGGREGATE_PAGES and who != "outsider":
        # The management group works on its area's reports; the analyst reads every area's.
        # Either may be refused an action (403/404), but a page never shows a person.
        assert response.status_code in (200, 302, 403, 404), url
        body = _body(response)
        for secret in (person.last_name, person.personnummer, person.personnummer[:8]):
            assert not re.search(re.escape(secret), body), (url, secret)
        return
    if "pk" in params:
        assert response.status_code == 404, url
        return
    # An unknown export kind ("status" here) is the API's 404.
    expected = (200, 302, 403, 404) if name == "api:export-unknown" else (200, 302, 403)
    assert response.status_code in expected, url
    body = _body(response)
    for secret in (person.last_name, person.personnummer, person.personnummer[:8]):
        assert not re.search(re.escape(secret), body), (url, secret)
