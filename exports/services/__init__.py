"""Running an export (SPEC §6, §7; ADR 0013), by step:

- `spec`: what was asked for, checked (kind, format, areas within the user's scope, period, an
  export id to continue);
- `run`: one export, its rows streamed from the database into CSV, JSON or XLSX, with the
  access log;
- `jobs`: the browser's export jobs, run by a thin Celery task (exports.tasks), and the removal
  of their files after 24 hours."""

from .jobs import (
    FORMAT_OF_JOB,
    export_files_purge,
    export_job_as_seen_here,
    export_job_create,
    export_job_download_logged,
    export_job_path,
    export_job_run,
    export_jobs_run_by,
)
from .run import PROGRESS_EVERY, ExportRun, export_dir, export_temporary_xlsx
from .spec import (
    FILE_LIFETIME,
    ExportAreaNotFound,
    ExportNotAllowed,
    ExportParamsError,
    ExportSpec,
    export_areas_resolve,
    export_continuable,
    export_spec_parse,
    user_may_export,
)

__all__ = [
    "FILE_LIFETIME",
    "FORMAT_OF_JOB",
    "PROGRESS_EVERY",
    "ExportAreaNotFound",
    "ExportNotAllowed",
    "ExportParamsError",
    "ExportRun",
    "ExportSpec",
    "export_areas_resolve",
    "export_continuable",
    "export_dir",
    "export_files_purge",
    "export_job_as_seen_here",
    "export_job_create",
    "export_job_download_logged",
    "export_job_path",
    "export_job_run",
    "export_jobs_run_by",
    "export_spec_parse",
    "export_temporary_xlsx",
    "user_may_export",
]
