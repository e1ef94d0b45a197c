"""Bindeled settings: everything comes from the environment (see .env.production.example).

Production differs from development only by environment values. With no
DATABASE_URL the project runs on an SQLite file; with no REDIS_URL Celery runs
tasks eagerly in-process.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.url("SITE_URL", default="http://127.0.0.1:8000").geturl().rstrip("/")

INSTALLED_APPS = [
    "config.apps.BindeledAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "auditlog",
    "csp",
    "django_htmx",
    "django_filters",
    "sequences",
    "notifications",
    "housing",
    "contacts",
    "cases",
    "referrals",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    "config.middleware.NoStoreForSignedInMiddleware",
    "config.middleware.RefusedObjectPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # django-axes must come last so that it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.emergency",
                "portal.context_processors.menu",
            ],
            # Our template helpers live with the other shared helpers, below every app.
            "libraries": {"ui": "config.templatetags.ui"},
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT spends 20-500 ms compiling our short list queries, whose cost
    # estimates pass jit_above_cost; measured in tests/perf/README.md ("JIT").
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (development) ignores the covering part of PostgreSQL's partial indexes.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []

# --- Authentication -------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "config.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# Lock by username + IP with a cool-off, so nobody can lock an advisor out for good.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The lock page says when the lock ends and that a new password ends it at once.
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"
# A try during the lock is refused but does not start the cool-off again, so the
# time on the lock page holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# The footer's accessibility statement and privacy notice are Bindeled's own pages.
# The municipality's published accessibility statement (on was.digst.dk), linked from
# ours when set.
ACCESSIBILITY_STATEMENT_URL = env.str("ACCESSIBILITY_STATEMENT_URL", default="")
# Where users report an accessibility problem: the law asks for a written and a phone contact.
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="bindeled@kommune.dk")
ACCESSIBILITY_CONTACT_PHONE = env.str("ACCESSIBILITY_CONTACT_PHONE", default="")
# The data controller and its data protection officer (databeskyttelsesrådgiver), named
# in the privacy notice.
DATA_CONTROLLER_NAME = env.str("DATA_CONTROLLER_NAME", default="Kommunen, Socialforvaltningen")
DATA_PROTECTION_OFFICER_EMAIL = env.str("DATA_PROTECTION_OFFICER_EMAIL", default="databeskyttelse@kommune.dk")
DATA_PROTECTION_OFFICER_PHONE = env.str("DATA_PROTECTION_OFFICER_PHONE", default="")

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# Both timeouts are checked by config.middleware.SessionTimeoutMiddleware: idle
# counts from the last request the user made (background polls do not count), and
# absolute from login. The cookie only has to outlive the absolute timeout.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# Saved when it changes (the idle clock moves at most once a minute), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers ------------------------------------------------------

SECURE = env.bool("SECURE", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Internationalisation ----------------------------------------------------

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Third-party assets are installed by npm and served straight from node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# --- Celery and Redis -------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Without socket timeouts a .delay() against a Redis that accepts but never
# answers blocks the web request forever.
BROKER_TIMEOUT_SECONDS = env.float("BROKER_TIMEOUT_SECONDS", default=3.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "max_retries": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
# Publishing from a web request tries once: a retry would add a whole socket timeout
# (a hung Redis with the connection open cost 9 s). The outbox sweeper sends it later.
CELERY_TASK_PUBLISH_RETRY = False
# Celery 6 changes this default; a task cut off by a lost broker connection is run again
# (acks_late), which the outbox's tasks are made for.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE = {
    # Re-send what the broker lost or the mail server refused (the outbox sweeper).
    "notifications-sweep": {"task": "notifications.tasks.notifications_sweep", "schedule": 60.0},
    "referrals-remind-unacknowledged": {
        "task": "referrals.tasks.referrals_remind_unacknowledged",
        "schedule": 15 * 60.0,
    },
    # Shelter stays at day 60 / 80, rent subsidies ending, action plan reviews.
    "cases-remind": {"task": "cases.tasks.cases_remind", "schedule": 60 * 60.0},
    # Long work whose hand-off to Celery the broker lost is handed over again.
    "case-file-exports-requeue": {"task": "cases.tasks.case_file_exports_requeue", "schedule": 60.0},
    "import-jobs-requeue": {"task": "housing.tasks.import_jobs_requeue", "schedule": 60.0},
}

# --- E-mail -----------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that accepts and then hangs must not block a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Bindeled <noreply@bindeled.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Bindeled ---------------------------------------------------------------

# Acute situations are not a queue: call these numbers first, then tell the advisors.
EMERGENCY_NUMBER = env.str("EMERGENCY_NUMBER", default="112")
POLICE_NUMBER = env.str("POLICE_NUMBER", default="114")
SOCIAL_EMERGENCY_NAME = env.str("SOCIAL_EMERGENCY_NAME", default="Den Sociale Døgnvagt")
SOCIAL_EMERGENCY_NUMBER = env.str("SOCIAL_EMERGENCY_NUMBER", default="33 17 33 33")

# Keys for CPR numbers encrypted at rest (Fernet, url-safe base64 of 32 bytes). The
# first key encrypts, all decrypt, so keys can be rotated. Generate one with
# python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off.")
    FIELD_ENCRYPTION_KEYS = ["ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcmVhbC1kYXQ="]
# The key of the CPR look-up hash (url-safe base64 of 32 bytes). It stays when the
# encryption keys rotate; changing it needs `manage.py reencrypt_cpr`, which recomputes
# every hash. A database from before this setting used the first encryption key.
CPR_LOOKUP_KEY = env.str("CPR_LOOKUP_KEY", default="")
if not CPR_LOOKUP_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("CPR_LOOKUP_KEY must be set when DEBUG is off.")
    CPR_LOOKUP_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcmVhbC1kYXQ="

# A concern must be acknowledged within this many working days (Danish holidays skipped);
# an acute one within this many hours of office time (the same working day when it comes
# in before the last hours). Office hours are whole hours on the 24-hour clock.
REFERRAL_ACK_WORKING_DAYS = env.int("REFERRAL_ACK_WORKING_DAYS", default=1)
REFERRAL_ACUTE_ACK_OFFICE_HOURS = env.float("REFERRAL_ACUTE_ACK_OFFICE_HOURS", default=2)
OFFICE_OPENS = env.int("OFFICE_OPENS", default=8)
OFFICE_CLOSES = env.int("OFFICE_CLOSES", default=16)
if not 0 <= OFFICE_OPENS < OFFICE_CLOSES <= 23:
    raise ImproperlyConfigured("OFFICE_OPENS and OFFICE_CLOSES must be hours with 0 <= opens < closes <= 23.")
# Contact persons accept the confidentiality rules again after this many days.
RULES_ACCEPTANCE_DAYS = env.int("RULES_ACCEPTANCE_DAYS", default=365)
RULES_VERSION = "2026-1"
REFERRALS_PER_PAGE = 25
DEPARTMENTS_PER_PAGE = 25
OFFERS_PER_PAGE = 25
CASES_PER_PAGE = 25
# The most the municipality pays in rent subsidy a month: a citizen whose rent ability
# plus this covers the rent is a candidate for the dwelling.
ALLOCATION_MAX_SUBSIDY = env.int("ALLOCATION_MAX_SUBSIDY", default=1500)
# A monthly rent below this cannot be real (a typo such as 0 or 58 for 5800).
RENT_FLOOR = env.int("RENT_FLOOR", default=500)

# Sensitive text must never reach a log line: only ids and event names are logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
    },
}

# Changes to master data are logged with who and when (django-auditlog).
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    # Logins: who changed whose account and rights (never the password hash).
    {
        "model": "auth.User",
        "include_fields": ["username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser"],
    },
    "housing.HousingOrganisation",
    "housing.District",
    "housing.Department",
    "housing.Dwelling",
    "contacts.Team",
    "contacts.Advisor",
    "contacts.ContactPerson",
    "contacts.Appointment",
    "contacts.AssociationStaff",
    # Concerns, cases and allocation are not listed: their services write one audit
    # entry per change through config.audit, and their pages log every read.
)

# --- CSV import ---

# Departments and dwellings from a CSV file (housing/imports). A file of more rows than
# this is previewed and imported by a Celery task while the page shows its progress.
CSV_IMPORT_ASYNC_ROWS = env.int("CSV_IMPORT_ASYNC_ROWS", default=300)
# Refused with a Danish message before anything is read or stored.
CSV_IMPORT_MAX_ROWS = env.int("CSV_IMPORT_MAX_ROWS", default=50_000)
CSV_IMPORT_MAX_BYTES = env.int("CSV_IMPORT_MAX_BYTES", default=10_000_000)
# Rows written per transaction, and a pause after each one: other requests write in
# between instead of waiting for the whole import. SQLite has one writer at a time, and
# a waiting writer looks again every 100 ms: the pause is long enough to be seen.
CSV_IMPORT_BATCH_ROWS = env.int("CSV_IMPORT_BATCH_ROWS", default=200)
CSV_IMPORT_BATCH_PAUSE_SECONDS = env.float(
    "CSV_IMPORT_BATCH_PAUSE_SECONDS", default=0.1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 0.0
)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A transaction that reads before it writes cannot wait for SQLite's write lock: it
    # fails at once with "database is locked" when another connection commits. Taking
    # the lock at BEGIN makes every writer queue for it instead (busy timeout 5 s).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")
