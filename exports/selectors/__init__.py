"""Who may export which rows, and the rows themselves (SPEC §6, §7; ADR 0013).

One selector decides the rows for the API, the browser and the Celery task alike:

- `scope`: who may export what (case access: what one's own lists show, with full identity, and
  with a stated reason the rest of one's areas, logged as outside the caseload; the export right
  without case access: every case of one's areas, coarsened; everyone else nothing);
- `queries`: each kind's rows as one `values()` queryset, every column computed by PostgreSQL
  from the one definition of each rule (cases.secrecy, reporting.metrics.outcomes);
- `kanon`: the k-anonymity check that a coarsened export's rows pass, in SQL;
- `rows`: reading them through a server-side cursor in chunks, so memory stays flat whatever the
  number of rows."""

from .kanon import K
from .queries import ExportQuery, export_count, export_queryset, export_sql
from .rows import Subject, export_rows
from .scope import (
    COARSENED,
    FULL,
    REASON_MIN_LENGTH,
    export_area_ids_for,
    export_cases,
    export_interventions,
    export_mappings,
    export_mode_for,
    export_people,
    export_reaches_outside,
)

__all__ = [
    "COARSENED",
    "FULL",
    "REASON_MIN_LENGTH",
    "ExportQuery",
    "K",
    "Subject",
    "export_area_ids_for",
    "export_cases",
    "export_count",
    "export_interventions",
    "export_mappings",
    "export_mode_for",
    "export_people",
    "export_queryset",
    "export_reaches_outside",
    "export_rows",
    "export_sql",
]
