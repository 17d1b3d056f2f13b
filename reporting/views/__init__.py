"""Reporting pages: the statistics overview and the areas' work plans (SPEC §5)."""

from .overview import overview
from .work_plans import work_plan_create, work_plan_edit, work_plan_list

__all__ = ["overview", "work_plan_create", "work_plan_edit", "work_plan_list"]
