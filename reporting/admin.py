"""The national level's settings of a year of work plans (issue 20): the deadline for the
areas' plans and the national inflow target."""

from django.contrib import admin

from .models import PlanningYear


@admin.register(PlanningYear)
class PlanningYearAdmin(admin.ModelAdmin):
    list_display = ["year", "submission_deadline", "national_inflow_target"]
    ordering = ["-year"]
