"""/metrics: only with the bearer token, and then the requests, the database and the product's
state (operations.metrics)."""

import datetime as dt
import uuid

import pytest
from celery import shared_task
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from operations import celery_counts

TOKEN = "prom-" + "x" * 30


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def _value(text: str, name: str, **labels) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def _scrape(client, token=TOKEN):
    return client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {token}")


def test_without_a_token_configured_the_page_does_not_exist(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert _scrape(client, "").status_code == 404
    assert _scrape(client, "anything").status_code == 404


def test_a_wrong_or_missing_token_is_a_404_that_says_nothing(client, db, token):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer fel"}, {"HTTP_AUTHORIZATION": TOKEN}):
        response = client.get(reverse("metrics"), **headers)
        assert response.status_code == 404
        assert b"samverkan_" not in response.content


def test_requests_database_and_product_state_are_exported(client, db, token, login, fk_officer):
    login(fk_officer).get(reverse("home"))
    response = _scrape(client)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    # requests and latency by view, from django-prometheus's middleware
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text
    assert 'view="home"' in text
    # the database, from its backend
    assert 'django_db_execute_total{alias="default",vendor="postgresql"}' in text
    # the product's own state
    assert "samverkan_monthly_job_last_success_timestamp_seconds 0.0" in text
    assert "samverkan_snapshots_missing " in text
    assert "samverkan_outbox_waiting 0.0" in text


def test_the_last_monthly_success_and_jobs_by_state(client, db, token, area, fk_officer):
    from exports.models import ExportJob
    from reporting.models import MonthlySnapshot

    snapshot = MonthlySnapshot.objects.create(
        area=area, month=dt.date(2026, 11, 1), version=1, figures={}, digest="d"
    )
    for state in (ExportJob.State.FAILED, ExportJob.State.FAILED, ExportJob.State.DONE):
        ExportJob.objects.create(
            user=fk_officer,
            export_id=uuid.uuid4().hex,
            kind=ExportJob.Kind.choices[0][0],
            file_format=ExportJob.FileFormat.choices[0][0],
            state=state,
        )
    text = _scrape(client).content.decode()

    last = _value(text, "samverkan_monthly_job_last_success_timestamp_seconds")
    assert last == pytest.approx(snapshot.computed_at.timestamp())
    assert _value(text, "samverkan_jobs", kind="export", state=ExportJob.State.FAILED) == 2
    assert _value(text, "samverkan_jobs", kind="export", state=ExportJob.State.DONE) == 1


@shared_task(name="operations.tests.counted")
def _counted(fail: bool = False):
    if fail:
        raise ValueError("avsiktligt fel")
    return "ok"


def test_task_outcomes_are_counted_by_the_workers_and_exported(client, db, token):
    name = _counted.name
    fields = [f"{name}|{outcome}" for outcome in celery_counts.OUTCOMES]
    celery_counts._redis().hdel(celery_counts.KEY, *fields)

    _counted.apply()
    _counted.apply(kwargs={"fail": True}, throw=False)
    found = celery_counts.counts()

    assert (found.get((name, "succeeded")), found.get((name, "failed"))) == (1, 1)
    text = _scrape(client).content.decode()
    assert _value(text, "samverkan_celery_tasks_total", task=name, outcome="succeeded") == 1
    assert _value(text, "samverkan_celery_tasks_total", task=name, outcome="failed") == 1
