"""Waymark settings: one module, driven by environment variables.

With no environment at all Waymark runs in development mode: SQLite in the project folder,
Celery tasks run in-process, email printed to the console, uploads on local disk. Setting
DATABASE_URL and REDIS_URL moves it onto PostgreSQL and Redis; DJANGO_ENV=production turns on
the checks and hardening a public deployment needs. Every variable is listed in README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.beat import beat_schedule
from config.caches import redis_cache
from config.logging import logging_config
from config.outbound import outbound_settings
from config.production import refuse_half_configured
from config.storage import object_storages
from core.middleware import permissions_policy
from integrations.provider_settings import oauth2_provider_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"
DEVELOPMENT = not PRODUCTION

if PRODUCTION:
    refuse_half_configured(env)

SECRET_KEY = env.str("SECRET_KEY", default="development-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=DEVELOPMENT)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the site, used in links sent by email and, later, in badge URLs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "accounts.apps.StaffAdminConfig",  # django.contrib.admin behind allauth and MFA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "audit",
    "accounts",
    "notifications",
    "curriculum",
    "portfolio",
    "assessments",
    "reviews",
    "teaching",
    "badges",
    "passport",
    "exports",
    "oauth2_provider",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.navigation",
            ],
            # {% table %}, {% paged_table %} and |absolute on every page, without a {% load %}.
            "builtins": ["core.templatetags.tables", "core.templatetags.site_urls"],
        },
    },
]

# --- Database --------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'waymark.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two requests writing at once (an autosave and a save) must queue, not fail with
    # "database is locked": take the write lock when a transaction starts, and wait for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker ----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, never only in the cache: a Redis outage must not sign
# everyone out or turn login into an error.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ----------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Without a broker, tasks run in-process at the point they are enqueued (after commit).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# With tasks in-process, long ones (exports) may run in a thread of the web process instead,
# so that the page answers at once and shows their progress, as it would with a worker.
# `make run` turns this on; tests keep such work synchronous unless they ask.
TASKS_IN_THREADS = CELERY_TASK_ALWAYS_EAGER and env.bool("TASKS_IN_THREADS", default=False)
# A worker keeps its database connection across tasks instead of opening one per task
# (Celery closes it only after this many); config.celery still drops a connection that is
# older than CONN_MAX_AGE or fails its health check before each task, as requests do.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_IGNORE_RESULT = True
# Tasks are idempotent, so a task whose worker dies mid-run is redelivered rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A publish to a hung Redis fails within seconds instead of blocking the request.
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "max_retries": 1,
    # Must exceed the longest task time limit, or Redis redelivers a task still running.
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = "UTC"
# --- Audit log -------------------------------------------------------------------------
# The Ed25519 key that signs checkpoints of the audit chains, from outside the database: a PEM
# private key in AUDIT_SIGNING_KEY, or a file named by AUDIT_SIGNING_KEY_FILE. Development
# makes a key file of its own on first use. Public keys of earlier, rotated-out signing keys
# (base64url, as /audit/checkpoints/keys/ shows them) stay trusted for what they signed.
AUDIT_SIGNING_KEY = env.str("AUDIT_SIGNING_KEY", default="")
AUDIT_SIGNING_KEY_FILE = env.str(
    "AUDIT_SIGNING_KEY_FILE",
    default=str(BASE_DIR / "var" / "audit-signing-key.pem") if DEVELOPMENT else "",
)
AUDIT_TRUSTED_PUBLIC_KEYS = env.list("AUDIT_TRUSTED_PUBLIC_KEYS", default=[])
# How often a checkpoint is signed (when anything was appended since the last one).
AUDIT_CHECKPOINT_MINUTES = env.int("AUDIT_CHECKPOINT_MINUTES", default=15)

# --- Open Badges 3.0 -------------------------------------------------------------------
# Fernet keys (comma-separated, newest first) that encrypt issuers' Ed25519 signing keys at
# rest. Development makes a key file of its own on first use.
BADGE_KEY_ENCRYPTION_KEYS = env.list("BADGE_KEY_ENCRYPTION_KEYS", default=[])
BADGE_KEY_ENCRYPTION_KEY_FILE = (
    str(BASE_DIR / "var" / "badge-key-encryption-key") if DEVELOPMENT else ""
)

CELERY_BEAT_SCHEDULE = beat_schedule(audit_checkpoint_minutes=AUDIT_CHECKPOINT_MINUTES)

# --- Authentication --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portfolio:dashboard"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
# Outside development an unverified address cannot sign in; in development the demo
# accounts and new sign-ups work without reading the console for a link.
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEVELOPMENT else "mandatory"
)
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so that nobody turns them off by accident.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Waymark"
# Key for encrypting TOTP secrets at rest; derived from SECRET_KEY unless set on its own,
# so that it can be rotated separately; production refuses to start without it.
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="")
# Number of reverse proxies in front of the site. Client addresses for rate limits and
# throttles are read that many hops from the right of X-Forwarded-For, so a forged header
# cannot give a client a fresh address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES

# --- Email -----------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEVELOPMENT
    else "django.core.mail.backends.smtp.EmailBackend",
)
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Waymark <no-reply@waymark.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call gets 401 with a WWW-Authenticate header.
        # No BasicAuthentication: passwords never travel with API calls. Personal tokens
        # come as `Token wm_…` or `Bearer wm_…`; OAuth takes any other `Bearer`.
        "accounts.api_auth.PersonalAccessTokenAuthentication",
        "integrations.api_auth.OAuthAccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [  # and an OAuth token needs the scope the view declares
        "core.api_scopes.TokenHasDeclaredScope",
        "rest_framework.permissions.IsAuthenticated",
    ],
    # drf-spectacular's, with the errors every operation shares documented once.
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    "NUM_PROXIES": NUM_PROXIES,
}
REST_KNOX = {
    "TOKEN_PREFIX": "wm_",
    "TOKEN_TTL": None,  # each personal access token carries its own expiry
    "AUTH_HEADER_PREFIX": "Token",
    "SECURE_HASH_ALGORITHM": "hashlib.sha512",
}
KNOX_TOKEN_MODEL = "accounts.PersonalAccessToken"
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # named by migrations
OAUTH2_PROVIDER = oauth2_provider_settings(
    access_token_seconds=env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=3600)
)
OAUTH_REGISTRATION_RATE = env.str("OAUTH_REGISTRATION_RATE", default="20/hour")  # per address
# Webhooks and issuers' domain checks: which addresses they may reach (config/outbound.py).
vars().update(outbound_settings(env, development=DEVELOPMENT))
# knox's own migrations create its default token table even when the model is swapped
# out, and that orphan table's foreign key to users breaks `flush` on PostgreSQL.
MIGRATION_MODULES = {"knox": None}
SPECTACULAR_SETTINGS = {
    "TITLE": "Waymark API",
    "DESCRIPTION": "Everything the Waymark web pages can do, for other systems.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are documented as JSON, which can say what form encoding cannot (lists, null);
    # operations that take a file say multipart for themselves.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # One name for a choice set that more than one field offers (an entry's kind, and the
    # kinds an export chooses).
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "portfolio.models.Kind",
        "LoggableKindEnum": "portfolio.models.LOGGABLE_KINDS",
        "AssessmentTypeEnum": "assessments.models.AssessmentType",
        "ExportFormatEnum": "exports.models.Export.Format",
    },
}

# --- Static files and uploads ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence files: outside MEDIA_URL, served only through a view that checks access.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# With STORAGE_URL (or AWS_STORAGE_BUCKET_NAME), uploads go to a bucket every process can
# read, with private objects only; see config/storage.py.
STORAGES.update(object_storages(env.ENVIRON))

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Security --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = permissions_policy()
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
# django-oauth-toolkit warns that plain-http redirects are allowed: they are, for the
# loopback addresses native apps listen on (RFC 8252), and every way of registering an app
# refuses http for any other host (integrations.services).
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W008"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int(
        "SECURE_HSTS_SECONDS", default=int(timedelta(days=365).total_seconds())
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preloading is a promise browsers keep for months and is hard to take back, so the
    # operator opts in; Django's deployment check for it is silenced while they have not.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The TLS-terminating proxy says whether the original request was HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: every script and stylesheet is a file under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the TOTP enrolment QR code, which allauth renders as a data URI.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Logging ---------------------------------------------------------------------------
LOGGING = logging_config(
    level=env.str("LOG_LEVEL", default="INFO"), tasks_run_in_process=CELERY_TASK_ALWAYS_EAGER
)

# --- Waymark ---------------------------------------------------------------------------
# Demo accounts created by seed_demo share this password; it exists only in development.
DEMO_PASSWORD = "waymark-demo"
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
# Evidence uploads: the largest single file, and how much each trainee may store in all.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=50 * 1024 * 1024)
EVIDENCE_QUOTA_BYTES = env.int("EVIDENCE_QUOTA_BYTES", default=1024 * 1024 * 1024)
# Images larger than this many pixels are refused before they are decoded.
EVIDENCE_MAX_PIXELS = env.int("EVIDENCE_MAX_PIXELS", default=40_000_000)
# CPD credits a doctor is expected to collect in an appraisal year (1 April – 31 March).
CPD_ANNUAL_TARGET = 50
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Finished exports (PDF portfolios, archives) are deleted this many days after they are made.
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
# Portable archives are untrusted input: the largest upload, the largest file inside one and
# all files together once uncompressed, how far one file may expand (a zip bomb expands
# thousands of times; real evidence rarely ten), and how many files it may hold.
ARCHIVE_MAX_BYTES = env.int("ARCHIVE_MAX_BYTES", default=1024 * 1024 * 1024)
ARCHIVE_MAX_FILE_BYTES = env.int("ARCHIVE_MAX_FILE_BYTES", default=EVIDENCE_MAX_BYTES)
ARCHIVE_MAX_TOTAL_BYTES = env.int("ARCHIVE_MAX_TOTAL_BYTES", default=2 * 1024 * 1024 * 1024)
ARCHIVE_MAX_RATIO = env.int("ARCHIVE_MAX_RATIO", default=100)
ARCHIVE_MAX_FILES = env.int("ARCHIVE_MAX_FILES", default=20_000)
