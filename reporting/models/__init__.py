"""Work plans, monthly snapshots and deviation reports (SPEC §5)."""

from .deviation import DeviationAction, DeviationReport
from .quality import QualityReview, QualityReviewItem
from .snapshot import MonthlySnapshot
from .work_plan import WorkPlan

__all__ = [
    "DeviationAction",
    "DeviationReport",
    "MonthlySnapshot",
    "QualityReview",
    "QualityReviewItem",
    "WorkPlan",
]
