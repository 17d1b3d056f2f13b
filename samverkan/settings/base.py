"""Settings shared by every environment. Everything that differs between machines comes from
environment variables (django-environ); secrets may also be read from a file named by `<NAME>_FILE`
(Docker/Kubernetes secrets). See README.md, "Configuration".

Long because Django reads its settings as one flat module: every setting is here once, grouped by
subject (web, database, login, API, Celery, logging, the product's own), each with its reason."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()


def env_secret(name: str, default=environ.Env.NOTSET):
    """`NAME` from the environment, or the contents of the file named by `NAME_FILE`."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: 15 000 with the locale's separator
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "audit",
    "cases",
    "mapping",
    "preparation",
    "reporting",
    "funds",
    "national",
    "imports",
    "exports",
    "retention",
    "outbox",
    "todo",
    "demo",
    "backups",
    "operations",
    "django_prometheus",
]

MIDDLEWARE = [
    # Outermost, so a request's line times everything below (samverkan.logformat), then the
    # requests' metrics (django-prometheus; its second half is the last but one below).
    "samverkan.logformat.RequestLogMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "samverkan.middleware.ChosenLanguageMiddleware",
    "audit.middleware.PersonnummerInUrlMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Axes must be last: it turns a lock-out into the Swedish lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samverkan.urls"
WSGI_APPLICATION = "samverkan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.staff",
                "todo.context_processors.todo",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///samverkan")}
# django-prometheus's PostgreSQL backend: Django's own, counting queries, errors and connections
# for /metrics (operations.metrics).
DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# A kept connection is checked before each request reuses it, so a restarted PostgreSQL costs a
# fresh connection rather than an error page.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database host that drops packets instead of refusing costs a request (or a /readyz probe)
# seconds, not minutes.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=5
)
# A read replica for reports and exports (samverkan.dbrouter); without one they read the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ENGINE"] = DATABASES["default"]["ENGINE"]
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["samverkan.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication (SPEC §7)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Two-factor login (accounts.mfa, ADR 0015): the name authenticator apps show beside the user name.
OTP_TOTP_ISSUER = "Samverkan"

# Idle timeout: the stored session lives 30 minutes and is renewed on activity, at most once a
# minute (accounts.middleware.SessionLifetimeMiddleware); so is the absolute limit (12 hours
# from login, whatever the activity).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_RENEW_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login throttling: five failures lock out the user name from every address; an address is
# locked only after many more, across user names, so that an office sharing one address is not
# locked out by a few mistyped passwords (accounts.lockout).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# A successful login clears the failures of that user name only (accounts.signals), never of
# the address: otherwise one valid account would let an address guess other users' passwords.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Lock-outs and the access log take the client's address the same way (samverkan.clientip).
AXES_CLIENT_IP_CALLABLE = "samverkan.clientip.client_ip"
BEHIND_TLS_PROXY = False
PROXY_COUNT = 0
# axes keeps what was typed as user name in its own tables; never a personnummer (SPEC §7).
AXES_USERNAME_CALLABLE = "audit.logfilters.axes_username"

# --- single sign-on through the agency's OpenID Connect provider (SPEC §7, ADR 0017)
# Off unless an issuer is set. A login is matched to an existing, active staff account; no
# account, role or area is ever created or changed from the provider's claims (accounts.oidc).
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=bool(OIDC_ISSUER))
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")  # "Logga in med <name>"
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env_secret("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid profile email")
# The claim that names the account, and the user field it must equal ("username" or "email").
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_USERNAME_FIELD = env.str("OIDC_USERNAME_FIELD", default="username")
# The provider's authentication strength that stands in for the product's own second factor
# (accounts.mfa): an `acr` value, or a method in `amr`. Empty: TOTP is asked for after SSO too.
OIDC_ACCEPTED_ACR = env.list("OIDC_ACCEPTED_ACR", default=[])
OIDC_ACCEPTED_AMR = env.list("OIDC_ACCEPTED_AMR", default=[])
_acr_values = env.str("OIDC_ACR_VALUES", default="")  # asked of the provider, if set
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": _acr_values} if _acr_values else {}
# The endpoints come from the issuer's discovery document unless given here.
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_ENDPOINT", default="")
OIDC_DISCOVERY_CACHE_SECONDS = 60 * 60
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"
# Plain http to the provider: only the test suite's local stub, never from the environment.
OIDC_ALLOW_HTTP = False
if OIDC_ENABLED:
    if not (OIDC_ISSUER and OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        raise ImproperlyConfigured(
            "Single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET(_FILE)."
        )
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "accounts.oidc.StaffOIDCBackend"]

# --- internationalisation: Swedish by default, English available
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- static files, served by whitenoise in every environment
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- security headers
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- API
REST_FRAMEWORK = {
    # The token first: the first class names the challenge, so an unauthenticated call answers
    # 401 with `WWW-Authenticate: Token` (session first would make it a bare 403). A request
    # without an Authorization header falls through to the browser's session (ADR 0012).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        # The browser's session counts only once the login has its second factor (accounts.mfa).
        "accounts.mfa.SecondFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Rate limits (samverkan.throttling): a browser session per user, a machine client per API
    # token; person search per user on top. `30/10m` = 30 per ten minutes.
    "DEFAULT_THROTTLE_CLASSES": [
        "samverkan.throttling.UserRateThrottle",
        "samverkan.throttling.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_PER_USER", default="300/m"),
        "token": env.str("API_RATE_PER_TOKEN", default="600/m"),
        "person_search": env.str("PERSON_SEARCH_RATE", default="30/10m"),
    },
    # JSON only: DRF's browsable HTML pages would draw forms pre-filled from write serializers
    # (past the secrecy filter) and selects listing every person of the area. The Swagger UI
    # (/api/v1/docs/) is the human view of the API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "samverkan.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "samverkan.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "samverkan.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samverkan API",
    "DESCRIPTION": "Ärendehantering för Försäkringskassans och Arbetsförmedlingens samverkan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every operation may answer the personnummer-in-address refusal (audit.middleware).
    # One name per code list, whichever serializer uses it.
    "ENUM_NAME_OVERRIDES": {
        "PhaseEnum": "cases.models.Phase",
        "OpeningPhaseEnum": "cases.api.serializers.OPENING_PHASES",
        "TargetGroupEnum": "cases.models.TargetGroup",
        "MeetingKindEnum": "mapping.models.Meeting.Kind",
        "InterventionKindEnum": "mapping.models.intervention.Kind",
        "DeviationKindEnum": "reporting.models.DeviationReport.Kind",
        "ImportKindEnum": "imports.kinds.KINDS",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "samverkan.api.document_address_refusal",
        "samverkan.throttling.document_rate_limits",
        "samverkan.api.describe_common_fields",
    ],
}

# --- Celery (broker and results in Redis; the schedule in the database, editable in the admin)
REDIS_URL = env.str("REDIS_URL", default="redis://localhost:6379/0")
# Browser exports (exports app, ADR 0013): files written by the Celery worker and served to
# their owner; in production a directory the web process and the worker share.
EXPORT_DIR = env.path("EXPORT_DIR", default=str(BASE_DIR / ".data" / "exports"))
# Imports (imports app): an upload waits here for its Celery task, which removes it when done;
# the directory is 0700, the files 0600. In production a directory the web process and the
# worker share. An upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE reaches the web process as a
# temporary file, not in memory, and is copied here in chunks.
IMPORT_DIR = env.path("IMPORT_DIR", default=str(BASE_DIR / ".data" / "imports"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The key of the exports' pseudonyms (HMAC); empty: derived from SECRET_KEY. Production sets its
# own, so that rotating one does not change the other.
EXPORT_PSEUDONYM_KEY = env_secret("EXPORT_PSEUDONYM_KEY", default="")
# Retention (gallring, ADR 0016): persons purged per transaction. The periods themselves are a
# dated rule in the admin (Gallringsregler), not settings.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=200)
# SPEC §7: the access log is kept at least five years; the nightly retention drops whole months
# older than this (fewer than five is refused, by the database too).
ACCESS_LOG_RETENTION_YEARS = env.int("ACCESS_LOG_RETENTION_YEARS", default=5)

# The cache holds the rate-limit counters, which every web process must share: Redis in
# production (CACHE_URL, by default the REDIS_URL server), a per-process memory cache in tests.
# The embedded development server speaks on a Unix socket (kombu's redis+socket:// there).
CACHES = {
    "default": env.cache("CACHE_URL")
    if env.str("CACHE_URL", default="")
    else {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL.replace("redis+socket://", "unix://", 1),
        "KEY_PREFIX": "samverkan-cache",
        # An unreachable Redis must cost a request a second at most (samverkan.throttling).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every task is acknowledged when it has finished, not when it starts, and a worker takes one
# message at a time: a worker killed mid-task leaves its message to be delivered again, and
# holds no others back. Redis redelivers an unacknowledged message after the visibility timeout:
# above the longest task (a national export of a million rows takes about three minutes here,
# the monthly run seconds; docs/PERFORMANCE.md), so a task still running is not started twice,
# and short enough that a lost one runs again within the hour. Every task is safe to repeat.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
TASK_REDELIVERY_SECONDS = env.int("TASK_REDELIVERY_SECONDS", default=20 * 60)
# Redis away must not hold anything up for long (ADR 0027). A job's task is queued in the
# database with the job (the outbox) and handed to Redis on its own connection that gives up
# after TASK_SEND_SECONDS, no retry: the request answers at once and the sweep sends later.
# Everything else that talks to Redis gives up within seconds too, instead of kombu's and the
# result backend's defaults (a 4 s connect timeout with retries, 20 retries a second apart: the
# 19 s a request once waited).
TASK_SEND_SECONDS = env.float("TASK_SEND_SECONDS", default=0.5)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_REDELIVERY_SECONDS,
    "socket_connect_timeout": 2,
    "socket_keepalive": True,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
}
# DatabaseScheduler, keeping in the outbox the sends that Redis refused (outbox.beat).
CELERY_BEAT_SCHEDULER = "outbox.beat:CatchUpScheduler"
# Keep Django's logging (with its personnummer mask) in workers and beat.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The monthly job: 0 computes every area and the nation in one task, one pass over the data; a
# number splits the areas into tasks of that many (and the nation one of its own) for several
# workers to share (reporting.snapshots.month_groups, docs/PERFORMANCE.md).
MONTHLY_AREAS_PER_TASK = env.int("MONTHLY_AREAS_PER_TASK", default=0)

# --- logging: to stdout; personnummer-like digit runs are masked before any handler sees them
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personnummer": {"()": "audit.logfilters.MaskPersonnummerFilter"}},
    # Every line's time with the zone's offset; LOG_FORMAT=json for one JSON object per line.
    "formatters": {
        "plain": {
            "()": "samverkan.logformat.OffsetFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "samverkan.logformat.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain"),
            "filters": ["mask_personnummer"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers (runserver's request lines among them) get the masked handler too.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- product settings
# The bearer token Prometheus sends for /metrics; without one the page does not exist.
METRICS_TOKEN = env_secret("METRICS_TOKEN", default="")
# How many distinct persons outside one's own caseload in a day count as unusual access (SPEC §7).
AUDIT_UNUSUAL_PERSONS_PER_DAY = env.int("AUDIT_UNUSUAL_PERSONS_PER_DAY", default=10)
# How long a stated break-the-glass reason covers repeated opening of the same person.
BREAK_GLASS_VALID_SECONDS = env.int("BREAK_GLASS_VALID_SECONDS", default=8 * 60 * 60)
