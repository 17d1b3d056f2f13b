"""One size's measurements, run in a process of its own against that size's database (the
environment says which): prints one `BENCH {json}` line per table line."""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", default="reports,logreview,export,pages,workers")
    # "replica" is measured in a process of its own, with DATABASE_REPLICA_URL set (__main__).
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings.local")
    import django

    django.setup()
    from . import export, logreview, pages, replica, reports, session, workers
    from .timing import emit

    parts = set(args.parts.split(","))
    emit("datamängd", **reports.size_of_dataset())
    if "reports" in parts:
        reports.monthly_job(args.repeats)
        reports.report_api(session.logged_in(session.analyst()), args.repeats)
    if "logreview" in parts:
        logreview.log_review(max(args.repeats, 20))
    if "export" in parts:
        coordinator, _n = pages.coordinator_with(300)
        export.export(session.analyst(), coordinator)
    if "pages" in parts:
        pages.pages(args.requests)
    if "workers" in parts:
        workers.scaling()
    if "replica" in parts:
        replica.measure(session.logged_in(session.analyst()), args.repeats)


if __name__ == "__main__":
    main()
