"""A national-scale dataset for measuring the product at the size it is run at: collaboration
areas of unequal size with their staff, participants over ten years with their cases, status
timelines, consents, mappings, meetings, plans, interventions, work plans, the change history
and the access log (`manage.py generate_dataset`, `generate`).

The rows go in with PostgreSQL's COPY, batch by batch: inside a caller's transaction all in it,
on its own in committed steps on two connections (parallel.py); either way a failure leaves the
database as it was. It starts from a database without people or cases, and the same seed (and
day) writes the same rows.

- tables.py: the tables and the columns each COPY names;
- copying.py: COPY's text format, ids, the batches;
- organisation.py: areas, office units, teams, staff, work plans;
- people.py: personnummer, names, addresses;
- lives.py: a participant's person row and cases with their phases;
- timeline.py: consents and the AF status timeline;
- support.py: meetings, situations, plans, interventions, closing documentation;
- mappings.py: joint mappings;
- draws.py: quick random draws;
- accesslog.py: the access log;
- database.py: the empty-database check, the sequences and the statistics;
- runner.py: the run in batches with its progress bar;
- parallel.py: the second connection, and undoing committed steps."""

from __future__ import annotations

import datetime as dt
import os

from django.db import connection, transaction
from django.utils import timezone

__all__ = ["DatasetRefused", "generate", "DEFAULT_PASSWORD", "LOG_ROWS_PER_PARTICIPANT"]

LOG_ROWS_PER_PARTICIPANT = 6
# Every generated user has this password unless another is given (DEMO_PASSWORD or the
# command's --password): a dataset for measuring, never for real people.
DEFAULT_PASSWORD = "Samverkan-test-2026"
MAX_AREAS = 999  # area codes nat001 … nat999
MAX_PARTICIPANTS = 20_000_000  # the history tables number their rows with 32-bit ids


class DatasetRefused(Exception):
    """The dataset cannot be generated as asked; the message says why, in Swedish."""


def _check_arguments(participants, areas, log_rows, seed) -> None:
    def whole(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    if not whole(participants) or participants < 1:
        raise DatasetRefused("Antalet deltagare (--participants) måste vara ett heltal, minst 1.")
    if participants > MAX_PARTICIPANTS:
        raise DatasetRefused(
            f"Antalet deltagare (--participants) får vara högst {MAX_PARTICIPANTS:,}.".replace(
                ",", " "
            )
        )
    if not whole(areas) or areas < 1:
        raise DatasetRefused("Antalet områden (--areas) måste vara ett heltal, minst 1.")
    if areas > MAX_AREAS:
        raise DatasetRefused(f"Antalet områden (--areas) får vara högst {MAX_AREAS}.")
    if log_rows is not None and (not whole(log_rows) or log_rows < 0):
        raise DatasetRefused("Antalet loggposter (--log-rows) måste vara ett heltal, minst 0.")
    if not whole(seed):
        raise DatasetRefused("Fröet (--seed) måste vara ett heltal.")


def _check_database() -> None:
    from django.contrib.auth import get_user_model

    from accounts.models import Area

    from .database import present
    from .organisation import AREA_CODE

    with connection.cursor() as cursor:
        found = present(cursor)
    if found:
        what = " och ".join(f"{n} {label}" for label, n in found.items())
        raise DatasetRefused(
            f"Databasen innehåller redan {what}; datamängden genereras bara i en tom databas. "
            "Skapa en ny databas, kör `python manage.py migrate` mot den (som ägarrollen) och "
            "kör kommandot igen med DATABASE_URL satt till den nya databasen."
        )
    codes = [AREA_CODE.format(n) for n in range(1, MAX_AREAS + 1)]
    users = get_user_model().objects.filter(username__regex=r"\.nat[0-9]{3}$")
    if Area.objects.filter(code__in=codes).exists() or users.exists():
        raise DatasetRefused(
            "Databasen har redan områden eller användare från en tidigare genererad datamängd "
            "(koder nat001 …). Börja från en tom, migrerad databas."
        )


def generate(
    participants: int,
    areas: int = 60,
    log_rows: int | None = None,
    seed: int = 1,
    progress: bool = True,
    *,
    password: str | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Generate the national dataset into an empty database; returns the rows written per
    table. `log_rows` defaults to six access-log entries per participant. Raises
    DatasetRefused (nothing written) when the arguments or the database do not allow it."""
    from .database import analyze
    from .parallel import Undo
    from .runner import run

    _check_arguments(participants, areas, log_rows, seed)
    if log_rows is None:
        log_rows = LOG_ROWS_PER_PARTICIPANT * participants
    options = {
        "participants": participants,
        "areas": areas,
        "log_rows": log_rows,
        "seed": seed,
        "password": password or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD,
        "today": today or timezone.localdate(),
        "progress": progress,
    }
    outer = connection.in_atomic_block
    if outer:
        # Inside the caller's transaction, all of it there (on one connection).
        with transaction.atomic():
            _check_database()
            counts = run(**options)
    else:
        # On its own: in committed steps on two connections, undone on a failure.
        _check_database()
        undo = Undo()
        try:
            counts = run(**options, undo=undo)
        except BaseException:
            undo()
            raise
    # Statistics for the planner; after the commit, so that the owner's connection (where the
    # application's role may not ANALYZE) sees the rows.
    with connection.cursor() as cursor:
        analyze(cursor, in_outer_transaction=outer)
    return counts
