"""The follow-up metrics of SPEC §5 as set-based SQL: each function aggregates in PostgreSQL and
returns plain, JSON-serialisable dicts (stored in snapshots, served by the API).

Every function takes `months` (first days of whole months; a period is the union of its months)
and `area_ids` (None: the nation), except `status_report`, which takes a day."""

from .inflow import inflow
from .mappings import mapping_report, mapping_stats
from .monthly import caseload_on, month_figures
from .outcomes import average_days, outcomes
from .printing import printed_share
from .status import status_report, status_report_period
from .timeliness import timeliness, timeliness_months

__all__ = [
    "average_days",
    "caseload_on",
    "inflow",
    "mapping_report",
    "mapping_stats",
    "month_figures",
    "outcomes",
    "printed_share",
    "status_report",
    "status_report_period",
    "timeliness",
    "timeliness_months",
]
