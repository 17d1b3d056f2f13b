"""The funds' code list and yearly figures in the admin, with history (ADR 0006): each
agency's activity categories (defaults Tabell 7 and 8), the allocations and the cost per FTE.
The consumption is entered by coordinators and imported (funds.services), never here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActivityCategory, Allocation, FteCost


@admin.register(ActivityCategory)
class ActivityCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "agency", "code", "kind", "position", "is_active"]
    list_filter = ["agency", "kind", "is_active"]
    ordering = ["agency__code", "position", "name"]


@admin.register(Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    list_display = ["year", "category", "area", "amount"]
    list_filter = ["year", "category__agency", "area"]
    list_select_related = ["category", "category__agency", "area"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(FteCost)
class FteCostAdmin(SimpleHistoryAdmin):
    list_display = ["year", "agency", "cost_per_fte"]
