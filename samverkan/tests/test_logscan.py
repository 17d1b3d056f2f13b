"""The suite's log scan (samverkan.testing_logscan, SPEC §7) finds a personnummer that reaches
a log unmasked, leaves Celery task ids alone, and sees what the masking handler has masked."""

import logging

from samverkan.testing_logscan import LogScan

TASK_ID = "19800101-1234-4c90-a1b2-198001011234"


def _scan_of(logger_name, *, masked):
    logger = logging.getLogger(logger_name)
    scan = LogScan()
    if masked:
        from audit.logfilters import MaskPersonnummerFilter

        scan.addFilter(MaskPersonnummerFilter())
    logger.addHandler(scan)
    logger.propagate = False
    return logger, scan


def test_an_unmasked_personnummer_is_a_hit_and_reported_masked():
    logger, scan = _scan_of("samverkan.tests.logscan.unmasked", masked=False)

    logger.warning("sökning på %s", "19800101-1234")

    assert scan.records == 1
    assert len(scan.hits) == 1
    assert "19800101-1234" not in scan.hits[0]
    assert "[personnummer]" in scan.hits[0]


def test_every_form_is_a_hit():
    logger, scan = _scan_of("samverkan.tests.logscan.forms", masked=False)

    for number in ("8001011234", "800101-1234", "800161+1234", "198001011234", "19800161-1234"):
        logger.warning("person %s", number)

    assert len(scan.hits) == 5


def test_a_celery_task_id_is_not_a_hit():
    logger, scan = _scan_of("samverkan.tests.logscan.task", masked=False)

    logger.info("Task reporting.tasks.area_snapshot[%s] succeeded in 0.1s: None", TASK_ID)

    assert scan.records == 1
    assert scan.hits == []


def test_a_record_masked_by_the_products_filter_is_not_a_hit():
    logger, scan = _scan_of("samverkan.tests.logscan.masked", masked=True)

    try:
        raise ValueError("Key (personnummer)=(198001011234) already exists")
    except ValueError:
        logger.exception("sparade %s", "800101-1234")

    assert scan.records == 1
    assert scan.hits == []


def test_the_session_scan_is_attached_to_the_products_loggers(_no_personnummer_in_logs):
    for name in ("", "django", "django.server"):
        assert _no_personnummer_in_logs in logging.getLogger(name).handlers
