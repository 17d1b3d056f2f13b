"""Reporting pages: the statistics overview, the areas' work plans and deviation reports
(SPEC §5)."""

from .deviations import (
    deviation_action_create,
    deviation_action_done,
    deviation_close,
    deviation_detail,
    deviation_edit,
    deviation_list,
)
from .overview import overview
from .work_plans import work_plan_create, work_plan_edit, work_plan_list

__all__ = [
    "deviation_action_create",
    "deviation_action_done",
    "deviation_close",
    "deviation_detail",
    "deviation_edit",
    "deviation_list",
    "overview",
    "work_plan_create",
    "work_plan_edit",
    "work_plan_list",
]
