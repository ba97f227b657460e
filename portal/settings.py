"""Settings, read from the environment and strictly parsed.

Local defaults need nothing installed: SQLite under var/ and an embedded Celery broker on the
file system. Production sets DATABASE_URL (postgres://…), CELERY_BROKER_URL and CACHE_URL
(redis://…), DEBUG=false, SECRET_KEY and ALLOWED_HOSTS. A malformed value stops start-up with a
message naming the variable, instead of silently falling back to a default.
"""
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {os.environ[name]!r}")


def env_int(name, default, minimum=0):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name, default):
    raw = os.environ.get(name, "").strip() or default
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several types for a bad URL
        raise ImproperlyConfigured(f"{name} is not a database URL: {raw!r} ({exc})") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(f"{name} must be sqlite:// or postgres://, not {raw!r}")
    if engine.endswith("sqlite3"):
        # A web server and a Celery worker share the file: wait for the lock instead of failing.
        config["OPTIONS"] = {"timeout": 20}
    else:
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
        # The dashboards' aggregates over a street's 50,000 members are estimated costly
        # enough for PostgreSQL to compile them (JIT), which took longer (≈50 ms a query
        # here) than running them.
        options = config.setdefault("OPTIONS", {})
        planner = {"jit": "off"}
        # The planner's default cost of a random page (4) is a spinning disk's: it then read all
        # 1.5 million meeting-kind rows of a city to join a street's 21,750 meetings, instead of
        # looking each up in the index (256 → 82 ms; a street's 三会一课 judged after a rule
        # change, 396 → 288 ms). 1.1 is the usual value for SSDs and a database held in memory;
        # empty leaves the server's own.
        page_cost = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1").strip()
        if page_cost:
            try:
                # PostgreSQL refuses what it cannot hold (1e-320): every connection would fail.
                if not 0.01 <= float(page_cost) <= 1000:
                    raise ValueError
            except ValueError:
                raise ImproperlyConfigured(f"DATABASE_RANDOM_PAGE_COST must be a number from "
                                           f"0.01 to 1000, not {page_cost!r}") from None
            planner["random_page_cost"] = float(page_cost)
        # A setting the URL's own `options=` names is the URL's.
        given = options.get("options", "")
        options["options"] = " ".join([given, *(f"-c {name}={value}" for name, value
                                                in planner.items() if f"{name}=" not in given)]
                                      ).strip()
        # A database host that does not answer fails a request (and /healthz) in seconds, not
        # after the system's two minutes.
        options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1))
    return config


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "local-development-only-not-secret"
# In production, demo and staff-set initial passwords must be changed at first login.
FORCE_PASSWORD_CHANGE = env_bool("FORCE_PASSWORD_CHANGE", not DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "auditlog",
    "csp",
    "portal",
    "organizations",
    "organizations.streetsettings",
    "members",
    "members.dues",
    "members.development",
    "activities",
    "activities.appraisal",
    "activities.volunteers",
    "pairing",
    "pairing.zones",
    "portal.tasklists",
    "portal.kiosk",
    "pairing.wishes",
    # The benchmark commands (bench/): no models, no URLs, nothing served.
    "bench",
]

MIDDLEWARE = [
    "portal.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organizations.login_protection.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "organizations.context_processors.scope",
                "members.context_processors.display",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes name extra columns for PostgreSQL; SQLite, the embedded default, ignores them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock a username from one address after 5 failures, for 15 minutes (等保 baseline).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "organizations.login_protection.axes_username"
# Behind a reverse proxy every request comes from the proxy's address: count the proxies that
# append to X-Forwarded-For (0: none, the peer is the client), so a lockout is per client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "organizations.login_protection.client_ip"

# Idle timeout: the session expires after this many minutes without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer asks /healthz of each server over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every asset is vendored: nothing outside 'self' is needed. Scripts live in static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Every domain model's writes are recorded with who, when, from where and what changed.
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_MASK_TRACKING_FIELDS = ("password",)
# The hash of a member's activation code or of a kiosk link's token never enters the audit trail.
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("code_hash", "token_hash")
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions", "admin", "contenttypes", "axes", "auditlog", "auth.permission",
    # The beat's heartbeat is written every minute and tells nothing about anyone.
    "portal.heartbeat",
    # An entry names its actor and time: for a ballot, that is the voter (民主评议 is anonymous).
    "appraisal.ballot",
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploads live outside the static root and have no public URL: a view that checks the
# owning record's scope serves each one.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dangjian@localhost")

# Cache: computed figures that are costly at a street's size (三会一课 compliance), each entry
# keyed by a version that writes bump (activities/compliance_cache.py), so every process must see the
# same cache: Redis in production (CACHE_URL=redis://…), files under var/ otherwise, which the
# web server and the Celery worker of `make run` share.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL.startswith(("redis://", "rediss://")):
    # A Redis outage slows the pages down (figures computed afresh) instead of stopping them.
    from kernel.cache import caches_for

    CACHES = caches_for(CACHE_URL)
elif CACHE_URL in ("", "file://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must be redis://…, file:// or locmem://, not {CACHE_URL!r}")

# Celery: Redis in production; without CELERY_BROKER_URL, kombu's file-system transport
# under var/ so `make run` needs no Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or "filesystem://"
if not CELERY_BROKER_URL.startswith(("filesystem://", "redis://", "rediss://", "memory://")):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be redis://… or filesystem://, not {CELERY_BROKER_URL!r}")
if CELERY_BROKER_URL == "filesystem://":
    _queue = VAR_DIR / "celery" / "queue"
    _processed = VAR_DIR / "celery" / "processed"
    for _folder in (_queue, _processed):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue), "data_folder_out": str(_queue),
        "processed_folder": str(_processed), "store_processed": False,
        # kombu would otherwise write its broadcast folder into the working directory
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    # A web request that queues a task (kernel/queueing.py) tries a stopped broker twice,
    # 0.2 s apart, instead of for six seconds: the work waits in the database for the beat.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0,
                                       "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
# A delivery claimed this long ago and never finished lost its worker: it goes back to pending
# until it has been tried this many times, then it is marked failed.
DELIVERY_STUCK_MINUTES = env_int("DELIVERY_STUCK_MINUTES", 15, minimum=1)
# Seconds after a rule change (or another change that makes every street's 三会一课 figures or
# 失联 lists stale) at which a worker computes them again (portal/tasks.py rewarm_soon).
COMPLIANCE_REWARM_SECONDS = env_int("COMPLIANCE_REWARM_SECONDS", 5)
DELIVERY_STUCK_MAX_ATTEMPTS = env_int("DELIVERY_STUCK_MAX_ATTEMPTS", 3, minimum=1)
# How often a 大屏 (portal/kiosk) fetches the street's figures again.
KIOSK_REFRESH_SECONDS = env_int("KIOSK_REFRESH_SECONDS", 60, minimum=5)
# How long a district's 大屏 shows each page of its table of streets.
KIOSK_PAGE_SECONDS = env_int("KIOSK_PAGE_SECONDS", 10, minimum=3)

# Celery's worker and beat log through LOGGING too (JSON, scrubbed) instead of their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# /healthz (portal/health.py): the beat's last tick and the oldest unsent delivery may be this
# old; 0 minutes for the beat: none is expected. Each check gives up after the timeout.
HEALTHZ_BEAT_MAX_MINUTES = env_int("HEALTHZ_BEAT_MAX_MINUTES", 5)
HEALTHZ_DELIVERY_MAX_MINUTES = env_int("HEALTHZ_DELIVERY_MAX_MINUTES", 60, minimum=1)
HEALTHZ_TIMEOUT_SECONDS = env_int("HEALTHZ_TIMEOUT_SECONDS", 2, minimum=1)

# Logs: one JSON object a line on stdout, and in LOG_FILE when set (reopened after logrotate
# moves it). The filters add the request id and mask ID and phone numbers (kernel/logs.py).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {LOG_LEVEL!r}")
LOG_FILE = os.environ.get("LOG_FILE", "").strip()
_log_handler = {"formatter": "json", "filters": ["request_id", "scrub"]}
# Reminder channels beyond the inbox (activities/channels.py, README "Reminder channels").
# 企业微信 (WeCom) is on when its corp id, secret and agent id are all set; the API base URL is
# replaced only for a self-hosted proxy or the tests' fake server.
WECOM_CORP_ID = os.environ.get("WECOM_CORP_ID", "").strip()
WECOM_SECRET = os.environ.get("WECOM_SECRET", "").strip()
WECOM_AGENT_ID = env_int("WECOM_AGENT_ID", 0, minimum=0)
WECOM_API_BASE_URL = (os.environ.get("WECOM_API_BASE_URL", "").strip()
                      or "https://qyapi.weixin.qq.com/cgi-bin/")
if not WECOM_API_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"WECOM_API_BASE_URL must start with https:// or http://, not {WECOM_API_BASE_URL!r}")
WECOM_API_BASE_URL = WECOM_API_BASE_URL.rstrip("/") + "/"
_wecom = {"WECOM_CORP_ID": WECOM_CORP_ID, "WECOM_SECRET": WECOM_SECRET,
          "WECOM_AGENT_ID": WECOM_AGENT_ID}
if any(_wecom.values()) and not all(_wecom.values()):
    raise ImproperlyConfigured("WECOM_CORP_ID, WECOM_SECRET and WECOM_AGENT_ID are set together: "
                               "missing " + ", ".join(k for k, v in _wecom.items() if not v))
# What a WeCom reminder looks like: `text` (the title and body) or `textcard` (a card with the
# title, the body and a 详情 link to the page, e.g. the meeting): a card needs SITE_URL, as the
# worker that sends it has no request to take the host name from.
WECOM_MESSAGE_TYPE = os.environ.get("WECOM_MESSAGE_TYPE", "").strip().lower() or "text"
if WECOM_MESSAGE_TYPE not in {"text", "textcard"}:
    raise ImproperlyConfigured(
        f"WECOM_MESSAGE_TYPE must be text or textcard, not {WECOM_MESSAGE_TYPE!r}")
# The portal's address as members open it (https://dangjian.example.cn), for links in messages.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, not {SITE_URL!r}")
if WECOM_MESSAGE_TYPE == "textcard" and not SITE_URL:
    raise ImproperlyConfigured("WECOM_MESSAGE_TYPE=textcard needs SITE_URL (the portal's address)")
# SMS: `log` (the default) only writes the text to the log; `tencent` sends through Tencent
# Cloud SMS with the template SMS_TEMPLATE_ID, whose one parameter is the text.
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "").strip().lower() or "log"
if SMS_PROVIDER not in {"log", "tencent"}:
    raise ImproperlyConfigured(f"SMS_PROVIDER must be log or tencent, not {SMS_PROVIDER!r}")
SMS_SECRET_ID = os.environ.get("SMS_SECRET_ID", "").strip()
SMS_SECRET_KEY = os.environ.get("SMS_SECRET_KEY", "").strip()
SMS_SDK_APP_ID = os.environ.get("SMS_SDK_APP_ID", "").strip()
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "").strip()
SMS_TEMPLATE_ID = os.environ.get("SMS_TEMPLATE_ID", "").strip()
SMS_REGION = os.environ.get("SMS_REGION", "").strip() or "ap-guangzhou"
# host[:port], or http://host:port for the tests' fake server
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "").strip() or "sms.tencentcloudapi.com"
if SMS_PROVIDER == "tencent":
    _missing = [name for name in ("SMS_SECRET_ID", "SMS_SECRET_KEY", "SMS_SDK_APP_ID",
                                  "SMS_SIGN_NAME", "SMS_TEMPLATE_ID") if not globals()[name]]
    if _missing:
        raise ImproperlyConfigured("SMS_PROVIDER=tencent needs " + ", ".join(_missing))
# Reminder texts one member receives by SMS in a day (Asia/Shanghai), counted from deliveries.
SMS_DAILY_CAP = env_int("SMS_DAILY_CAP", 5, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "kernel.logs.RequestIdFilter"},
        "scrub": {"()": "kernel.logs.ScrubFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # Django's request and server loggers attach the request (its query string
            # included) and the socket: the request line says what is needed.
            "reserved_attrs": [*RESERVED_ATTRS, "request", "server_time"],
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                    **_log_handler},
        **({"file": {"class": "logging.handlers.WatchedFileHandler", "filename": LOG_FILE,
                     "encoding": "utf-8", **_log_handler}} if LOG_FILE else {}),
    },
    "root": {"handlers": ["console", *(["file"] if LOG_FILE else [])], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers print plain text (runserver's request lines with their query
        # strings): its records go through the JSON handlers instead. Requests are logged by
        # portal.middleware.RequestLogMiddleware, runserver's only when they go wrong.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# Error reports to Sentry (or a compatible server such as GlitchTip) when SENTRY_DSN is set;
# without it sentry_sdk is not even imported. Reports carry no user data Sentry would add
# (send_default_pii), no request bodies, no local variables, and are scrubbed like the logs.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk

    from kernel.logs import scrub_event

    try:
        sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, include_local_variables=False,
                        max_request_body_size="never", before_send=scrub_event,
                        environment=os.environ.get("SENTRY_ENVIRONMENT") or None)
    except Exception as exc:  # sentry_sdk's BadDsn, or a ValueError for a scheme it refuses
        raise ImproperlyConfigured(f"SENTRY_DSN is not a Sentry DSN: {exc}") from None
FORMAT_MODULE_PATH = ["portal.formats"]
AXES_VERBOSE = False
