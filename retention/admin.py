from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "years_after_close", "years_without_activity", "note"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """The record of what went: read only, as a log."""

    list_display = [
        "day",
        "started_at",
        "finished_at",
        "trigger",
        "persons_after_close",
        "persons_without_case",
        "export_files_removed",
        "failed",
    ]
    list_filter = ["trigger", "failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
