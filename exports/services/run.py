"""One export run (SPEC §6, §7; ADR 0013): the rows streamed from the database into the chosen
format, and the access log.

The API streams CSV and JSON straight into the response and writes XLSX to a temporary file
first; the browser's jobs (exports.services.jobs) write a file under EXPORT_DIR. The API's CSV is
written by PostgreSQL (exports.services.csvfile): the same bytes as the Python writer's, without
Python per row or cell.

The access log gets, for every export: one EXPORT entry per area the export covers (kind,
filters, format, identity mode, export id and any stated reason in the purpose, so each area's
coordinator sees it), and for a full-identity export also one entry per exported row (the case,
intervention or mapping with its person), written in batches as the rows are produced: the log
holds what was actually exported, even when a download is broken off (the API's CSV writes them
all in one `INSERT … SELECT` and commits them before its first row leaves). A row whose person
is off the exporter's caseload (exported with a stated reason) is logged `outside_caseload`,
with the reason, so the log review's list of unusual access counts it.

Export files are the user's personal data at rest: the directory is 0700 and every file 0600,
whatever the process's umask (`export_dir`, samverkan.jobfiles)."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import Area
from accounts.scoping import scope_for
from audit.models import AccessLog
from samverkan.jobfiles import private_dir
from samverkan.services import AccessContext, log_access, log_access_subjects, require_context

from .. import formats
from ..columns import columns_for
from ..headers import LABELS, headers_of, value_labeller
from ..models import ExportJob
from ..pseudonyms import PersonKey, new_export_id
from ..selectors import (
    FULL,
    ExportQuery,
    export_area_ids_for,
    export_count,
    export_mode_for,
    export_reaches_outside,
    export_rows,
)
from ..selectors import rows as row_reading
from .csvfile import export_csv_chunks
from .grading import coarsened_export_graded, coarsened_selection_conflict, whole_months
from .spec import (
    FILE_LIFETIME,
    ExportNotAllowed,
    ExportParamsError,
    ExportSpec,
    export_gone_message,
    identity_mode_label,
)

# A browser export's progress is reported this often (rows).
PROGRESS_EVERY = 2000


def export_dir() -> Path:
    """Where export files are written (EXPORT_DIR), created when missing; only the
    application's own system user may enter it (samverkan.jobfiles.private_dir)."""
    return private_dir(
        getattr(settings, "EXPORT_DIR", Path(settings.BASE_DIR) / ".data" / "exports")
    )


class ExportRun:
    """One export of `spec` for the context's user: its id and pseudonym key, the rows with
    their logging, and the writers. The context is the API call's, or the Celery task's on
    behalf of the user who ordered the export."""

    def __init__(self, *, context: AccessContext, spec: ExportSpec, export_id: str | None = None):
        self.context = require_context(context)
        user = context.user
        mode = export_mode_for(user)
        if mode is None:
            raise ExportNotAllowed
        self.user = user
        self.spec = spec
        self.export_id = export_id or spec.export_id or new_export_id()
        self.today = timezone.localdate()
        date_from, date_to = spec.date_from, spec.date_to
        if mode != FULL:
            date_from, date_to = whole_months(date_from, date_to)
        self.reason = context.reason.strip()
        self.query = ExportQuery(
            kind=spec.kind,
            mode=mode,
            agency_code=scope_for(user).agency_code if mode == FULL else "",
            area_ids=tuple(area.pk for area in spec.areas) or None,
            date_from=date_from,
            date_to=date_to,
            outside=export_reaches_outside(user=user, reason=self.reason),
            order_key=self.export_id,
        )
        if mode != FULL:
            self._graded()
        self.columns = columns_for(spec.kind, full_identity=self.query.full_identity)
        self.headers = headers_of(self.columns, headers=spec.headers)
        # JSON keeps its documented codes; a CSV or workbook with headers in words gets words.
        self.labelled = (
            value_labeller(self.columns, headers=spec.headers)
            if spec.file_format != "json"
            else None
        )
        self.rows_done = 0

    def _graded(self) -> None:
        """A coarsened export shows each person at the level its first file fixed."""
        conflict = coarsened_selection_conflict(
            user=self.user,
            export_id=self.export_id,
            area_ids=self.query.area_ids,
            date_from=self.query.date_from,
            date_to=self.query.date_to,
        )
        if conflict:
            raise ExportParamsError({"export_id": [conflict]})
        graded_by = coarsened_export_graded(
            query=self.query,
            user=self.user,
            today=self.today,
            export_id=self.export_id,
            lifetime=FILE_LIFETIME,
        )
        if graded_by is None:
            raise ExportParamsError({"export_id": [export_gone_message()]})
        self.query = dataclasses.replace(self.query, graded_by=graded_by)

    @property
    def identity_mode(self) -> str:
        return identity_mode_label(self.query.mode)

    def purpose(self) -> str:
        return f"export {self.spec.describe()}, {self.identity_mode}, export-id {self.export_id}"

    def count(self) -> int:
        return export_count(self.query, user=self.user, today=self.today)

    def log_start(self) -> None:
        """One EXPORT entry per area the export covers."""
        if self.spec.areas:
            area_ids = [area.pk for area in self.spec.areas]
        else:
            allowed = export_area_ids_for(self.user)
            area_ids = sorted(
                allowed
                if allowed is not None
                else Area.objects.order_by("pk").values_list("pk", flat=True)
            )
        for area_id in area_ids or [None]:
            log_access(
                self.context,
                action=AccessLog.Action.EXPORT,
                object_type="export",
                object_id=self.export_id,
                area_id=area_id,
                purpose=self.purpose(),
            )

    def row_purpose(self, *, outside: bool) -> str:
        """The purpose of a row's log entry; for a row off the caseload with the reason."""
        purpose = f"export {self.spec.kind}, export-id {self.export_id}"
        return f"{purpose}, utanför ärendebeståndet, skäl: {self.reason}" if outside else purpose

    def rows(self, on_progress: Callable[[int], None] | None = None) -> Iterator[list]:
        """The rows' values; full-identity rows are logged one entry each, in batches."""
        log_rows = self.query.full_identity
        purpose = self.row_purpose(outside=False)
        outside_purpose = self.row_purpose(outside=True)
        pending: list[tuple] = []
        outside_ids: set[int] = set()

        def flush():
            if pending:
                log_access_subjects(
                    self.context,
                    action=AccessLog.Action.EXPORT,
                    subjects=pending,
                    outside_ids=frozenset(outside_ids),
                )
                pending.clear()
                outside_ids.clear()

        try:
            for values, subject in export_rows(
                self.query,
                user=self.user,
                today=self.today,
                person_key=PersonKey(self.export_id),
            ):
                if log_rows:
                    if subject.outside_caseload:
                        outside_ids.add(subject.person_id)
                    pending.append(
                        (
                            subject.object_type,
                            subject.object_id,
                            subject.person_id,
                            subject.area_id,
                            outside_purpose if subject.outside_caseload else purpose,
                        )
                    )
                    # One INSERT per chunk read: the log batch is as small as the rows held.
                    if len(pending) >= row_reading.CHUNK_SIZE:
                        flush()
                self.rows_done += 1
                if on_progress is not None and self.rows_done % PROGRESS_EVERY == 0:
                    on_progress(self.rows_done)
                yield self.labelled(values) if self.labelled else values
        finally:
            # Also when the client breaks off: what was produced is logged.
            flush()

    # --- writers

    def stream(self) -> Iterator[bytes]:
        """CSV or JSON, chunk by chunk. CSV is written by the database (exports.services
        .csvfile): the same bytes as `formats.csv_chunks` of `rows()`, without Python per row."""
        if self.spec.file_format == "json":
            return formats.json_chunks(self.columns, self.rows())
        return export_csv_chunks(self)

    def sheet_name(self) -> str:
        """The workbook's sheet: the kind's name for people, its code name for machines."""
        if self.spec.headers == LABELS:
            return str(dict(ExportJob.Kind.choices)[self.spec.kind])
        return self.spec.kind

    def write(self, target, *, on_progress=None, tmpdir: str | None = None) -> None:
        """The whole export into `target` (a binary file, or a path for XLSX)."""
        if self.spec.file_format == "xlsx":
            formats.xlsx_write(
                self.columns,
                self.rows(on_progress),
                target=target,
                sheet_name=self.sheet_name(),
                tmpdir=tmpdir,
                headers=self.headers,
            )
            return
        if self.spec.file_format == "json":
            chunks = formats.json_chunks(self.columns, self.rows(on_progress))
        else:
            chunks = formats.csv_chunks(
                self.columns,
                self.rows(on_progress),
                delimiter=formats.DELIMITERS[self.spec.delimiter],
                headers=self.headers,
            )
        for chunk in chunks:
            target.write(chunk)

    def filename(self) -> str:
        """samverkan-<kind>-<areas>-<date>.<ext>; area codes are slugs, safe in a file name."""
        codes = [area.code for area in self.spec.areas]
        where = "-".join(codes) if 0 < len(codes) <= 3 else ("omraden" if codes else "alla")
        extension = self.spec.format.extension
        return f"samverkan-{self.spec.kind}-{where}-{self.today:%Y-%m-%d}.{extension}"


def export_temporary_xlsx(run: ExportRun):
    """The XLSX of `run` in an anonymous temporary file (already unlinked: it disappears when
    closed), positioned at its start, for a FileResponse to stream."""
    target = tempfile.TemporaryFile(dir=export_dir())
    try:
        run.write(target, tmpdir=str(export_dir()))
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return target
