"""Work plans, monthly snapshots and deviation reports (SPEC §5)."""

from .deviation import DeviationAction, DeviationDialogue, DeviationReport
from .monthly_report import MonthlyReportDocument
from .quality import QualityFeedback, QualityReview, QualityReviewItem
from .snapshot import MonthlySnapshot
from .work_plan import PlanningYear, WorkPlan

__all__ = [
    "DeviationAction",
    "DeviationDialogue",
    "DeviationReport",
    "MonthlyReportDocument",
    "MonthlySnapshot",
    "PlanningYear",
    "QualityFeedback",
    "QualityReview",
    "QualityReviewItem",
    "WorkPlan",
]
