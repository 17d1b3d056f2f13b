"""Running an export (SPEC §6, §7; ADR 0013): checking what was asked for, writing the file in
the chosen format while the rows stream from the database, and the access log.

The API streams CSV and JSON straight into the response and writes XLSX to a temporary file
first; the browser's export page creates an `ExportJob` that a Celery task writes to a file under
EXPORT_DIR, reporting its progress, for the user to download within 24 hours.

The access log gets, for every export: one EXPORT entry per area the export covers (kind,
filters, format, identity mode and the export id in the purpose, so each area's coordinator sees
it), and for a full-identity export also one entry per exported row (the case, intervention or
mapping with its person), written in batches as the rows are produced: the log holds what was
actually exported, even when a download is broken off."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AREA_CODE, Area
from accounts.scoping import scope_for
from audit.models import AccessLog
from audit.services import access_log_record, access_log_record_subjects
from samverkan.dates import EARLIEST_DAY, LATEST_DAY

from . import formats, selectors
from .columns import KINDS, columns_for
from .models import ExportJob
from .pseudonyms import PersonKey, new_export_id
from .selectors import (
    FULL,
    ExportQuery,
    export_area_ids_for,
    export_count,
    export_mode_for,
    export_rows,
)

logger = logging.getLogger(__name__)

# A browser export's progress is saved this often (rows), and its file kept this long.
PROGRESS_EVERY = 2000
FILE_LIFETIME = dt.timedelta(hours=24)

DAY_FORMAT = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
EXPORT_ID_FORMAT = re.compile(r"\A[a-p]{32}\Z")


class ExportParamsError(Exception):
    """Bad parameters: {parameter: [messages in Swedish]} (the API's 400)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class ExportAreaNotFound(Exception):
    """An area code that does not exist or lies outside the user's export scope: the same
    answer either way (404), so other areas' codes cannot be probed. Already logged."""


class ExportNotAllowed(Exception):
    """The user may not export at all (403)."""


def user_may_export(user) -> bool:
    return export_mode_for(user) is not None


@dataclass(frozen=True)
class ExportSpec:
    """What was asked for, checked: kind, format, CSV delimiter, areas and period."""

    kind: str
    file_format: str = "csv"  # formats.FORMATS
    delimiter: str = "semicolon"  # formats.DELIMITERS
    areas: tuple[Area, ...] = ()  # empty: every area the user may export
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # Another file of an export the same user started within 24 hours: same id, same pseudonyms.
    export_id: str | None = None

    @property
    def format(self) -> formats.Format:
        return formats.FORMATS[self.file_format]

    def describe(self) -> str:
        """For the access log and the job page: kind, format, areas, period."""
        fmt = self.file_format
        if fmt == "csv":
            fmt = f"csv {formats.DELIMITERS[self.delimiter]}"
        areas = ", ".join(area.code for area in self.areas) or "alla behöriga områden"
        period = (
            f"{self.date_from or '…'}–{self.date_to or '…'}"
            if self.date_from or self.date_to
            else "hela tiden"
        )
        return f"{self.kind}, {fmt}, {areas}, {period}"


def _parse_day(name: str, text: str, errors: dict) -> dt.date | None:
    try:
        if not DAY_FORMAT.match(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = [_("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-04-30.")]
        return None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        errors[name] = [
            _("Ange ett datum mellan %(first)s och %(last)s.")
            % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()}
        ]
        return None
    return day


def export_areas_resolve(*, user, codes: str, request=None, kind: str = "") -> tuple[Area, ...]:
    """The areas of `codes` ("sdt" or "sdt,gno"); a code that does not exist or lies outside the
    user's export scope is ExportAreaNotFound, logged as a refusal against that area (when it
    exists) so its coordinator sees who tried, as reporting.api.params does for reports."""
    allowed = export_area_ids_for(user)
    found = []
    for code in sorted({part.strip() for part in (codes or "").split(",") if part.strip()}):
        # Codes are slugs; anything else cannot exist (and a NUL must not reach PostgreSQL).
        area = Area.objects.filter(code=code).first() if AREA_CODE.match(code) else None
        if area is None or (allowed is not None and area.pk not in allowed):
            access_log_record(
                action=AccessLog.Action.DENIED,
                request=request,
                user=user,
                object_type="export",
                object_id=code[:64],
                area_id=area.pk if area is not None else None,
                purpose=f"export {kind}, område utanför behörigheten",
            )
            raise ExportAreaNotFound(code)
        found.append(area)
    return tuple(found)


def export_spec_parse(*, user, kind: str, data: Mapping, request=None) -> ExportSpec:
    """Check the parameters of an API request (`area`, `from`, `to`, `format`, `delimiter`).

    Order of refusals: no export right (ExportNotAllowed, 403), then bad values (ExportParamsError
    naming every bad parameter, 400), then an area outside the scope (ExportAreaNotFound, 404,
    logged): nothing is read for a request that will be refused."""
    if not user_may_export(user):
        raise ExportNotAllowed
    errors: dict[str, list[str]] = {}
    file_format = (data.get("format") or "csv").strip()
    if file_format not in formats.FORMATS:
        errors["format"] = [_("Välj formatet csv, json eller xlsx.")]
    delimiter = (data.get("delimiter") or "semicolon").strip()
    if delimiter not in formats.DELIMITERS:
        errors["delimiter"] = [_("Välj avgränsaren semicolon (;) eller comma (,).")]
    days = {}
    for name in ("from", "to"):
        text = data.get(name)
        if text not in (None, ""):
            days[name] = _parse_day(name, text, errors)
    if days.get("from") and days.get("to") and days["from"] > days["to"]:
        errors["to"] = [_("Slutdatumet (to) får inte ligga före startdatumet (from).")]
    export_id = (data.get("export_id") or "").strip() or None
    if export_id is not None and not export_continuable(user=user, export_id=export_id):
        errors["export_id"] = [
            _(
                "Ingen export med det id:t som du har gjort de senaste 24 timmarna. Utelämna "
                "export_id för att börja en ny export."
            )
        ]
    if errors:
        raise ExportParamsError(errors)
    areas = export_areas_resolve(
        user=user, codes=data.get("area") or "", request=request, kind=kind
    )
    return ExportSpec(
        kind=kind,
        file_format=file_format,
        delimiter=delimiter,
        areas=areas,
        date_from=days.get("from"),
        date_to=days.get("to"),
        export_id=export_id,
    )


def export_continuable(*, user, export_id: str) -> bool:
    """Whether `user` started the export `export_id` within the last 24 hours (its EXPORT entry
    in the access log is the record), so another of its files may use the same pseudonyms.
    Someone else's export id is refused like an unknown one."""
    if not EXPORT_ID_FORMAT.match(export_id):
        return False
    # The 24 hours count from the export's first file: each continuation is logged too, and
    # counting from the latest would let one key live for ever (a long-lived pseudonym). The
    # mode must be the same: a full-identity file beside its keys would be a lookup table for
    # a later pseudonymised one.
    first = (
        AccessLog.objects.filter(
            action=AccessLog.Action.EXPORT, object_type="export", object_id=export_id
        )
        .order_by("occurred_at", "id")
        .first()
    )
    if first is None or first.user_id != user.pk:
        return False
    if first.occurred_at < timezone.now() - FILE_LIFETIME:
        return False
    mode = "full identitet" if export_mode_for(user) == FULL else "pseudonymiserad"
    return f", {mode}, export-id " in first.purpose


# --- one export -------------------------------------------------------------------------------


class ExportRun:
    """One export of `spec` for `user`: its id and pseudonym key, the rows with their logging,
    and the writers. `request` (the API or the page) or None (the Celery task)."""

    def __init__(self, *, user, spec: ExportSpec, export_id: str | None = None, request=None):
        mode = export_mode_for(user)
        if mode is None:
            raise ExportNotAllowed
        self.user = user
        self.spec = spec
        self.request = request
        self.export_id = export_id or spec.export_id or new_export_id()
        self.today = timezone.localdate()
        self.query = ExportQuery(
            kind=spec.kind,
            mode=mode,
            agency_code=scope_for(user).agency_code if mode == FULL else "",
            area_ids=tuple(area.pk for area in spec.areas) or None,
            date_from=spec.date_from,
            date_to=spec.date_to,
        )
        self.columns = columns_for(spec.kind, full_identity=self.query.full_identity)
        self.rows_done = 0

    @property
    def identity_mode(self) -> str:
        return "full identitet" if self.query.full_identity else "pseudonymiserad"

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
            access_log_record(
                action=AccessLog.Action.EXPORT,
                request=self.request,
                user=self.user,
                object_type="export",
                object_id=self.export_id,
                area_id=area_id,
                purpose=self.purpose(),
            )

    def rows(self, on_progress: Callable[[int], None] | None = None) -> Iterator[list]:
        """The rows' values; full-identity rows are logged one entry each, in batches."""
        log_rows = self.query.full_identity
        purpose = f"export {self.spec.kind}, export-id {self.export_id}"
        pending: list[tuple] = []

        def flush():
            if pending:
                access_log_record_subjects(
                    action=AccessLog.Action.EXPORT,
                    subjects=pending,
                    request=self.request,
                    user=self.user,
                )
                pending.clear()

        try:
            for values, subject in export_rows(
                self.query,
                user=self.user,
                today=self.today,
                person_key=PersonKey(self.export_id),
            ):
                if log_rows:
                    pending.append(
                        (
                            subject.object_type,
                            subject.object_id,
                            subject.person_id,
                            subject.area_id,
                            purpose,
                        )
                    )
                    # One INSERT per chunk read: the log batch is as small as the rows held.
                    if len(pending) >= selectors.CHUNK_SIZE:
                        flush()
                self.rows_done += 1
                if on_progress is not None and self.rows_done % PROGRESS_EVERY == 0:
                    on_progress(self.rows_done)
                yield values
        finally:
            # Also when the client breaks off: what was produced is logged.
            flush()

    # --- writers

    def stream(self) -> Iterator[bytes]:
        """CSV or JSON, chunk by chunk."""
        if self.spec.file_format == "json":
            return formats.json_chunks(self.columns, self.rows())
        return formats.csv_chunks(
            self.columns, self.rows(), delimiter=formats.DELIMITERS[self.spec.delimiter]
        )

    def write(self, target, *, on_progress=None, tmpdir: str | None = None) -> None:
        """The whole export into `target` (a binary file, or a path for XLSX)."""
        if self.spec.file_format == "xlsx":
            formats.xlsx_write(
                self.columns,
                self.rows(on_progress),
                target=target,
                sheet_name=self.spec.kind,
                tmpdir=tmpdir,
            )
            return
        if self.spec.file_format == "json":
            chunks = formats.json_chunks(self.columns, self.rows(on_progress))
        else:
            chunks = formats.csv_chunks(
                self.columns,
                self.rows(on_progress),
                delimiter=formats.DELIMITERS[self.spec.delimiter],
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
    target = tempfile.TemporaryFile(dir=_export_dir())
    try:
        run.write(target, tmpdir=str(_export_dir()))
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return target


# --- browser exports --------------------------------------------------------------------------


def _export_dir() -> Path:
    path = Path(getattr(settings, "EXPORT_DIR", Path(settings.BASE_DIR) / ".data" / "exports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


FORMAT_OF_JOB = {
    ExportJob.FileFormat.CSV_SEMICOLON: ("csv", "semicolon"),
    ExportJob.FileFormat.CSV_COMMA: ("csv", "comma"),
    ExportJob.FileFormat.XLSX: ("xlsx", "semicolon"),
    ExportJob.FileFormat.JSON: ("json", "semicolon"),
}


def export_job_create(
    *,
    user,
    kind: str,
    file_format: str,
    areas=(),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    export_id: str | None = None,
) -> ExportJob:
    """Order a browser export (`export_id`: another file of an export the user made within
    24 hours, with its pseudonyms); the task starts once the order is committed."""
    if not user_may_export(user):
        raise ExportNotAllowed
    if kind not in KINDS:
        raise ValueError(kind)
    if export_id is not None and not export_continuable(user=user, export_id=export_id):
        raise ExportParamsError({"export_id": [_("Exporten finns inte längre.")]})
    job = ExportJob.objects.create(
        user=user,
        export_id=export_id or new_export_id(),
        kind=kind,
        file_format=file_format,
        area_codes=",".join(sorted(area.code for area in areas)),
        date_from=date_from,
        date_to=date_to,
    )
    from .tasks import export_job_run as task

    transaction.on_commit(lambda: task.delay(job.pk))
    return job


def export_job_path(job: ExportJob) -> Path:
    extension = formats.FORMATS[FORMAT_OF_JOB[job.file_format][0]].extension
    return _export_dir() / f"{job.pk}-{job.export_id}.{extension}"


def _job_update(job: ExportJob, *, started: dt.datetime | None = None, **fields) -> None:
    """Save `fields` of the job; with `started`, only while the job's run is still that one."""
    for name, value in fields.items():
        setattr(job, name, value)
    jobs = ExportJob.objects.filter(pk=job.pk)
    if started is not None:
        jobs = jobs.filter(started_at=started)
    jobs.update(**fields)


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the job's file. Idempotent: a finished job is left as it is; a job found running
    (its worker died, the message came back) starts again from the first row, with the same
    export id, so the same pseudonyms. The user's scope is checked again now: rights lost
    between the order and the run fail the job.

    A message delivered twice (acks_late) can start a second run while the first still writes:
    each run writes its own `.part` file and changes the job only while the job's `started_at`
    is still its own, so the later run wins and the earlier one leaves no trace."""
    started = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("user").get(pk=job_id)
        if job.is_finished:
            return job
        _job_update(job, state=ExportJob.State.RUNNING, started_at=started, rows_done=0, error="")
    path = export_job_path(job)
    partial = path.with_suffix(f"{path.suffix}.{secrets.token_hex(4)}.part")

    def _own_update(job, **fields):  # this run's changes, only while the job is still its own
        _job_update(job, started=started, **fields)

    try:
        file_format, delimiter = FORMAT_OF_JOB[job.file_format]
        try:
            areas = export_areas_resolve(user=job.user, codes=job.area_codes, kind=job.kind)
        except ExportAreaNotFound:
            raise ExportNotAllowed from None
        spec = ExportSpec(
            kind=job.kind,
            file_format=file_format,
            delimiter=delimiter,
            areas=areas,
            date_from=job.date_from,
            date_to=job.date_to,
        )
        run = ExportRun(user=job.user, spec=spec, export_id=job.export_id)
        _own_update(job, rows_total=run.count())
        run.log_start()

        def progress(done: int) -> None:
            _own_update(job, rows_done=done)

        if file_format == "xlsx":
            run.write(str(partial), on_progress=progress, tmpdir=str(_export_dir()))
        else:
            with open(partial, "wb") as target:
                run.write(target, on_progress=progress)
        with transaction.atomic():
            current = ExportJob.objects.select_for_update().get(pk=job.pk)
            if current.started_at != started:
                partial.unlink(missing_ok=True)  # a later run of the same job owns it now
                return current
            os.replace(partial, path)
            _own_update(
                job,
                state=ExportJob.State.DONE,
                rows_done=run.rows_done,
                rows_total=run.rows_done,
                file_name=run.filename(),
                file_size=path.stat().st_size,
                finished_at=timezone.now(),
            )
    except ExportNotAllowed:
        partial.unlink(missing_ok=True)
        _own_update(
            job,
            state=ExportJob.State.FAILED,
            error=_("Du har inte längre behörighet till den här exporten."),
            finished_at=timezone.now(),
        )
    except OperationalError:
        # The database went away: the task retries (exports.tasks), starting again.
        partial.unlink(missing_ok=True)
        _own_update(job, state=ExportJob.State.QUEUED)
        raise
    except Exception:
        logger.exception("Export %s misslyckades", job.pk)
        partial.unlink(missing_ok=True)
        _own_update(
            job,
            state=ExportJob.State.FAILED,
            error=_("Exporten misslyckades. Försök igen eller kontakta förvaltningen."),
            finished_at=timezone.now(),
        )
    return job


def export_job_download_logged(*, job: ExportJob, request) -> None:
    # Its own object type: a download is no new file of the export and must not extend the
    # export id's 24 hours (export_continuable).
    access_log_record(
        action=AccessLog.Action.EXPORT,
        request=request,
        object_type="export_download",
        object_id=job.export_id,
        purpose=f"nedladdning av export {job.kind}, export-id {job.export_id}",
    )


def export_files_purge(*, now: dt.datetime | None = None) -> int:
    """Remove export files older than 24 hours (SPEC §7: personal data leaves no copies lying
    around): finished jobs become `expired`; stray files (a crashed run's `.part`) go too.
    Returns the number of files removed."""
    now = now or timezone.now()
    limit = now - FILE_LIFETIME
    removed = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.DONE, finished_at__lt=limit):
        path = export_job_path(job)
        if path.exists():
            path.unlink()
            removed += 1
        _job_update(job, state=ExportJob.State.EXPIRED, file_size=None)
    kept = {
        export_job_path(job).name
        for job in ExportJob.objects.filter(
            state__in=[ExportJob.State.DONE, ExportJob.State.RUNNING, ExportJob.State.QUEUED]
        )
    }
    directory = _export_dir()
    for path in directory.iterdir():
        if not path.is_file() or path.name in kept:
            continue
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        if modified < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
