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
# Django empties tables with TRUNCATE between browser tests; only test sessions may do that to
# the access log (audit/migrations/0003).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
    "-c samverkan.allow_audit_truncate=on"
)
