"""The run: reference data, the organisation, then the participants in batches, each batch's rows
copied table by table; at the end the sequences are set past the ids written.

Called inside a transaction, everything happens in it; on its own, in committed steps on two
connections (demo.national.parallel) that a failure undoes. Either way a failure leaves nothing
behind. A batch is a few thousand participants: memory holds a few batches, whatever the size
of the dataset; one thread generates them while the others send them."""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import random
import sys
import threading

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from tqdm import tqdm

from accounts.reference_data import ensure_reference_data as ensure_accounts_reference
from cases.reference_data import ensure_reference_data as ensure_cases_reference

from .accesslog import AccessLogWriter
from .copying import Batch, Days, Ids, largest_ids
from .database import sequences_advance
from .lives import Lives
from .organisation import OrganisationWriter
from .parallel import SIDE_TABLES, Side, Undo
from .people import NameLists, Numbers
from .support import Support

HISTORY_DAYS = 3653  # ten years before today
BATCH_PARTICIPANTS = 2000


class References:
    """Ids of the reference data every installation has (agencies, roles, status codes)."""

    def __init__(self):
        ensure_accounts_reference(apps.get_model)
        ensure_cases_reference(apps.get_model)
        Agency = apps.get_model("accounts", "Agency")
        Role = apps.get_model("accounts", "Role")
        StatusCode = apps.get_model("cases", "StatusCode")
        self.agencies = dict(Agency.objects.values_list("code", "id"))
        self.roles = dict(Role.objects.values_list("code", "id"))
        # The generator writes one code per outcome category: the active code named as the
        # category where there is one (the default list), else any code of that category.
        codes: dict[str, str] = {}
        rows = StatusCode.objects.order_by("-is_active", "-id").values_list(
            "code", "outcome_category", "id"
        )
        for code, category, pk in rows:
            if code == category or category not in codes:
                codes[category] = str(pk)
        self.status_codes = codes


class Context:
    """What every writer shares: the generator, the batch, ids, days and the organisation."""

    def __init__(self, *, seed: int, today: dt.date, participants: int, ids: Ids):
        self.seed = seed
        self.rng = random.Random(seed)
        self.batch = Batch()
        self.ids = ids
        self.today = today.toordinal()
        self.window = self.today - HISTORY_DAYS
        self.span = HISTORY_DAYS
        self.total = participants
        self.days = Days(dt.date(today.year - 80, 1, 1), today + dt.timedelta(days=2000))
        self.names = NameLists()
        self.numbers = Numbers()
        self.org = None
        self.codes: dict[str, str] = {}
        self.support = Support(self)


def _produce(ctx, participants, log_rows, out: queue.Queue, stop: threading.Event) -> None:
    """Write the participants' rows batch by batch into `out` (then None); an exception is
    passed on through `out` too."""
    try:
        lives, log = Lives(ctx), AccessLogWriter(ctx, log_rows)
        for first in range(0, participants, BATCH_PARTICIPANTS):
            last = min(first + BATCH_PARTICIPANTS, participants)
            ctx.batch = Batch()
            for index in range(first, last):
                person, cases = lives.participant(index)
                log.rows(index, person, cases)
            item = (ctx.batch.seal(), last - first)
            while not stop.is_set():
                try:
                    out.put(item, timeout=0.5)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        out.put(None)
    except BaseException as exc:  # handed to the thread that waits for the batches
        out.put(exc)


def _batches(ctx, participants: int, log_rows: int):
    """The batches of participants' rows, written in another thread while this one copies
    the previous batch: generating the rows (Python) and storing them (PostgreSQL) then run
    side by side on two cores. One thread writes every row in order, so a seed still gives
    the same data; at most two batches wait, so memory stays flat."""
    out: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()
    worker = threading.Thread(
        target=_produce, args=(ctx, participants, log_rows, out, stop), daemon=True
    )
    worker.start()
    try:
        while True:
            item = out.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def run(
    *,
    participants: int,
    areas: int,
    log_rows: int,
    seed: int,
    password: str,
    today: dt.date,
    progress: bool,
    undo: Undo | None = None,
) -> dict[str, int]:
    """Write the dataset; returns the rows per table. Without `undo`, all of it in the current
    transaction; with it, in committed steps on two connections (demo.national.parallel),
    `undo` recording what a later failure has to delete."""
    references = References()
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        _checked_per_copy(cursor)
        ids = Ids(largest_ids(cursor))
        start = dict(ids.last)
        ctx = Context(seed=seed, today=today, participants=participants, ids=ids)
        ctx.codes = references.status_codes
        _organisation(ctx, references, cursor, counts, areas=areas, password=password)
        if undo is None:
            _participants(ctx, cursor, counts, log_rows=log_rows, progress=progress)
            sequences_advance(cursor, _written(ids, counts))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's, for the caller
            return counts
    undo.committed(start, ids.last, counts)
    organised = dict(ids.last)
    side = Side()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _checked_per_copy(cursor)
            main: dict[str, int] = {}
            _participants(ctx, cursor, main, log_rows=log_rows, progress=progress, side=side)
            counts.update(main)
            counts.update(side.finish())
        undo.committed(organised, ids.last, main)
        with connection.cursor() as cursor:
            sequences_advance(cursor, _written(ids, counts))
        side.commit()
    finally:
        side.close()
    return counts


def _checked_per_copy(cursor) -> None:
    """Django's foreign keys are checked at COMMIT (DEFERRABLE INITIALLY DEFERRED): for tens of
    millions of rows the server would queue every check and run them all at the end, alone.
    Checked after each COPY instead, they run beside the next batch's generation and the queue
    stays small."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _written(ids: Ids, counts: dict[str, int]) -> dict[str, int]:
    return {table: ids.last[table] for table, n in counts.items() if n}


def _organisation(ctx, references, cursor, counts, *, areas: int, password: str) -> None:
    organisation = OrganisationWriter(
        rng=ctx.rng,
        batch=ctx.batch,
        ids=ctx.ids,
        days=ctx.days,
        refs=references,
        names=ctx.names,
        today=ctx.today,
    )
    # One hash for every generated user (hashing is slow by design); the salt comes from the
    # seed so that the same seed writes the same rows.
    password_hash = make_password(password, salt=f"samverkan{ctx.seed}")
    ctx.org = organisation.write(areas=areas, participants=ctx.total, password_hash=password_hash)
    organisation.work_plans(ctx.org, participants=ctx.total)
    ctx.batch.copy(cursor, counts)


def _participants(ctx, cursor, counts, *, log_rows: int, progress: bool, side=None) -> None:
    """Every participant's rows, batch by batch; with `side`, the history's and the log's
    through that second connection."""
    bar = tqdm(
        total=ctx.total,
        desc="Genererar deltagare",
        unit=" deltagare",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )
    batches = _batches(ctx, ctx.total, log_rows)
    with contextlib.closing(batches), bar:  # closing: the thread stops on a failure too
        for batch, size in batches:
            if side is not None:
                side.send(batch.take(SIDE_TABLES))
            batch.copy(cursor, counts)
            bar.update(size)
