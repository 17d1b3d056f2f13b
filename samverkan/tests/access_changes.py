"""The declared changes (SPEC §7), read by test_access_changes.py: the other half of the access
matrix. The matrix sends every form empty, so it counts only refusals and bad input; here every
route of the matrix whose view changes a person's data is called once, by a role allowed to
make the change, with valid data, and must (1) answer its success status, (2) change the record
and (3) write exactly the declared number of access-log rows, all naming the person, of them the
declared number of "create", "update" or "delete" rows (a page reads its object before it
changes it: that read is its one "view" row, as in the matrix). A change that is not a create,
update or delete declares its own actions (the reason stated to break the glass is a
"break_glass" row); one that also makes a record of the person's area, about no one, declares
those rows too (a quality review's draw: the review of the area, and each drawn case).

Every route of access_matrix.ROUTES that allows POST, PUT, PATCH or DELETE is in exactly one of
the three tables below; a new one fails test_access_changes until it is declared."""

from __future__ import annotations

from dataclasses import dataclass

CHANGE_ACTIONS = ("create", "update", "delete")


@dataclass(frozen=True)
class Change:
    method: str
    role: str  # a role of access_matrix.ROLES allowed to make the change
    status: int  # the answer on success: 302 for a page, 200/201/204 from the API
    rows: int  # access-log rows the call writes, all naming the person (but `area_rows`)
    changes: int = 1  # of them of one of `actions`; the rest the read of the page's object
    actions: tuple[str, ...] = CHANGE_ACTIONS  # the access-log actions that record the change
    area_rows: int = 0  # of the changes, rows naming the person's area and no person


# fmt: off
CHANGES = {
    "cases:person_edit": Change("POST", "fk_officer", 302, 2),
    "cases:consent_create": Change("POST", "fk_officer", 302, 2),
    "cases:status_entry_create": Change("POST", "af_officer", 302, 2),
    "cases:consent_withdraw": Change("POST", "fk_officer", 302, 2),
    "api:person-detail": Change("PATCH", "fk_officer", 200, 2),
    "api:case-detail": Change("PATCH", "fk_officer", 200, 2),
    "api:status-entry-list": Change("POST", "af_officer", 201, 1),
    "api:person-list": Change("POST", "fk_officer", 201, 1),
    "cases:person_create": Change("POST", "fk_officer", 302, 1),
    "cases:case_edit": Change("POST", "af_officer", 302, 2),
    "api:mapping-list": Change("POST", "fk_officer", 201, 2),
    "mapping:mapping_edit": Change("POST", "fk_officer", 302, 2),
    "mapping:mapping_meeting_create": Change("POST", "fk_officer", 302, 3, changes=2),
    "mapping:person_meeting_create": Change("POST", "fk_officer", 302, 2),
    "mapping:meeting_edit": Change("POST", "fk_officer", 302, 2),
    "mapping:intervention_create": Change("POST", "af_officer", 302, 2),
    "mapping:intervention_edit": Change("POST", "af_officer", 302, 2),
    "mapping:intervention_start": Change("POST", "af_officer", 302, 3, changes=2),
    "cases:case_transition": Change("POST", "fk_officer", 302, 2),
    "cases:case_close": Change("POST", "fk_officer", 302, 2),
    "cases:situation_start": Change("POST", "af_officer", 302, 2),
    "cases:situation_end": Change("POST", "af_officer", 302, 2),
    "mapping:plan_create": Change("POST", "fk_officer", 302, 2),
    "cases:consent_confirm": Change("POST", "fk_officer", 302, 2),
    "api:consent-confirm": Change("POST", "fk_officer", 200, 2),
    "api:consent-withdraw": Change("POST", "fk_officer", 200, 2),
    "api:consent-list": Change("POST", "fk_officer", 201, 1),
    "api:meeting-list": Change("POST", "fk_officer", 201, 2),
    "api:plan-list": Change("POST", "af_officer", 201, 2),
    "api:phase-transition-list": Change("POST", "af_officer", 201, 1),
    "api:intervention-list": Change("POST", "af_officer", 201, 2),
    "api:meeting-detail": Change("PATCH", "fk_officer", 200, 2),
    "api:intervention-detail": Change("PATCH", "af_officer", 200, 2),
    "api:mapping-detail": Change("PATCH", "fk_officer", 200, 2),
    "api:intervention-start": Change("POST", "af_officer", 200, 3, changes=2),
    "api:intervention-end": Change("POST", "af_officer", 200, 2),
    "mapping:intervention_end": Change("POST", "af_officer", 302, 2),
    "api:intervention-move": Change("POST", "af_officer", 201, 4, changes=3),
    "mapping:intervention_move": Change("POST", "af_officer", 302, 4, changes=3),
    "mapping:case_meeting_create": Change("POST", "fk_officer", 302, 2),
    "mapping:mapping_create": Change("POST", "fk_officer", 302, 2),
    "cases:person_reason": Change("POST", "colleague", 302, 1, actions=("break_glass",)),
    "cases:case_open": Change("POST", "fk_officer", 302, 2),
    "api:case-list": Change("POST", "fk_officer", 201, 1),
    "cases:case_move": Change("POST", "coordinator", 302, 2),
    "cases:flag_dismiss": Change("POST", "fk_officer", 302, 2),
    "cases:reassign": Change("POST", "coordinator", 302, 1),
    "mapping:mapping_decide": Change("POST", "fk_officer", 302, 2),
    "api:mapping-decide": Change("POST", "fk_officer", 200, 2),
    "mapping:mapping_sign": Change("POST", "af_officer", 302, 2),
    "api:mapping-sign": Change("POST", "af_officer", 200, 2),
    "mapping:mapping_change_request": Change("POST", "af_officer", 302, 2),
    "mapping:closing_document_edit": Change("POST", "af_officer", 302, 2),
    "mapping:closing_document_confirm": Change("POST", "fk_officer", 302, 3, changes=2),
    "mapping:closing_document_return": Change("POST", "fk_officer", 302, 2),
    "preparation:referral_add": Change("POST", "fk_officer", 302, 1),
    "preparation:referral_decide": Change("POST", "fk_officer", 302, 4, changes=3),
    "reporting:quality_review_list": Change("POST", "coordinator", 302, 2, changes=2, area_rows=1),
    "reporting:quality_review_item": Change("POST", "coordinator", 302, 2),
    "reporting:quality_review_reviewer": Change("POST", "coordinator", 302, 2),
    "reporting:quality_feedback_detail": Change("POST", "fk_officer", 302, 1),
}

# Routes that change no person's data, or whose change cannot be made by one call of one role.
EXCLUDED = {
    # Accounts and the session: the user's own sign-in, password and language, not a person's.
    "accounts:password_reset_confirm": "the user's own password",
    "accounts:login": "signs in; logged as a login",
    "accounts:logout": "ends the session; logged as a logout",
    "accounts:password_change": "the user's own password",
    "accounts:second_factor": "the user's own second factor",
    "accounts:second_factor_enrol": "the user's own second factor",
    "set_language": "the session's language",
    # A read that takes a form: a search, no change of the person.
    "cases:person_search": "a search (logged as one, counted by the matrix)",
    # The organisation, imports, exports and the log review: no single person's record changes.
    "imports:organisation": "the organisation's units and areas",
    "imports:upload": "a file for a background job (imports' own tests count its rows)",
    "api:import": "a file for a background job (imports' own tests count its rows)",
    "exports:start": "starts an export job: an export, logged when the file is made",
    "audit:review": "the log review's own record",
    # Aggregates of an area (figures, no person): work plans, monthly reports, deviations.
    "api:work-plan-detail": "an area's work plan: figures, no person",
    "api:work-plan-list": "an area's work plan: figures, no person",
    "reporting:work_plan_create": "an area's work plan: figures, no person",
    "funds:consumption": "an area's consumption of funds: money, no person",
    "reporting:work_plan_edit": "an area's work plan: figures, no person",
    "reporting:work_plan_submit": "an area's work plan: figures, no person",
    "reporting:work_plan_decide": "an area's work plan: figures, no person",
    "api:work-plan-submit": "an area's work plan: figures, no person",
    "api:work-plan-decide": "an area's work plan: figures, no person",
    "reporting:monthly_reports": "an area's monthly report: figures, no person",
    "national:calendar": "orders a reporting-calendar package: figures, no person",
    "national:publish": "publishes an area's month: its snapshot, figures, no person",
    "api:deviation-report-action-done": "a deviation report on an area's figures",
    "api:deviation-report-actions": "a deviation report on an area's figures",
    "api:deviation-report-close": "a deviation report on an area's figures",
    "api:deviation-report-detail": "a deviation report on an area's figures",
    "reporting:deviation_action_create": "a deviation report on an area's figures",
    "reporting:deviation_action_done": "a deviation report on an area's figures",
    "reporting:deviation_close": "a deviation report on an area's figures",
    "reporting:deviation_escalate": "a deviation report on an area's figures",
    "reporting:deviation_dialogue_create": "a deviation report on an area's figures",
    "api:deviation-report-escalate": "a deviation report on an area's figures",
    "api:deviation-report-dialogues": "a deviation report on an area's figures",
    "reporting:deviation_edit": "a deviation report on an area's figures",
    # The preparation group's session: its day, who attended, the protocol's own notes and its
    # closing. Each person presented, and each decision, is logged by referral_add and
    # referral_decide; these change no person's record and show no one.
    "preparation:session_create": "a session of the preparation group: its day and attendees",
    "preparation:session_notes": "the session's attendees and the protocol's general notes",
    "preparation:session_close": "closes the protocol; each decision was logged when made",
}

# Change routes not yet proved here with a valid change: each still needs its payload.
NOT_YET_PROVED = ()
# fmt: on
