"""Settings for the test suite (always PostgreSQL, never SQLite)."""

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 32
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected here; whitenoise serves from the app folders
WHITENOISE_AUTOREFRESH = True
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Lets two test runs share one server (e.g. the browser tests beside the rest while developing).
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": env.str("TEST_DATABASE_NAME", default="test_samverkan")  # noqa: F405
}
# Rate-limit counters in each test process's memory, emptied before every test (conftest.py).
# The API's limits are set out of reach so that tests making many calls are not throttled; the
# tests of the limits set their own rates. Person search keeps its real limit.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],  # noqa: F405
    "user": "100000/m",
    "token": "100000/m",
}
# Workers' heartbeats of their own (operations.heartbeat): a `make run` worker on the same Redis
# does not count as the suite's.
WORKER_HEARTBEAT_PREFIX = "samverkan:test-worker:"
