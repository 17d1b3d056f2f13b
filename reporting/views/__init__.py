"""Reporting pages: the statistics page with the follow-up dashboard, the areas' work plans and
deviation reports, the quality review (SPEC §5)."""

from .deviations import (
    deviation_action_create,
    deviation_action_done,
    deviation_close,
    deviation_detail,
    deviation_edit,
    deviation_list,
)
from .overview import overview
from .quality import (
    quality_review_detail,
    quality_review_item,
    quality_review_list,
    quality_review_reviewer,
)
from .quality_feedback import quality_feedback_detail
from .work_plans import work_plan_create, work_plan_edit, work_plan_list

__all__ = [
    "deviation_action_create",
    "deviation_action_done",
    "deviation_close",
    "deviation_detail",
    "deviation_edit",
    "deviation_list",
    "overview",
    "quality_feedback_detail",
    "quality_review_detail",
    "quality_review_item",
    "quality_review_list",
    "quality_review_reviewer",
    "work_plan_create",
    "work_plan_edit",
    "work_plan_list",
]
