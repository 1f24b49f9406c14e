"""Settings for the ceasefire negotiation tracker, read from the environment.

One module for every mode. The embedded default (no variables set) runs on
SQLite; DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis. A `.env`
file beside manage.py, if present, is read first (scripts/run writes one with
a generated SECRET_KEY).
"""

import datetime
import os
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Production secrets have no default. Only a DEBUG run may fall back to a
# throwaway key, so a forgotten variable can never ship a known key.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (scripts/run writes one into .env for the embedded mode).")
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "tracker",
    "actors",
    "negotiations",
    "news",
    "review",
]

MIDDLEWARE = [
    "tracker.middleware.HealthCheckMiddleware",
    # The security headers on every answer, also those the middleware below gives without a view
    # (SecurityMiddleware's redirect to https, static files, CORS preflights).
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tracker.middleware.DeferredWorkMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a request its backend found locked out into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a Celery worker started by the integration tests sees the test database;
    # one per test run, so runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"tracker-test-{os.getpid()}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 30}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes' backend first: it refuses a locked-out address or username before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files from collectstatic; the tests render pages without collecting.
    "staticfiles": {
        "BACKEND": env.str("STATIC_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "dashboard"

# The demo logins' passwords (manage.py create_demo_users, run by scripts/run): generated once, shown on
# every start. Local demos only; kept out of git.
DEMO_LOGINS_FILE = env.str("DEMO_LOGINS_FILE", default=str(BASE_DIR / ".demo-logins.json"))

# Caches and Celery: Redis when REDIS_URL is set, in-process otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without Redis the broker is a folder on disk: web, worker and beat share it
# with no server to install (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
BROKER_FOLDER = Path(env.str("BROKER_FOLDER", default=str(BASE_DIR / ".broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_FOLDER / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "processed_folder": str(BROKER_FOLDER / "processed"),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    # A message a worker took but never acknowledged (it died) is delivered again after this long.
    # How often a worker sweeps for such messages: every interval × throttle seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"news.tasks.*": {"queue": "ingest"}}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Stray writes to stdout/stderr (a crash's traceback) stay as they are: redirected into the JSON logs,
# each write() would be a log line of its own, a traceback one line per character.
CELERY_WORKER_REDIRECT_STDOUTS = False
# Celery's Django fixup closes the database connection around every task unless this is set (it then
# closes it every 2 x this many tasks); tracker/celery.py applies CONN_MAX_AGE and health checks instead.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# News ingestion. Hosts in INGEST_ALLOWED_HOSTS ("host" or "host:port",
# comma-separated) may be fetched even when they resolve to loopback or
# private addresses: for tests and local demos only.
INGEST_ALLOWED_HOSTS = env.list("INGEST_ALLOWED_HOSTS", default=[])
INGEST_USER_AGENT = env.str(
    "INGEST_USER_AGENT",
    default="CeasefireTracker/0.1 (news monitoring for ceasefire negotiation research)",
)
INGEST_CONNECT_TIMEOUT = env.float("INGEST_CONNECT_TIMEOUT", default=5.0)
INGEST_READ_TIMEOUT = env.float("INGEST_READ_TIMEOUT", default=15.0)
INGEST_TOTAL_TIMEOUT = env.float("INGEST_TOTAL_TIMEOUT", default=30.0)
INGEST_MAX_BYTES = env.int("INGEST_MAX_BYTES", default=5 * 1024 * 1024)
INGEST_MAX_REDIRECTS = env.int("INGEST_MAX_REDIRECTS", default=5)
INGEST_MAX_ENTRIES = env.int("INGEST_MAX_ENTRIES", default=200)
INGEST_PROCESS_BATCH = env.int("INGEST_PROCESS_BATCH", default=20)  # articles per processing task
# What a processed batch means beyond news (news.services.run_batch_hooks): dotted paths of callables run in
# the batch's transaction. Review scores the articles against the record (suggestions, relevance) here, so
# news never imports review.
INGEST_BATCH_HOOKS = ["review.services.suggestions_for_batch"]
# Suggestions scoring at least this are ticked in advance; chosen on the labelled set (`manage.py suggestion_quality`).
SUGGESTION_PRESELECT_THRESHOLD = env.float("SUGGESTION_PRESELECT_THRESHOLD", default=0.45)
# The languages an article may be detected in (ISO 639-1; lingua's detector, news/pipeline/language.py): the
# languages of the sources. A page declaring another language keeps it when its text is in that language's
# script. lingua's low-accuracy mode (trigrams only) is as right as the high one on whole articles
# (bench.ingest.language_report), and its models take ~13 MB a process instead of ~140 MB (built in 0.1 s, not 1-2);
# the high one is better on texts under ~120 characters.
INGEST_LANGUAGES = env.list("INGEST_LANGUAGES", default=["en", "ar", "he", "fr", "ru"])
INGEST_LANGUAGE_LOW_ACCURACY = env.bool("INGEST_LANGUAGE_LOW_ACCURACY", default=True)
INGEST_MAX_URL_LENGTH = env.int("INGEST_MAX_URL_LENGTH", default=2000)
INGEST_HOST_MIN_GAP = env.float("INGEST_HOST_MIN_GAP", default=2.0)
# A host busy for at most this many seconds is waited for rather than retried later.
INGEST_HOST_WAIT = env.float("INGEST_HOST_WAIT", default=0.5)
# The processing sweep (news.tasks.requeue_waiting_articles, every 10 minutes) queues again the articles
# whose processing was queued this many seconds ago and has not happened, at most INGEST_SWEEP_LIMIT a run;
# after INGEST_SWEEP_MAX sweeps an article is marked failed. Two hours: longer than the broker's own
# redelivery of a message a dead worker held (CELERY_VISIBILITY_TIMEOUT, 1 h counted from its delivery,
# which is after it was queued), so that redelivery normally comes first.
INGEST_SWEEP_AFTER = env.int("INGEST_SWEEP_AFTER", default=7200)
INGEST_SWEEP_LIMIT = env.int("INGEST_SWEEP_LIMIT", default=2000)
INGEST_SWEEP_MAX = env.int("INGEST_SWEEP_MAX", default=3)
INGEST_MIN_INTERVAL = env.int("INGEST_MIN_INTERVAL", default=600)
INGEST_MAX_INTERVAL = env.int("INGEST_MAX_INTERVAL", default=86400)

# REST API (/api/v1/; tracker/api/ holds the shared pieces). Knox tokens are
# hashed at rest and expire; throttles count per token (or session user) and
# per client address; CORS applies to /api/ only, for the origins listed.
INSTALLED_APPS += [
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "corsheaders",
    "tracker.api",
]
# CORS answers before CommonMiddleware can redirect a preflight request.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "corsheaders.middleware.CorsMiddleware"
)
# Larger bodies get 413 from the API (and 400 from forms): the largest real write is far smaller.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.RolePermissions"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["tracker.api.renderers.FastJSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "tracker.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.api.throttling.TokenRateThrottle",
        "tracker.api.throttling.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_RATE_PER_TOKEN", default="3600/hour"),
        "address": env.str("API_RATE_PER_ADDRESS", default="7200/hour"),
        "login": env.str("API_RATE_LOGIN", default="20/hour"),
    },
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tracker.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Every API update or delete must name the version it read (If-Match, or updated_at in the body):
# a write without one is a 428, so no client overwrites a change it never saw.
API_REQUIRE_WRITE_PRECONDITION = env.bool("API_REQUIRE_WRITE_PRECONDITION", default=True)
# How many days of past meetings a subscribed calendar keeps (a feed URL may ask for 0 to 366 with ?past_days=).
CALENDAR_PAST_DAYS = env.int("CALENDAR_PAST_DAYS", default=30)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ceasefire negotiation tracker API",
    "DESCRIPTION": "The negotiation record and the news review, for dashboards. See /api/docs/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from the online validator: the documentation works offline.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One schema name per choice set (several models have a `kind` or a `status`).
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "actors.models.Actor.Kind",
        "AliasKindEnum": "actors.models.Alias.Kind",
        "IdentifierSchemeEnum": "actors.models.ExternalIdentifier.Scheme",
        "TrackStatusEnum": "negotiations.models.Track.Status",
        "TrackRoleEnum": "negotiations.models.TrackActor.Role",
        "PhaseStatusEnum": "negotiations.models.Phase.Status",
        "MeetingStatusEnum": "negotiations.models.Meeting.Status",
        "MeetingFormatEnum": "negotiations.models.Meeting.Format",
        "ParticipantRoleEnum": "negotiations.models.Participant.Role",
        "ProposalRelationEnum": "negotiations.models.Proposal.Relation",
        "ProposalStatusEnum": "negotiations.models.Proposal.Status",
        "ProposalEventKindEnum": "negotiations.models.ProposalEvent.Kind",
        "TermKindEnum": "negotiations.models.Term.Kind",
        "TermUnitEnum": "negotiations.models.Term.Unit",
        "DeliveryAssessmentEnum": "negotiations.models.Delivery.Assessment",
        "ResponseKindEnum": "negotiations.models.Response.Kind",
        "StickingPointCategoryEnum": "negotiations.models.StickingPoint.Category",
        "StickingPointStatusEnum": "negotiations.models.StickingPoint.Status",
        "PositionStanceEnum": "negotiations.models.Position.Stance",
        "PositionChannelEnum": "negotiations.models.Position.Channel",
        "PositionConfidenceEnum": "negotiations.models.Position.Confidence",
        "ReviewStateEnum": "news.models.Article.ReviewState",
        "ProcessingStateEnum": "news.models.Article.ProcessingState",
    },
}
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["Retry-After", "Deferred-Work"]

# Audit history: who changed what, kept for every core record.
SIMPLE_HISTORY_REVERT_DISABLED = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Security: see the README's Security section. Behind a TLS-terminating proxy (SECURE_COOKIES=true, as
# docker-compose.yml sets it) the proxy's X-Forwarded-Proto says whether the client used https: plain http
# is redirected to https, HSTS tells browsers never to try http again, and the cookies are sent over https
# only. /healthz is answered before SecurityMiddleware (tracker.middleware.HealthCheckMiddleware), so a
# container health check over plain http keeps working.
SECURE_COOKIES = not DEBUG and env.bool("SECURE_COOKIES", default=False)
if SECURE_COOKIES:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # The preload directive only allows the domain to be submitted to the browsers' list (hstspreload.org).
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Django's defaults, stated: nosniff, no cross-origin referrer, no framing, a browsing context of our own.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp) on every answer: scripts only from this site's own files (no inline
# script anywhere: the Swagger UI's start script is served as a file by SpectacularSwaggerSplitView), styles
# also inline (the admin's and Swagger UI's style attributes), images also as data: URLs (Swagger UI's
# icons), ReDoc's search worker from a blob: URL; nothing may frame a page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login protection (django-axes) on every password check: the admin's login form and the API's token
# endpoint. AXES_FAILURE_LIMIT failures from one address, or for one username, lock further attempts
# from it (or for it) out for AXES_COOLOFF_MINUTES with 429; each lockout is logged (logger "axes"),
# recorded in the audit log, and listed with every failed attempt in the admin (Axes: access attempts).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.security.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
# The client address as the API's throttles see it: REMOTE_ADDR, or behind NUM_PROXIES proxies the address
# they put into X-Forwarded-For (never a header a client could set to dodge the lockout).
AXES_CLIENT_IP_CALLABLE = "tracker.security.client_address"

# Structured logs: one JSON object per line, with each call's `extra` fields
# (feed, article, outcome…) as keys. LOG_FORMAT=plain for reading by eye.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
