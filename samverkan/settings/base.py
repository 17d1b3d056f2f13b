"""Settings shared by every environment. Everything that differs between machines comes from
environment variables (django-environ); secrets may also be read from a file named by `<NAME>_FILE`
(Docker/Kubernetes secrets). See README.md, "Configuration"."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
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
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    "accounts",
    "audit",
    "cases",
    "mapping",
    "reporting",
    "imports",
    "exports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "samverkan.middleware.ChosenLanguageMiddleware",
    "audit.middleware.PersonnummerInUrlMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///samverkan")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
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

# Idle timeout: the cookie lives 30 minutes and is renewed on every request. The absolute limit
# (12 hours from login, whatever the activity) is enforced by accounts.middleware.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login throttling: five failures lock out the user name and, separately, the address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
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
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
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
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "samverkan.api.document_address_refusal",
        "samverkan.api.describe_common_fields",
    ],
}

# --- Celery (broker and results in Redis; the schedule in the database, editable in the admin)
REDIS_URL = env.str("REDIS_URL", default="redis://localhost:6379/0")
# Browser exports (exports app, ADR 0013): files written by the Celery worker and served to
# their owner; in production a directory the web process and the worker share.
EXPORT_DIR = env.path("EXPORT_DIR", default=str(BASE_DIR / ".data" / "exports"))
# The key of the exports' pseudonyms (HMAC); empty: derived from SECRET_KEY. Production sets its
# own, so that rotating one does not change the other.
EXPORT_PSEUDONYM_KEY = env_secret("EXPORT_PSEUDONYM_KEY", default="")

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged task (acks_late) after this long: well above the longest
# export or monthly run, so a task still running is not started a second time.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Keep Django's logging (with its personnummer mask) in workers and beat.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- logging: to stdout; personnummer-like digit runs are masked before any handler sees them
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personnummer": {"()": "audit.logfilters.MaskPersonnummerFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
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
# How many distinct persons outside one's own caseload in a day count as unusual access (SPEC §7).
AUDIT_UNUSUAL_PERSONS_PER_DAY = env.int("AUDIT_UNUSUAL_PERSONS_PER_DAY", default=10)
# How long a stated break-the-glass reason covers repeated opening of the same person.
BREAK_GLASS_VALID_SECONDS = env.int("BREAK_GLASS_VALID_SECONDS", default=8 * 60 * 60)
