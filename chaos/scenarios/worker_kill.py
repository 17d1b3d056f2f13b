"""A Celery worker killed mid-job (SPEC §7: no month missing): the monthly job for nine months
and every area, a task per area (MONTHLY_AREAS_PER_TASK=1), on a real worker with two
processes and the production settings (chaos.stack). At a random moment the worker's main
process and its children get SIGKILL; a new worker is started, as a supervisor would, and the
scenario waits until every snapshot is stored. What was lost with the killed worker (its
messages stay unacknowledged until the broker's redelivery time, 20 minutes) is computed by the
reconciliation each starting worker queues (reporting.tasks.snapshots_reconcile).

Each round starts from a fresh copy of the same data; afterwards: no area × month missing, none
stored twice, and every snapshot's figures equal to those of an undisturbed run."""

from __future__ import annotations

import random
import time

from chaos import stack

NAME = "Celery-arbetaren dödas under månadsjobbet"
# Twenty rounds, as the reliability figures promise (docs/RELIABILITY.md); about 12 minutes here.
# `--rounds N` for a shorter or longer run.
ROUNDS = 20


def run(args) -> list[dict]:
    rounds = getattr(args, "rounds", None) or ROUNDS
    rng = random.Random(getattr(args, "seed", 1))
    system = stack.system()
    reference = system.undisturbed()
    span = system.reference_seconds
    missing = duplicated = differ = unfinished = 0
    seconds, moments = [], []

    for number in range(1, rounds + 1):
        moment = rng.uniform(0.5, span)
        moments.append(moment)

        def kill_and_restart(worker, env, moment=moment, number=number):
            time.sleep(moment)
            worker.kill()
            return stack.Worker(env, f"chaos_kill_{number}b").start()

        found, took, wanted = system.job(f"chaos_kill_{number}", kill_and_restart)
        m, d, f = stack.compare(found, reference, wanted)
        missing, duplicated, differ = missing + m, duplicated + d, differ + f
        unfinished += took == float("inf")
        seconds.append(took)
        stack.say(
            f"omgång {number}: dödad efter {moment:.1f} s; {m} saknas, {d} dubbla, {f} avviker"
        )

    months, keys = len(system.months), len(reference)
    return [
        {
            "line": f"ostörd körning: {months} månader × {keys // months} (områden och riket), "
            "en uppgift per område, 2 processer",
            "result": f"{keys} ögonblicksbilder på {span:.0f} s",
            "ok": len(reference) == months * (keys // months),
        },
        {
            "line": f"{rounds} omgångar: SIGKILL till arbetarens huvudprocess och barn vid en "
            f"slumpad tidpunkt ({min(moments):.1f}–{max(moments):.1f} s in), ny arbetare startad",
            "result": f"{missing} saknas, {duplicated} dubbla, {differ} med andra siffror än "
            f"den ostörda körningen; klart efter {stack.describe(seconds)}"
            + (f"; {unfinished} omgångar blev aldrig klara" if unfinished else ""),
            "ok": missing == duplicated == differ == unfinished == 0,
        },
    ]
