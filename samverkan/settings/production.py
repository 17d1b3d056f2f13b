"""Production settings. Required: DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE), DATABASE_URL,
REDIS_URL, DJANGO_ALLOWED_HOSTS. Passes `manage.py check --deploy --fail-level WARNING`, which
also connects and fails while DATABASE_URL's role could change the access log (ADR 0020): the
processes run as the application role; `migrate` is run with the owner's URL instead."""

from .base import *  # noqa: F403
from .base import env, env_secret

SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
BEHIND_TLS_PROXY = env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
