"""Only code lists and rule parameters are administered here. People, cases and their records
are deliberately absent: the admin would bypass scoping and the access log (SPEC §7)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import worklist_state
from .models import RuleSet, StatusCode


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "valid_from",
        "prep_to_start_days",
        "max_days",
        "warn_day",
        "benefit_left_months",
        "closing_doc_days",
        "follow_up_days",
        "norm_af",
        "norm_fk",
        "goal_share_percent",
        "goal_average_days",
    ]
    fieldsets = [
        (None, {"fields": ["name", "valid_from"]}),
        (
            "Tidsregler",
            {
                "fields": [
                    "prep_to_start_days",
                    "max_days",
                    "warn_day",
                    "benefit_left_months",
                    "benefit_priority_months",
                    "young_max_age",
                    "closing_doc_days",
                    "follow_up_days",
                    "contact_meeting_day",
                    "mapping_before_benefit_end_months",
                    "max_days_without_intervention",
                ]
            },
        ),
        (
            "Normer och mål",
            {
                "fields": [
                    "norm_af",
                    "norm_fk",
                    "goal_share_percent",
                    "goal_average_days",
                    "deviation_months",
                    "deviation_tolerance_percent",
                ]
            },
        ),
        (
            "Mål för tidsfrister",
            {
                "fields": [
                    "goal_start_on_time_percent",
                    "goal_follow_up_on_time_percent",
                    "goal_closing_doc_on_time_percent",
                    "goal_plan_before_intro_percent",
                    "goal_active_days_percent",
                ]
            },
        ),
    ]

    # Every case's worklist summary was made by the rule sets as they were: dropped with the
    # change (the worklist evaluates until the nightly pass, or queue it now).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        worklist_state.forget_all()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        worklist_state.forget_all()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        worklist_state.forget_all()


@admin.register(StatusCode)
class StatusCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "outcome_category", "is_active"]
    list_filter = ["outcome_category", "is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # entries refer to codes; retire a code with "används" instead
