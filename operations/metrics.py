"""`/metrics` for Prometheus (docs/OPERATIONS.md): requests and their latency by route and the
database's queries and errors from django-prometheus (its middleware and database backend), and
the product's own state read when the page is scraped: Celery task outcomes (counted in Redis by
the workers, operations.celery_counts), the monthly job's last success, months missing a
snapshot, jobs by state, sends waiting in the outbox.

Protected from the outside: answered only to `Authorization: Bearer <METRICS_TOKEN>`; without a
configured token, or with a wrong one, the page does not exist (404), so a stranger learns
nothing. No figure here is personal data or a count of people."""

from __future__ import annotations

import hmac
import logging
import os

import prometheus_client
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)


def _authorised(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "") or ""
    given = request.headers.get("Authorization", "")
    if not token or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[len("Bearer ") :].encode(), token.encode())


class ProductCollector:
    """The product's state, read from the database and Redis at each scrape."""

    def collect(self):
        yield from self._snapshots()
        yield from self._jobs()
        yield from self._outbox()
        yield from self._tasks()

    def _snapshots(self):
        from reporting.completeness import snapshots_missing
        from reporting.models import MonthlySnapshot

        last = MonthlySnapshot.objects.aggregate(last=Max("computed_at"))["last"]
        success = GaugeMetricFamily(
            "samverkan_monthly_job_last_success_timestamp_seconds",
            "När månadsjobbet senast sparade en ögonblicksbild (Unix-tid).",
        )
        success.add_metric([], last.timestamp() if last else 0)
        yield success
        missing = GaugeMetricFamily(
            "samverkan_snapshots_missing",
            "Område × månad (och riket × månad) som saknar ögonblicksbild.",
        )
        missing.add_metric(
            [], sum(len(m.area_ids) + (1 if m.nation else 0) for m in snapshots_missing())
        )
        yield missing

    def _jobs(self):
        from exports.models import ExportJob
        from imports.models import ImportJob
        from reporting.models import MonthlyReportDocument

        jobs = GaugeMetricFamily(
            "samverkan_jobs", "Jobb per slag och läge.", labels=["kind", "state"]
        )
        for kind, model in (
            ("export", ExportJob),
            ("import", ImportJob),
            ("monthly_report_pdf", MonthlyReportDocument),
        ):
            for row in model.objects.order_by().values("state").annotate(n=Count("pk")):
                jobs.add_metric([kind, row["state"]], row["n"])
        yield jobs

    def _outbox(self):
        from outbox.models import TaskSend

        waiting = GaugeMetricFamily(
            "samverkan_outbox_waiting", "Uppgifter som väntar på att skickas till Celery."
        )
        waiting.add_metric([], TaskSend.objects.filter(sent_at__isnull=True).count())
        yield waiting

    def _tasks(self):
        from .celery_counts import counts

        tasks = CounterMetricFamily(
            "samverkan_celery_tasks",
            "Celery-uppgifter per namn och utfall, räknade av arbetarna.",
            labels=["task", "outcome"],
        )
        try:
            found = counts()
        except Exception as error:
            logger.warning("Uppgifternas utfall kunde inte läsas: %s", error)
            found = {}
        for (name, outcome), count in sorted(found.items()):
            tasks.add_metric([name, outcome], count)
        yield tasks


@login_not_required
def metrics(request):
    if not _authorised(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several web processes (gunicorn): each writes its own files, read together here.
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = prometheus_client.REGISTRY
    product = CollectorRegistry()
    product.register(ProductCollector())
    return HttpResponse(
        prometheus_client.generate_latest(processes) + prometheus_client.generate_latest(product),
        content_type=prometheus_client.CONTENT_TYPE_LATEST,
    )
