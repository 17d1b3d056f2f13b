"""Production settings. Required: DJANGO_SECRET_KEY and EXPORT_PSEUDONYM_KEY (or their _FILE),
DATABASE_URL, REDIS_URL, DJANGO_ALLOWED_HOSTS. Passes `manage.py check --deploy --fail-level
WARNING`, which also connects and fails while DATABASE_URL's role could change the access log
(ADR 0020): the processes run as the application role; `migrate` is run with the owner's URL
instead."""

import os

from django.core.exceptions import ImproperlyConfigured

# Fail fast: production never falls back to a development default (localhost, a key derived from
# another). One line per missing variable; a secret may come from a file named by NAME_FILE.
REQUIRED = {
    "DJANGO_SECRET_KEY": "signerar sessioner och formulär",
    "EXPORT_PSEUDONYM_KEY": "nyckeln till pseudonymerna i exporterna (skild från SECRET_KEY)",
    "DATABASE_URL": "applikationens roll i PostgreSQL, t.ex. postgres://samverkan_app:…@db/samverkan",
    "REDIS_URL": "Celerys kö och cachen, t.ex. redis://redis:6379/0",
    "DJANGO_ALLOWED_HOSTS": "värdnamnen webbplatsen svarar på, kommaseparerade",
}
SECRETS = {"DJANGO_SECRET_KEY", "EXPORT_PSEUDONYM_KEY"}
_missing = [
    name
    for name in REQUIRED
    if not os.environ.get(name, "").strip()
    and not (name in SECRETS and os.environ.get(f"{name}_FILE", "").strip())
]
if _missing:
    raise ImproperlyConfigured(
        "Produktionsinställningarna kräver:\n"
        + "\n".join(f"  {name} saknas: {REQUIRED[name]}" for name in _missing)
    )

from .base import *  # noqa: E402, F403
from .base import env, env_secret  # noqa: E402

# The demo loader and the dataset generator write synthetic people: never into production.
SYNTHETIC_DATA_ALLOWED = False

SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# The load balancer's probes are answered first, over plain HTTP, whatever the Host header
# (samverkan.health).
MIDDLEWARE = ["samverkan.health.ProbeMiddleware", *MIDDLEWARE]  # noqa: F405
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
