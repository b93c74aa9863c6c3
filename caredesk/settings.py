"""Django settings. Every value that differs between places comes from the environment.

See .env.example for each variable and what it means.
"""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from caredesk.env import env_bool, env_int, env_keys, env_list, env_megabytes, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("CAREDESK_DEBUG", default=False)

# Signs sessions and forms. Commands that serve no web pages (caredesk due, policy) run
# without it; the web server refuses to start without it (see wsgi.py).
SECRET_KEY = env_str("CAREDESK_SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-key-for-local-development-only"
elif SECRET_KEY and len(SECRET_KEY) < 40 and not DEBUG:
    raise ImproperlyConfigured("CAREDESK_SECRET_KEY must be at least 40 characters long.")

# Equality monitoring answers (special-category data) are encrypted at rest with Fernet
# (caredesk.customers.equality). One key, or several separated by commas to rotate: the
# first encrypts, every one decrypts. Empty: equality answers can be neither read nor
# written (a clear error says so); a developer's machine (DEBUG) gets a fixed insecure key.
CAREDESK_EQUALITY_KEYS = env_keys("CAREDESK_EQUALITY_KEY")
if not CAREDESK_EQUALITY_KEYS and DEBUG:
    CAREDESK_EQUALITY_KEYS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(b"insecure-equality-key-for-development").digest()
        ).decode("ascii")
    ]

ALLOWED_HOSTS = env_list("CAREDESK_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CAREDESK_CSRF_TRUSTED_ORIGINS", default=[])

# The landlord's customer care policy: a name shipped in caredesk/standards/policies
# (halton, stonewall) or a path to a policy file of your own.
CAREDESK_POLICY = env_str("CAREDESK_POLICY", default="halton")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # The front door: two-factor codes (authenticator apps and recovery codes), the lockout
    # after repeated failed sign-ins, and the Content-Security-Policy header.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # Ours, from the bottom layer up (docs/architecture.md).
    "caredesk.core",
    "caredesk.staff",
    "caredesk.customers",
    "caredesk.policies",
    "caredesk.cases",
    "caredesk.notifications",
    "caredesk.documents",
    "caredesk.mail",
    "caredesk.telephony",
    "caredesk.visits",
    "caredesk.complaints",
    "caredesk.privacy",
    "caredesk.search",
    "caredesk.reporting",
    "caredesk.api",
    "caredesk.demo",
    # Last: it runs every app's sweeps (each app's `sweeps.py`), in the order above.
    "caredesk.worker",
]

AUTH_USER_MODEL = "staff.StaffMember"
PASSWORD_HASHERS = PASSWORD_HASHERS_IN_PRODUCTION = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads older hashes, then upgrades them
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

MIDDLEWARE = [
    "caredesk.core.middleware.ServerTimingMiddleware",  # first: times all that follows
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside all that reads the database: when it is out of reach, 503 with Retry-After
    # (a plain page, or problem+json for the API), never a server error.
    "caredesk.core.outage.OutageMiddleware",
    # Before anything reads the session or the database: refuses a NUL in a page's
    # address or fields (400, naming the field), drops a cookie holding one.
    "caredesk.core.typed_input.UnstorableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every page needs a signed-in member of staff unless its view is
    # marked login_not_required (the login page, the API, which checks its own tokens).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out a session idle or too old; then the second step (a code, or setting up
    # two-factor sign-in) and a password to change, before any other page.
    "caredesk.staff.sign_in.SignInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cache-Control: no-store on every page for a signed-in member, every download and the
    # API: none of it kept by a browser or a proxy (static files never reach it).
    "caredesk.core.private_pages.NoStoreMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"  # each role's own starting page
LOGOUT_REDIRECT_URL = "staff:login"

# Signing in. Axes first: it refuses a sign-in for a username that has failed too often
# from the same address, until the cool-off passes or an administrator unlocks it (Staff
# accounts). A trade-off: by username alone anyone could lock any officer out on purpose;
# by address alone one person's typing would lock out a whole office (officers share its
# address). So someone trying many passwords from many addresses is not locked out:
# strong passwords and two-factor sign-in are the defence there.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading the member's roles (and the unread count) with them.
    "caredesk.staff.backends.StaffBackend",
    # Kept so that sessions begun before StaffBackend existed (they name this backend)
    # stay signed in; it signs in nobody StaffBackend refused (the same password check).
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("CAREDESK_SIGN_IN_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CAREDESK_SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind reverse proxies, how many: the visitor's address is then read from the
# X-Forwarded-For entry the outermost of them added (staff.sign_in.client_address).
CAREDESK_PROXY_COUNT = env_int("CAREDESK_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "caredesk.staff.sign_in.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "caredesk.staff.sign_in_views.locked_out"
AXES_VERBOSE = False
# Roles that must sign in with a code from an authenticator app as well as a password,
# besides administrator, system_administrator, data_protection_officer and equality_lead,
# which always must (staff.two_factor.ALWAYS_TWO_FACTOR): Role values, comma-separated;
# this can only add roles. A value that is no role stops caredesk starting (checked in
# the staff app's ready()). Everyone else may choose to.
CAREDESK_TWO_FACTOR_ROLES = env_list(
    "CAREDESK_TWO_FACTOR_ROLES",
    default=[],
)
OTP_TOTP_ISSUER = "caredesk"
# A session unused for this long, or this long after signing in, is signed out.
CAREDESK_SESSION_IDLE_MINUTES = env_int("CAREDESK_SESSION_IDLE_MINUTES", default=30)
CAREDESK_SESSION_MAX_HOURS = env_int("CAREDESK_SESSION_MAX_HOURS", default=10)
SESSION_COOKIE_AGE = CAREDESK_SESSION_MAX_HOURS * 3600

ROOT_URLCONF = "caredesk.urls"
WSGI_APPLICATION = "caredesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caredesk.core.context_processors.desk",
                "caredesk.staff.context_processors.permissions",
                "caredesk.notifications.context_processors.unread",
            ],
        },
    },
]

# Call records imports (caredesk.telephony): the largest file sent from the desk or the
# API, and how far a gzip file may inflate (both in megabytes); how many refused rows
# stop an import (see .env.example).
CAREDESK_CALLS_MAX_UPLOAD_BYTES = env_megabytes("CAREDESK_CALLS_MAX_UPLOAD_MB", default=200)
CAREDESK_CALLS_MAX_DECOMPRESSED_BYTES = env_megabytes(
    "CAREDESK_CALLS_MAX_DECOMPRESSED_MB", default=4096
)
CAREDESK_CALLS_MAX_REJECTED_ROWS = env_int("CAREDESK_CALLS_MAX_REJECTED_ROWS", default=50_000)
if CAREDESK_CALLS_MAX_REJECTED_ROWS < 0:
    raise ImproperlyConfigured("CAREDESK_CALLS_MAX_REJECTED_ROWS must be 0 or more.")

# SQLite is the embedded default; set DATABASE_URL for PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'caredesk.sqlite3'}"),
        conn_max_age=env_int("CAREDESK_DB_CONN_MAX_AGE", default=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Background work (`caredesk worker`): Django's tasks API, tasks kept in the database.
TASKS = {
    "default": {
        "BACKEND": env_str("CAREDESK_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# Email to staff (notifications). SMTP in production; the demo prints to the console.
EMAIL_BACKEND = env_str(
    "CAREDESK_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("CAREDESK_EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("CAREDESK_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env_str("CAREDESK_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("CAREDESK_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("CAREDESK_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("CAREDESK_FROM_EMAIL", default="caredesk@localhost")
# The From of emails to customers (acknowledgements, replies); empty: the policy's
# organisation address. Customers' replies to it must reach CAREDESK_MAILBOX.
CAREDESK_CUSTOMER_FROM_EMAIL = env_str("CAREDESK_CUSTOMER_FROM_EMAIL", default="")
# The repairs system told of hazards in homes (Awaab's Law: complaints.hazard_webhooks):
# where caredesk posts, and the secret each post is signed with (HMAC-SHA256). No URL:
# nothing is sent, and each hazard says so.
CAREDESK_REPAIRS_WEBHOOK_URL = env_str("CAREDESK_REPAIRS_WEBHOOK_URL", default="")
CAREDESK_REPAIRS_WEBHOOK_SECRET = env_str("CAREDESK_REPAIRS_WEBHOOK_SECRET", default="")
# The address links in emails point at, e.g. https://caredesk.example.org
CAREDESK_SITE_URL = env_str("CAREDESK_SITE_URL", default="http://127.0.0.1:8000")

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("CAREDESK_STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
# The file store (caredesk.core.store): emails as received, their attachments, letters
# and scans: personal data.
CAREDESK_MAIL_STORE = Path(env_str("CAREDESK_MAIL_STORE", default=str(BASE_DIR / "var" / "mail")))
# A file of the store is removed once no row names it (an erased customer's, say), but
# not until it has gone unused this long, in seconds: a message arriving may be about to
# name it (caredesk.core.store.store_remove). The sweep of the store for files no row
# names waits longer (privacy.store_sweep): a scan kept for a form shown again has none.
CAREDESK_STORE_UNUSED_FOR = env_int("CAREDESK_STORE_UNUSED_FOR", default=600)
# Upload limits (caredesk.core.uploads): each form says its limit and refuses a larger file
# with its size. Scans of letters received, translators' files, in megabytes.
CAREDESK_SCAN_MAX_BYTES = env_megabytes("CAREDESK_SCAN_MAX_MB", default=25)
CAREDESK_TRANSLATION_MAX_BYTES = env_megabytes("CAREDESK_TRANSLATION_MAX_MB", default=50)
# The most pixels an image a customer sends (or a page of it) may have: decoding it takes
# 3 to 4 bytes a pixel (caredesk.core.file_checks). 50 million holds an A4 page at 600 dpi.
CAREDESK_UPLOAD_MAX_PIXELS = env_int("CAREDESK_UPLOAD_MAX_PIXELS", default=50_000_000)
if CAREDESK_UPLOAD_MAX_PIXELS < 1:
    raise ImproperlyConfigured("CAREDESK_UPLOAD_MAX_PIXELS must be a whole number above 0.")
# A request's form fields and body (files apart) are refused over this; an uploaded file
# over FILE_UPLOAD_MAX_MEMORY_SIZE is written to a temporary file, not held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_megabytes("CAREDESK_REQUEST_MAX_MB", default=2.5)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, said here on purpose
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # no form takes more than two (calls: file and mapping)
# The organisation's mailbox, read by the worker at each sweep (caredesk.mail.mailbox),
# e.g. imaps://care%40example.org@mail.example.org/INBOX, and its password (kept apart,
# so that it is never shown with the address). Empty: no mailbox.
CAREDESK_MAILBOX = env_str("CAREDESK_MAILBOX", default="")
CAREDESK_MAILBOX_PASSWORD = env_str("CAREDESK_MAILBOX_PASSWORD", default="")
# Where each message read from the mailbox is moved once it is received.
CAREDESK_MAILBOX_DONE = env_str("CAREDESK_MAILBOX_DONE", default="caredesk-received")

SECURE_SSL_REDIRECT = env_bool("CAREDESK_SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("CAREDESK_SECURE_COOKIES", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HSTS: browsers use only HTTPS for this site once they have seen it over HTTPS. On by
# default outside DEBUG (Django sends it only on HTTPS responses); 0 turns it off.
SECURE_HSTS_SECONDS = env_int("CAREDESK_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CAREDESK_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = False
SECURE_REFERRER_POLICY = "same-origin"
# No script or style but our own files: nothing inline, no eval (htmx is told not to
# add its indicator styles, core/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        # Previews of checked files (mail.attachments): our own addresses only.
        "frame-src": [SELF],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CAREDESK_LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each step of every letter it renders at INFO.
    # axes reports every sign-in at INFO; failures and lockouts are WARNING.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
# Form fields are drawn with Jinja2 templates: see caredesk/core/form_rendering.py.
FORM_RENDERER = "caredesk.core.form_rendering.DeskFormRenderer"
