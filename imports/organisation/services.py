"""The one way in for the organisation's files: the command and the admin page both call
`organisation_import`. The units file and the staff file are imported in one transaction, units
first, so the staff file may name areas, teams and offices of the units file; a rejected row in
either takes back both (SPEC §6: all or nothing)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog
from samverkan.services import AccessContext, log_access_subjects, require_context

from ..base import Actor
from ..reading import read_rows
from ..results import ImportRejected, concurrent_change_rejection
from .staff import StaffImport
from .units import UnitsImport

logger = logging.getLogger(__name__)

# In the order they are imported: the staff refer to the units.
ORGANISATION_IMPORTERS = {"units": UnitsImport, "staff": StaffImport}
# One organisation import at a time; the second finds what the first wrote.
ORGANISATION_LOCK_KEY = 0x5AE1_0126
# What an administrator needs to import the organisation from the admin: to add and change
# everything the files write.
PERMISSIONS = (
    "accounts.add_area",
    "accounts.change_area",
    "accounts.add_officeunit",
    "accounts.change_officeunit",
    "accounts.add_team",
    "accounts.add_preparationgroup",
    "accounts.add_region",
    "accounts.change_region",
    "accounts.add_staffprofile",
    "accounts.change_staffprofile",
    "auth.add_user",
    "auth.change_user",
)


@dataclass(frozen=True)
class OrganisationResult:
    """One file applied: `created` rows were new, `updated` changed a stored record, and
    `unchanged` were already stored as the file says."""

    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int

    @property
    def summary(self) -> str:
        return _(
            "%(kind)s: %(rows)d rader, %(created)d nya, %(updated)d ändrade, %(same)d oförändrade."
        ) % {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "same": self.unchanged,
        }


def user_may_import_organisation(user) -> bool:
    """Administrators who may add and change the organisation in the admin."""
    return bool(user and user.is_active and user.is_staff and user.has_perms(PERMISSIONS))


def organisation_import(
    *,
    context: AccessContext,
    files: dict[str, tuple[BinaryIO, str]],
    today=None,
    progress=None,
) -> list[OrganisationResult]:
    """Import `files` ({"units" or "staff": (a seekable binary file, its name)}), units first.
    Raises ImportRejected (nothing written) for the first file rejected, PermissionDenied for a
    user who may not. `progress(kind, checked, total, written)` after each batch."""
    context = require_context(context)
    if context.user is not None and not user_may_import_organisation(context.user):
        raise PermissionDenied(_("Bara administratörer kan importera organisationen."))
    unknown = set(files) - set(ORGANISATION_IMPORTERS)
    if unknown or not files:
        raise ValueError(f"unknown organisation files {sorted(unknown)}")
    actor = Actor(context=context, area_ids=None)  # an administrator's work spans every area
    results = []
    importer = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ORGANISATION_LOCK_KEY])
            for kind, importer_class in ORGANISATION_IMPORTERS.items():
                if kind not in files:
                    continue
                source, filename = files[kind]
                importer = importer_class(
                    actor=actor,
                    today=today or timezone.localdate(),
                    filename=filename,
                    progress=(lambda c, t, w, k=kind: progress(k, c, t, w)) if progress else None,
                )
                rows = read_rows(kind, source, importer.columns, importer.optional_columns)
                try:
                    result = importer.run(rows)
                finally:
                    # A file refused before its end leaves the reader open: closed now, while
                    # the caller's file still is (the reader lets go of it as it closes).
                    rows.close()
                results.append(
                    OrganisationResult(
                        kind=kind,
                        rows=result.rows,
                        created=result.created - importer.updated,
                        updated=importer.updated,
                        unchanged=result.existing,
                    )
                )
    except ImportRejected as rejected:
        logger.info(
            "import %s av %s avvisad: %s", rejected.kind, actor.username or "?", rejected.summary
        )
        detail = (
            "filen avvisad" if rejected.file_error else f"{rejected.rejected_count} rader avvisade"
        )
        log_access_subjects(
            context,
            action=AccessLog.Action.DENIED,
            subjects=[("import", rejected.kind, None, None, f"import {rejected.kind}: {detail}")],
        )
        raise
    except IntegrityError:
        # Someone saved a conflicting record between our check and our insert (the admin's
        # form, say). Nothing is written; the next attempt sees their record.
        kind = importer.kind if importer is not None else "units"
        logger.warning("import %s av %s: krock med samtidig ändring", kind, actor.username)
        raise concurrent_change_rejection(kind) from None
    for result in results:
        logger.info("import av %s: %s", actor.username or "?", result.summary)
    return results
