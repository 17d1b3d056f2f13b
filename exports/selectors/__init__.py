"""Who may export which rows, and the rows themselves (SPEC §6, §7; ADR 0013).

One selector decides the rows for the API, the browser and the Celery task alike:

- `scope`: who may export what (case access: the cases of one's list, with full identity; the
  pseudonymised export right: every case of one's areas, pseudonymised; everyone else nothing);
- `queries`: each kind's rows as one `values()` queryset, every column computed by PostgreSQL
  from the one definition of each rule (cases.secrecy, reporting.metrics.outcomes);
- `rows`: reading them through a server-side cursor in chunks, so memory stays flat whatever the
  number of rows."""

from .queries import ExportQuery, export_count, export_queryset
from .rows import Subject, export_rows
from .scope import (
    FULL,
    PSEUDONYMISED,
    export_area_ids_for,
    export_cases,
    export_interventions,
    export_mappings,
    export_mode_for,
)

__all__ = [
    "FULL",
    "PSEUDONYMISED",
    "ExportQuery",
    "Subject",
    "export_area_ids_for",
    "export_cases",
    "export_count",
    "export_interventions",
    "export_mappings",
    "export_mode_for",
    "export_queryset",
    "export_rows",
]
