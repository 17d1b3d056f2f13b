from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .models import Agency, Area, OfficeUnit, PreparationGroup, Role, StaffProfile, Team


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]

    def has_add_permission(self, request):
        return False  # FK and AF are seeded; there are no others

    def has_delete_permission(self, request, obj=None):
        return False


class OfficeUnitInline(admin.TabularInline):
    model = OfficeUnit
    extra = 0


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


class PreparationGroupInline(admin.TabularInline):
    model = PreparationGroup
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]
    inlines = [OfficeUnitInline, TeamInline, PreparationGroupInline]


@admin.register(OfficeUnit)
class OfficeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "area"]
    list_filter = ["kind", "area"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    list_filter = ["area"]


@admin.register(PreparationGroup)
class PreparationGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    list_filter = ["area"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "agency",
        "case_access",
        "area_wide",
        "area_aggregates",
        "national_aggregates",
        "reviews_access_log",
        "is_officer",
    ]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "agency", "working_time_share"]
    list_filter = ["role", "agency", "areas"]
    filter_horizontal = ["areas", "teams"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["areas", "teams"]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
