"""The one way in for every import (SPEC §6): the command, the upload page and the API all call
`import_file` (the page and the API through an import job, imports.jobs). It checks who may
import, reads and checks the whole file as a stream, and writes it in one transaction or not at
all."""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Area
from accounts.scoping import scope_for
from audit.models import AccessLog
from samverkan.services import AccessContext, log_access_subjects, require_context

from .base import Actor
from .kinds import IMPORTERS
from .reading import count_lines, read_rows
from .results import ImportRejected, ImportResult, concurrent_change_rejection

logger = logging.getLogger(__name__)

# One import at a time (a transaction-level advisory lock): the second waits, then finds what
# the first wrote, so two uploads of the same file cannot both insert it.
IMPORT_LOCK_KEY = 0x5AE1_1A0B


def user_may_import(user) -> bool:
    """Coordinators (area-wide case access) import, for their own areas only (SPEC §1, §6)."""
    scope = scope_for(user)
    return bool(scope.is_coordinator and scope.area_ids)


def import_areas_for(user):
    """The areas a user's imports may touch."""
    return Area.objects.filter(pk__in=scope_for(user).area_ids).order_by("name")


def _actor(context: AccessContext) -> Actor:
    user = require_context(context).user
    if user is None:
        # The command line: whoever runs manage.py on the server has every area.
        return Actor(context=context, area_ids=None)
    if not user_may_import(user):
        raise PermissionDenied(_("Bara samordnare kan importera filer."))
    if not context.username:
        context = replace(context, username=user.get_username())
    return Actor(context=context, area_ids=frozenset(scope_for(user).area_ids))


def _persons_area(kind: str, actor: Actor, area):
    """The area a persons file is registered in: the one chosen, or the importer's only one."""
    if area is None and actor.area_ids is not None and len(actor.area_ids) == 1:
        area = Area.objects.get(pk=next(iter(actor.area_ids)))
    if area is None:
        raise ImportRejected(
            kind=kind,
            file_error=_("Välj vilket samverkansområde personerna ska registreras i."),
        )
    if not actor.may_use(area.pk):
        raise ImportRejected(
            kind=kind,
            file_error=_("Du kan inte importera till samverkansområdet %(a)s.") % {"a": area},
        )
    return area


def import_file(
    *,
    kind: str,
    context: AccessContext,
    data: bytes | None = None,
    source: BinaryIO | None = None,
    area=None,
    filename: str = "",
    today=None,
    progress=None,
) -> ImportResult:
    """Import one file of `kind`, given as `source` (a seekable binary file, read as a stream)
    or as `data` (bytes, for small files and tests). Raises ImportRejected (nothing written)
    with the file-level reason or the rejected rows, PermissionDenied for a user who may not
    import. `progress(checked, total, written)` is called after each batch; `total` is the
    file's line count less the header, an estimate until the end."""
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}")
    if (data is None) == (source is None):
        raise TypeError("import_file takes either data or source")
    if source is None:
        source = io.BytesIO(data)
    actor = _actor(context)
    importer = IMPORTERS[kind](
        actor=actor,
        today=today or timezone.localdate(),
        filename=filename,
        area=_persons_area(kind, actor, area) if kind == "persons" else None,
        progress=progress,
    )
    try:
        rows = read_rows(kind, source, importer.columns, importer.optional_columns)
        expected = max(0, count_lines(source) - 1) if progress is not None else None
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
            result = importer.run(rows, expected=expected)
    except ImportRejected as rejected:
        logger.info("import %s av %s avvisad: %s", kind, actor.username or "?", rejected.summary)
        _log_rejected(importer, rejected)
        raise
    except IntegrityError:
        # Someone saved a conflicting record between our check and our insert (a form in the
        # app, say). Nothing is written; the next attempt sees their record.
        logger.warning("import %s av %s: krock med samtidig ändring", kind, actor.username)
        raise concurrent_change_rejection(kind) from None
    logger.info(
        "import %s av %s: %d rader, %d nya, %d fanns redan",
        kind,
        actor.username or "?",
        result.rows,
        result.created,
        result.existing,
    )
    return result


def _log_rejected(importer, rejected: ImportRejected) -> None:
    """A rejected import writes nothing but is logged (SPEC §7): one refusal for the file, and
    one for each person of another area a row was about, against that person and area, so
    that area's coordinator sees who tried. Outside the failed transaction, so it stays."""
    actor = importer.actor
    rows = rejected.rejected_count if not rejected.file_error else 0
    detail = "filen avvisad" if rejected.file_error else f"{rows} rader avvisade"
    subjects = [("import", importer.kind, None, None, f"import {importer.kind}: {detail}")]
    subjects += [
        ("person", person_id, person_id, area_id, f"import {importer.kind}: annat område")
        for person_id, area_id in sorted(set(importer.refused_persons))
    ]
    log_access_subjects(actor.context, action=AccessLog.Action.DENIED, subjects=subjects)
