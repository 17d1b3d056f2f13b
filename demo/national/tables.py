"""The tables the national dataset is copied into, with the columns each COPY names.

Every NOT NULL column is named, since Django's field defaults live in Python and a COPY gets
none of them. The order here is the order the rows of one batch are copied in: a row's foreign
keys point at tables earlier in the list (the constraints are checked after each COPY). The
change history's tables (django-simple-history) have their model's columns less the excluded
ones, then the history's own; they have no foreign-key constraints."""

from __future__ import annotations

HISTORY = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")


def _columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


MAIN: dict[str, tuple[str, ...]] = {
    "accounts_area": _columns("id code name is_active created_at updated_at"),
    "accounts_officeunit": _columns("id area_id kind code name"),
    "accounts_team": _columns("id area_id name"),
    "accounts_preparationgroup": _columns("id area_id name"),
    "auth_user": _columns(
        "id password last_login is_superuser username first_name last_name email is_staff "
        "is_active date_joined"
    ),
    "accounts_staffprofile": _columns(
        "id user_id agency_id role_id office_unit_id working_time_share created_at updated_at"
    ),
    "accounts_staffprofile_areas": _columns("id staffprofile_id area_id"),
    "accounts_staffprofile_teams": _columns("id staffprofile_id team_id"),
    "reporting_workplan": _columns(
        "id area_id year planned_inflow goal_share_percent goal_average_days "
        "planned_af_fte planned_fk_fte deviation_tolerance_percent prioritisation_follow_up "
        "planned_inflow_by_group status decision_comment version created_by_id "
        "created_at updated_at"
    ),
    "cases_person": _columns(
        "id personnummer is_coordination_number first_name last_name sex birth_date "
        "area_id born_abroad education_level disability phone email street_address "
        "postal_code city protected_identity registered_by_id version created_at "
        "updated_at"
    ),
    "cases_consent": _columns(
        "id person_id given_on basis backdating_reason awaits_fk awaits_af withdrawn_on "
        "covers_sharing covers_follow_up legal_basis recorded_by_id source created_at"
    ),
    "cases_case": _columns(
        "id person_id area_id fk_officer_id af_officer_id fk_office_id af_office_id "
        "target_group benefit "
        "benefit_end_date sick_leave_start return_unlikely_before_181 fk_notes af_notes "
        "phase referral_date start_date end_date exit_reason closing_doc_date version "
        "created_at updated_at"
    ),
    "cases_phasetransition": _columns("id case_id from_phase to_phase date note by_id created_at"),
    "cases_situation": _columns(
        "id case_id moment registered_with_af employed employer_orgnr own_business "
        "working work_share_percent studying public_support_months"
    ),
    "cases_statusentry": _columns(
        "id person_id date code_id note created_by_id created_at updated_at"
    ),
    "mapping_jointmapping": _columns(
        "id area_id person_id initiated_by initiation_reason requested_on "
        "request_received_on first_meeting_on ended_on fk_officer_id af_officer_id "
        "benefit benefit_end_date sick_leave_start participants rough_plan decision "
        "decision_reason decision_date case_target_group case_phase case_date "
        "fk_signed_by_id fk_signed_at af_signed_by_id af_signed_at change_request_reason "
        "case_id fk_office_id af_office_id version created_by_id created_at updated_at"
    ),
    "mapping_meeting": _columns(
        "id person_id mapping_id case_id kind date participants notes employer_name "
        "consultation_goal employer_measures employer_measures_notes follow_up_on "
        "follow_up_result follow_up_notes version created_by_id created_at updated_at"
    ),
    "mapping_planversion": _columns(
        "id case_id version goal activities start_date end_date created_by_id created_at"
    ),
    "mapping_intervention": _columns(
        "id case_id category kind provider provider_name hours_per_week planned_start "
        "start_date end_date goal follow_up_notes outcome moved_from_id version "
        "created_by_id created_at updated_at"
    ),
    "mapping_closingdocument": _columns(
        "id case_id done result situation_at_end recommendations submitted_at "
        "submitted_by_id return_reason confirmed_on confirmed_at confirmed_by_id version "
        "created_by_id created_at updated_at"
    ),
}

# Each tracked model's history table, and the fields its HistoricalRecords leave out.
HISTORIES = {
    "reporting_historicalworkplan": ("reporting_workplan", ("version", "updated_at")),
    "cases_historicalperson": ("cases_person", ("version", "updated_at")),
    "cases_historicalconsent": ("cases_consent", ()),
    "cases_historicalcase": ("cases_case", ("version", "updated_at")),
    "cases_historicalsituation": ("cases_situation", ()),
    "cases_historicalstatusentry": ("cases_statusentry", ()),
    "mapping_historicaljointmapping": ("mapping_jointmapping", ("version", "updated_at")),
    "mapping_historicalmeeting": ("mapping_meeting", ("version", "updated_at")),
    "mapping_historicalintervention": ("mapping_intervention", ("version", "updated_at")),
    "mapping_historicalclosingdocument": ("mapping_closingdocument", ("version", "updated_at")),
}

TABLES: dict[str, tuple[str, ...]] = {
    **MAIN,
    **{
        name: tuple(c for c in MAIN[model] if c not in excluded) + HISTORY
        for name, (model, excluded) in HISTORIES.items()
    },
    # the access log: append-only, and a COPY is an insert
    "audit_accesslog": _columns(
        "id occurred_at user_id username action object_type object_id person_id area_id "
        "purpose outside_caseload ip_address path"
    ),
}

# The column whose sequence each table's ids come from (the history tables number their rows
# with `history_id`; `id` there is the tracked row's).
KEY = {name: ("history_id" if name in HISTORIES else "id") for name in TABLES}
