"""Work plans, monthly snapshots and deviation reports (SPEC §5)."""

from .snapshot import MonthlySnapshot
from .work_plan import WorkPlan

__all__ = ["MonthlySnapshot", "WorkPlan"]
