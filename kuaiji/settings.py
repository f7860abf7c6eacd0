"""Kuaiji settings: one module, the environment decides.

KUAIJI_ENV picks the mode: ``production`` (the default, safe: DEBUG off, secret key required, secure
cookies, HSTS), ``demo`` (what ``make demo`` runs: SQLite and files under ./var, nothing to set) or
``test`` (what the test suite runs). Integrations switch on when their variable is set: DATABASE_URL
(PostgreSQL), REDIS_URL (cache), KUAIJI_S3_BUCKET (object storage), KUAIJI_SMS_BACKEND (SMS provider).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

import dj_database_url
from csp.constants import NONE, SELF


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KUAIJI_VAR_DIR", BASE_DIR / "var"))

# Under pytest (which sets PYTEST_VERSION) the test mode is the default.
KUAIJI_ENV = os.environ.get("KUAIJI_ENV") or ("test" if os.environ.get("PYTEST_VERSION") else "production")
if KUAIJI_ENV not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("KUAIJI_ENV must be one of production, demo, test")
IS_PRODUCTION = KUAIJI_ENV == "production"
IS_TEST = KUAIJI_ENV == "test"
IS_DEMO = KUAIJI_ENV == "demo"

DEBUG = env_bool("DEBUG", default=False)
if DEBUG and IS_PRODUCTION:
    raise ImproperlyConfigured("DEBUG must stay off in production")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if IS_PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    if IS_TEST:
        return "test-only-insecure-key-" + "x" * 40
    # The demo keeps one random key under var/ so sessions survive a restart.
    key_file = VAR_DIR / "secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "captcha",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "kuaiji.core",
    "kuaiji.calendar",
    "kuaiji.regions",
    "kuaiji.recognition",
    "kuaiji.accounts",
    "kuaiji.collection",
    "kuaiji.review",
    "kuaiji.archive",
    "kuaiji.credit",
    "kuaiji.questions",
    "kuaiji.extracts",
    "kuaiji.lookup",
    "kuaiji.imports",
    "kuaiji.exports",
    "kuaiji.announcements",
    "kuaiji.reporting",
    "kuaiji.audit",
    "kuaiji.api",
    "kuaiji.demo",
]
if IS_TEST:
    # `lintmigrations` (a dev dependency): new migrations must be safe while the old version serves.
    INSTALLED_APPS.append("django_migration_linter")

MIDDLEWARE = [
    # First: every answer (redirects, error pages, static files) carries the request id, and every log
    # line written while the request runs.
    "kuaiji.core.request_id.RequestIdMiddleware",
    # Request latency per view, measured around everything below (kuaiji.core.metrics).
    "kuaiji.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files stay cacheable), before everything that may answer.
    "kuaiji.core.middleware.NoStoreMiddleware",
    # Inside NoStore, so the pages it makes are not stored either.
    "kuaiji.core.middleware.ErrorPageMiddleware",
    "kuaiji.core.middleware.ClientAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kuaiji.accounts.otp_middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After MessageMiddleware: it says why the session was ended.
    "kuaiji.accounts.middleware.SessionLifetimeMiddleware",
    # After authentication (staff go on during maintenance): 维护 / 只读 modes (kuaiji.core.platform_mode).
    "kuaiji.core.platform_mode.PlatformModeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "kuaiji.core.middleware.ControlCharacterQueryMiddleware",
    # Last, so its 413 page gets the headers above; nothing above reads the body before the view.
    "kuaiji.core.middleware.RequestSizeLimitMiddleware",
]

ROOT_URLCONF = "kuaiji.urls"
FORM_RENDERER = "kuaiji.core.forms.KuaijiFormRenderer"
WSGI_APPLICATION = "kuaiji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kuaiji" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kuaiji.core.context_processors.site",
            ],
        },
    },
]

# --- Database: SQLite under ./var by default, PostgreSQL when DATABASE_URL is set -----------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'kuaiji.sqlite3'}"
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)


# Connections are bounded either way. By default each gunicorn thread keeps one persistent
# connection (DATABASE_CONN_MAX_AGE seconds): at most workers × threads per app server. With
# DATABASE_POOL_MAX_SIZE (PostgreSQL only) each worker process keeps a psycopg pool of at most that many,
# shared by its threads; a request waits up to DATABASE_POOL_TIMEOUT seconds for one.
# DATABASE_STATEMENT_TIMEOUT_MS cancels any statement running longer (PostgreSQL's statement_timeout);
# run migrations with it at 0 (an index build can take longer than a request may).
def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True)
    )
    if config["ENGINE"] != "django.db.backends.postgresql":
        return config
    options: dict[str, Any] = dict(config.get("OPTIONS") or {})
    statement_timeout = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 0)
    if statement_timeout > 0:
        options["options"] = f"-c statement_timeout={statement_timeout}"
    pool_size = env_int("DATABASE_POOL_MAX_SIZE", 0)
    if pool_size > 0:
        options["pool"] = {
            "min_size": min(2, pool_size),
            "max_size": pool_size,
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
        # Django refuses persistent connections next to a pool: the pool keeps them.
        config["CONN_MAX_AGE"] = 0
    config["OPTIONS"] = options
    return config


DATABASES = {"default": _database(os.environ.get("DATABASE_URL", _default_sqlite))}
# An optional read replica (PostgreSQL streaming replication), used only by reads wrapped in
# kuaiji.core.db.using_replica() (search, statistics); see kuaiji/core/db.py.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {**_database(os.environ["DATABASE_REPLICA_URL"]), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["kuaiji.core.db.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait (up to the
    # timeout) instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: local memory by default, Redis when REDIS_URL is set ----------------------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "kuaiji.core.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "kuaiji",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Reference data that may be minutes old anyway (departments, divisions: regions.selectors) is kept in
# each process's memory: asking Redis for it cost a round trip per hot request.
CACHES["reference"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kuaiji-reference",
    "OPTIONS": {"MAX_ENTRIES": 20000},  # type: ignore[dict-item]  # every department and division of the country
}

# --- Files: private storage under ./var/files, or S3-compatible object storage ---------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "kuaiji" / "static"]
if os.environ.get("KUAIJI_S3_BUCKET"):
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["KUAIJI_S3_BUCKET"],
            "endpoint_url": os.environ.get("KUAIJI_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("KUAIJI_S3_REGION") or None,
            "access_key": os.environ.get("KUAIJI_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("KUAIJI_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            # "path" for MinIO and moto on an address without bucket subdomains; empty: boto3 decides.
            "addressing_style": os.environ.get("KUAIJI_S3_ADDRESSING_STYLE") or None,
        },
    }
else:
    # No base_url: nothing under it is reachable from the web; files are served by views that check
    # who is asking.
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "files"), "base_url": None},
    }
STORAGES = {
    "default": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION

# Uploads: Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count files, so a middleware refuses any
# request whose body is larger than this before it is parsed; each image is checked again by size.
KUAIJI_MAX_REQUEST_BYTES = env_int("KUAIJI_MAX_REQUEST_BYTES", 12 * 1024 * 1024)
# Exports (导出): up to this many rows the file comes at once; more are made in the background, kept for
# KUAIJI_EXPORT_KEEP_DAYS and then deleted (prune_expired_exports).
KUAIJI_EXPORT_INLINE_ROWS = env_int("KUAIJI_EXPORT_INLINE_ROWS", 10_000)
KUAIJI_EXPORT_KEEP_DAYS = env_int("KUAIJI_EXPORT_KEEP_DAYS", 7)
# 人员档案证明 (kuaiji.extracts): valid this many days; signed (PAdES) with the department's key and
# certificate (PEM files; the key may be encrypted with the passphrase). In the demo and the tests a
# self-signed certificate is made when they are unset; production refuses to issue without them.
KUAIJI_EXTRACT_VALID_DAYS = env_int("KUAIJI_EXTRACT_VALID_DAYS", 90)
KUAIJI_EXTRACT_SIGNING_KEY = os.environ.get("KUAIJI_EXTRACT_SIGNING_KEY", "")
KUAIJI_EXTRACT_SIGNING_CERT = os.environ.get("KUAIJI_EXTRACT_SIGNING_CERT", "")
KUAIJI_EXTRACT_SIGNING_PASSPHRASE = os.environ.get("KUAIJI_EXTRACT_SIGNING_PASSPHRASE", "")
# Typed verification codes per client address an hour (the public /verify/ page).
KUAIJI_EXTRACT_VERIFICATIONS_PER_ADDRESS_HOURLY = env_int(
    "KUAIJI_EXTRACT_VERIFICATIONS_PER_ADDRESS_HOURLY", 60
)
# The site's address as people reach it, printed in the extract's QR code and URL (no trailing slash).
KUAIJI_PUBLIC_URL = os.environ.get(
    "KUAIJI_PUBLIC_URL", "" if IS_PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")
# Reading the ID card's front after upload (kuaiji.recognition, the [ocr] extra). Off in the test suite
# unless a test turns it on (a reading costs about a second); a reading not finished after
# KUAIJI_CARD_READING_SECONDS shows "could not read" and the person goes on.
KUAIJI_CARD_RECOGNITION = env_bool("KUAIJI_CARD_RECOGNITION", not IS_TEST)
KUAIJI_CARD_READING_SECONDS = env_int("KUAIJI_CARD_READING_SECONDS", 10)
# New readings asked for from one address in an hour (a reading costs the worker about a second); past
# it, photos are still taken and a reviewer checks them by eye.
KUAIJI_CARD_READINGS_PER_ADDRESS_HOURLY = env_int("KUAIJI_CARD_READINGS_PER_ADDRESS_HOURLY", 60)
# A draft untouched, or a return not acted on, for this many days is stalled: its person is reminded once
# (never more than once a week) by manage.py remind_stalled_drafts, and departments see the count.
KUAIJI_STALLED_DRAFT_DAYS = env_int("KUAIJI_STALLED_DRAFT_DAYS", 14)
# 统计分析 shows summary tables; a dashboard opened when they are older than this queues a refresh.
KUAIJI_STATISTICS_MAX_AGE = timedelta(minutes=env_int("KUAIJI_STATISTICS_MAX_AGE_MINUTES", 10))
# An old register (原有人员导入, staff only: the view checks who asks before the body is read).
KUAIJI_MAX_IMPORT_BYTES = env_int("KUAIJI_MAX_IMPORT_BYTES", 100 * 1024 * 1024)
# 通知公告's attachments (staff only): so many files of at most so many bytes each; the request that
# carries them (under /announcements/manage/) may hold them all and the form around them.
KUAIJI_ANNOUNCEMENT_MAX_ATTACHMENTS = env_int("KUAIJI_ANNOUNCEMENT_MAX_ATTACHMENTS", 5)
KUAIJI_ANNOUNCEMENT_ATTACHMENT_MAX_BYTES = env_int(
    "KUAIJI_ANNOUNCEMENT_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024
)
KUAIJI_MAX_ANNOUNCEMENT_REQUEST_BYTES = (
    KUAIJI_ANNOUNCEMENT_MAX_ATTACHMENTS * KUAIJI_ANNOUNCEMENT_ATTACHMENT_MAX_BYTES + 1024 * 1024
)
# Phone photos are often 5–8 MB; the browser shrinks larger ones before sending (kuaiji.js).
KUAIJI_IMAGE_MAX_BYTES = env_int("KUAIJI_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
KUAIJI_IMAGE_MAX_PIXELS = env_int("KUAIJI_IMAGE_MAX_PIXELS", 40_000_000)
# The 1-inch photo (一寸照片) made from an uploaded portrait; provinces differ (the national portal wants
# at least 295×413 px and 10 KB, Beijing 114×156 px under 20 KB), hence settings.
KUAIJI_PORTRAIT_WIDTH = env_int("KUAIJI_PORTRAIT_WIDTH", 295)
KUAIJI_PORTRAIT_HEIGHT = env_int("KUAIJI_PORTRAIT_HEIGHT", 413)
KUAIJI_PORTRAIT_MAX_BYTES = env_int("KUAIJI_PORTRAIT_MAX_BYTES", 100 * 1024)
KUAIJI_PORTRAIT_MIN_BYTES = env_int("KUAIJI_PORTRAIT_MIN_BYTES", 10 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Information collection --------------------------------------------------------------------------
# Attachment slots and when each is needed (a condition of kuaiji.collection.attachments.CONDITIONS).
KUAIJI_ATTACHMENT_SLOTS = [
    {
        "slot": "id_front",
        "label": "身份证件人像面",
        "when": "always",
        "reason": "核对身份信息",
        "max_files": 1,
    },
    {
        "slot": "id_back",
        "label": "身份证件国徽面",
        "when": "always",
        "reason": "核对证件有效期",
        "max_files": 1,
    },
    {
        "slot": "education_certificate",
        "label": "全日制学历毕业证书",
        "when": "certificate_kept",
        "reason": "核对全日制学历信息",
        "max_files": 5,
    },
    {
        "slot": "education_proof",
        "label": "单位出具的学历证明",
        "when": "certificate_lost",
        "reason": "毕业证书遗失时，以工作单位出具的学历证明代替",
        "max_files": 5,
        "template": "education-proof",  # kuaiji/collection/document_templates/, served as PDF
    },
    {
        "slot": "qualification_certificate",
        "label": "专业技术资格证书",
        "when": "has_qualification",
        "reason": "已填写专业技术资格",
        "max_files": 5,
    },
    {
        "slot": "appointment_document",
        "label": "会计专业技术职务聘任文件",
        "when": "has_accounting_post",
        "reason": "已填写会计专业技术职务",
        "max_files": 5,
    },
    {
        "slot": "abacus_certificate",
        "label": "珠算等级证书",
        "when": "has_abacus_level",
        "reason": "已填写珠算等级",
        "max_files": 5,
    },
    {
        "slot": "basic_info_form",
        "label": "签字（盖章）后的个人基本信息表",
        "when": "always",
        "reason": "打印系统生成的个人基本信息表，本人签字（有工作单位的加盖单位公章）后拍照上传",
        "max_files": 2,
    },
]
# Working days a review is due in, per kind of submission.
KUAIJI_REVIEW_WORKING_DAYS = {"initial": 5, "change": 5, "transfer": 10}

# --- Audit log ------------------------------------------------------------------------------------------
# Audit events are kept at least six months; ``prune_audit_events`` deletes older ones.
# The minimum is checked here (refuse to start) and again by the command (settings can be overridden).
KUAIJI_AUDIT_RETENTION_DAYS = env_int("KUAIJI_AUDIT_RETENTION_DAYS", 190)
if KUAIJI_AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("KUAIJI_AUDIT_RETENTION_DAYS must be at least 183 (six months)")

# --- Accounts and passwords --------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kuaiji.accounts.backends.ApplicantBackend",
    "kuaiji.accounts.backends.StaffBackend",
]
# Argon2id at OWASP's minimum for it (m=19 MiB, t=2, p=1): the per-core cost sets sign-in capacity.
KUAIJI_ARGON2_MEMORY_KIB = env_int("KUAIJI_ARGON2_MEMORY_KIB", 19 * 1024)
KUAIJI_ARGON2_TIME_COST = env_int("KUAIJI_ARGON2_TIME_COST", 2)
KUAIJI_ARGON2_PARALLELISM = env_int("KUAIJI_ARGON2_PARALLELISM", 1)
PASSWORD_HASHERS = [
    "kuaiji.accounts.hashers.TestArgon2PasswordHasher"
    if IS_TEST
    else "kuaiji.accounts.hashers.KuaijiArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "kuaiji.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "kuaiji.accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "kuaiji.accounts.password_validation.LettersAndDigitsValidator"},
    {"NAME": "kuaiji.accounts.password_validation.NotDocumentNumberValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# Sign-in throttling (django-axes): 5 failures lock an account for 15 minutes. Axes counts by a
# keyed hash of the number typed (so logs and its tables carry no document number); a client address
# that fails across many accounts is throttled separately (see accounts.signin).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "kuaiji.accounts.signin.axes_username"
AXES_CLIENT_IP_CALLABLE = "kuaiji.core.http.client_ip"
AXES_LOCKOUT_CALLABLE = "kuaiji.accounts.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A lock lasts 15 minutes from the fifth failure: tries while locked do not start it again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "login", "password", "document_number", "mobile", "captcha_1"]
# Axes wants the address among the lockout parameters; we throttle addresses ourselves with a higher
# limit, because an office's whole staff can share one address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
KUAIJI_SIGNIN_CAPTCHA_AFTER = 3
KUAIJI_SIGNIN_IP_FAILURE_LIMIT = env_int("KUAIJI_SIGNIN_IP_FAILURE_LIMIT", 30)
# Reverse proxies in front of the site that append to X-Forwarded-For (0: use REMOTE_ADDR).
KUAIJI_TRUSTED_PROXY_COUNT = env_int("KUAIJI_TRUSTED_PROXY_COUNT", 0)

# Staff sign in with a password and a TOTP code (django-otp); the issuer names the site in authenticator apps.
OTP_TOTP_ISSUER = "Kuaiji 会计人员信息管理平台"
KUAIJI_STAFF_VERIFY_WINDOW = timedelta(minutes=5)
KUAIJI_STAFF_TOKEN_TRIES = 5

# API bearer tokens (people) expire; staff ones sooner.
KUAIJI_API_TOKEN_LIFETIME = timedelta(days=7)
KUAIJI_API_STAFF_TOKEN_LIFETIME = timedelta(hours=8)

# --- Sessions: server-side, idle limits by kind of account, 12 hours at most ----------------------
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
KUAIJI_SESSION_IDLE_APPLICANT = timedelta(minutes=30)
KUAIJI_SESSION_IDLE_STAFF = timedelta(minutes=15)
KUAIJI_SESSION_ABSOLUTE = timedelta(hours=12)

# --- SMS codes and captcha ------------------------------------------------------------------------------
_OUTBOX_SMS_BACKEND = "kuaiji.accounts.sms.OutboxBackend"
KUAIJI_SMS_BACKEND = os.environ.get("KUAIJI_SMS_BACKEND", "") or (
    "" if IS_PRODUCTION else _OUTBOX_SMS_BACKEND
)
# The outbox keeps every code readable on disk: in production that is an account takeover, so a real
# provider is required, as SECRET_KEY is.
if IS_PRODUCTION and KUAIJI_SMS_BACKEND in {"", _OUTBOX_SMS_BACKEND}:
    raise ImproperlyConfigured("KUAIJI_SMS_BACKEND must name a real SMS provider in production")
# The production-shape drill (deploy/) runs production settings on loopback with no SMS provider: its
# sink writes messages to KUAIJI_SMS_OUTBOX like the outbox, but no page shows them, it must be named,
# and only a site that answers loopback names alone may use it (a site people reach has a real host
# name in ALLOWED_HOSTS). `check --deploy` warns whenever it is on (kuaiji.accounts.sms).
_DRILL_SMS_BACKEND = "kuaiji.accounts.sms.LoopbackDrillBackend"
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
if IS_PRODUCTION and KUAIJI_SMS_BACKEND == _DRILL_SMS_BACKEND and not set(ALLOWED_HOSTS) <= _LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "KUAIJI_SMS_BACKEND names the loopback drill sink: only a site whose ALLOWED_HOSTS are loopback "
        "names may use it"
    )
KUAIJI_SMS_OUTBOX = Path(os.environ.get("KUAIJI_SMS_OUTBOX", VAR_DIR / "sms-outbox.jsonl"))
KUAIJI_SMS_CODE_TTL = timedelta(minutes=5)
KUAIJI_SMS_CODE_MAX_TRIES = 5
KUAIJI_SMS_PER_PHONE_INTERVAL = timedelta(seconds=60)
KUAIJI_SMS_PER_PHONE_DAILY = 10
# A unit registering its staff sends many codes from one address (one router): the address limit is
# high, and above a lower threshold the picture captcha gets harder instead (docs/decisions/0005).
KUAIJI_SMS_PER_ADDRESS_HOURLY = env_int("KUAIJI_SMS_PER_ADDRESS_HOURLY", 200)
KUAIJI_SMS_HARDER_CAPTCHA_AFTER = env_int("KUAIJI_SMS_HARDER_CAPTCHA_AFTER", 20)
KUAIJI_HARD_CAPTCHA_LENGTH = 6
# The outbox page (/sms-outbox/) is routed only in the demo and test modes, for anyone there (visitors
# of the demo register with it); it is never a staff page.
KUAIJI_SMS_OUTBOX_PAGE = not IS_PRODUCTION
# The SMS delivery log (docs/decisions/0032): the provider's callback to /sms/delivery-reports/ carries
# this secret in X-Kuaiji-Report-Secret; while it is empty the endpoint refuses every call.
KUAIJI_SMS_REPORT_SECRET = os.environ.get("KUAIJI_SMS_REPORT_SECRET", "")
# Log rows (when, kind, state; never a code) are kept this long, then prune_sms_texts deletes them.
KUAIJI_SMS_LOG_RETENTION_DAYS = env_int("KUAIJI_SMS_LOG_RETENTION_DAYS", 180)

# Sized to its text: a harder captcha has more characters.
CAPTCHA_IMAGE_SIZE = None
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5
CAPTCHA_FONT_SIZE = 30
CAPTCHA_LETTER_ROTATION = (-20, 20)
# 4 characters, or KUAIJI_HARD_CAPTCHA_LENGTH for an address that has asked for many SMS codes.
CAPTCHA_CHALLENGE_FUNCT = "kuaiji.accounts.verification.captcha_challenge"
# django-simple-captcha accepts "PASSED" in test mode: on for the test suite, optional for the demo,
# never in production.
CAPTCHA_TEST_MODE = IS_TEST or (IS_DEMO and env_bool("KUAIJI_CAPTCHA_TEST_MODE"))

# --- Background tasks (django-tasks with its database backend; no broker) --------------------------
# Card readings have a queue of their own, so a backlog of them at the peak never holds up an SMS code:
# production runs a worker for each (docs/deploy.md); the demo's one worker takes both.
TASK_QUEUES = ["default", "recognition"]
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if IS_TEST or env_bool("KUAIJI_TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": TASK_QUEUES,
    }
}

# --- Internationalisation --------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Security headers ------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kuaiji.core.views.csrf_failure"
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
LANGUAGE_COOKIE_SECURE = IS_PRODUCTION
SECURE_SSL_REDIRECT = IS_PRODUCTION and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 63072000 if IS_PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
if env_bool("KUAIJI_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes and the metrics scraper talk to each app server directly over loopback http.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$", r"^metrics$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Logging: to stderr; personal data is never formatted into them ------------------------------------
# JSON lines in production (one object a line: time, level, logger, request_id, message), readable text
# in the demo and the tests; KUAIJI_LOG_FORMAT=json|text overrides. Every line written while a request
# runs carries its id (kuaiji.core.request_id).
KUAIJI_LOG_FORMAT = os.environ.get("KUAIJI_LOG_FORMAT") or ("json" if IS_PRODUCTION else "text")
if KUAIJI_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("KUAIJI_LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kuaiji.core.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "kuaiji.core.request_id.JsonLogFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": KUAIJI_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KUAIJI_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Metrics (Prometheus, kuaiji.core.metrics) -----------------------------------------------------------
# /metrics answers these client addresses, or a request bearing KUAIJI_METRICS_TOKEN; nobody else.
KUAIJI_METRICS_ALLOWED_IPS = env_list("KUAIJI_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
KUAIJI_METRICS_TOKEN = os.environ.get("KUAIJI_METRICS_TOKEN", "")

# --- Product ------------------------------------------------------------------------------------------------
KUAIJI_SITE_NAME = os.environ.get("KUAIJI_SITE_NAME", "会计人员信息管理平台")
KUAIJI_DEPARTMENT_NAME = os.environ.get("KUAIJI_DEPARTMENT_NAME", "青海省财政厅")
