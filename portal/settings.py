"""The portal's one settings module, driven by environment variables (CONTRACT.md section 2).

Defaults are the embedded development set-up: SQLite, the database broker, both upstreams served by the
built-in sandbox. With DEBUG=false the portal refuses to start on any development default (see `_refuse`).
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
DEV_PII_KEY = "dev-only-insecure-pii-key-change-me"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
PII_KEY = env.str("PII_KEY", default=DEV_PII_KEY)
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=DEBUG)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
PORT = env.int("PORT", default=8000)
# The origin the portal builds every browser return URL (backUrl) from; never taken from a request.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")


def _refuse(reason: str) -> None:
    raise ImproperlyConfigured(f"Refusing to start with DEBUG=false: {reason}")


if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        _refuse("set SECRET_KEY to a secret of at least 50 characters (the development key is in use).")
    if PII_KEY == DEV_PII_KEY or len(PII_KEY) < 32:
        _refuse("set PII_KEY to a secret of at least 32 characters (the development key is in use).")
    if SANDBOX_ENABLED:
        _refuse("SANDBOX_ENABLED must be false in production.")
    if not ALLOWED_HOSTS:
        _refuse("set ALLOWED_HOSTS to the host names the portal is served under.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "django_q",
    "rest_framework_api_key",
    "apps.core",
    "apps.patients",
    "apps.integrations",
    "apps.ledger",
    "apps.catalogue",
    "apps.outpatient",
    "apps.window",
    "apps.inpatient",
    "apps.guidance",
    "apps.clinic",
    "apps.reports",
    "apps.audit",
    "apps.audit.apps.LoginProtectionConfig",  # django-axes
    "apps.hospital_api",
    "apps.supplier_finance",
    "apps.reconciliation",
]
if SANDBOX_ENABLED:
    INSTALLED_APPS += ["apps.sandbox", "apps.sandbox.nhsa", "apps.sandbox.paylater"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.IdleSessionRenewal",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a refused login into the lockout page
    "apps.core.middleware.PortalErrorPages",
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
                "apps.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Nested HTTP calls (portal -> sandbox -> portal) run in one process during development: wait for the
    # writer instead of failing, take the write lock up front, and let readers go on beside it (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that the live server's threads each get their own connection as in production;
    # one per process, so that two test runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test_db_{os.getpid()}.sqlite3")}
# PostgreSQL connections kept in a pool per process (Django's psycopg pool) instead of one opened per request.
if env.bool("DATABASE_POOL", default=False) and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 2, "max_size": env.int("DATABASE_POOL_SIZE", default=10)}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    Q_CLUSTER = {"name": "portal", "workers": 2, "timeout": 120, "retry": 180, "redis": REDIS_URL}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    Q_CLUSTER = {"name": "portal", "workers": 2, "timeout": 120, "retry": 180, "orm": "default", "poll": 1}
# "label" is also the worker's section title in the admin.
Q_CLUSTER |= {"label": "后台任务", "catch_up": False, "ack_failures": True, "max_attempts": 1}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login rate limit (django-axes, apps.audit.login): after LOGIN_FAILURE_LIMIT failures an account, and
# separately an address, is refused for LOGIN_LOCKOUT_MINUTES; a successful login clears the account's count.
AUTHENTICATION_BACKENDS = ["apps.audit.login.RateLimitBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，该账号或本机地址已被暂时锁定，请稍后再试"
AXES_CLIENT_IP_CALLABLE = "apps.audit.login.client_ip"
# Reverse proxies in front of the portal that append to X-Forwarded-For (0: the client connects directly).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Staff sessions end after 30 minutes without a request; every request renews the window.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# Renewed by apps.core.middleware.IdleSessionRenewal, at most once a minute, rather than saved on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Chinese for everyone, whatever the browser asks for: no LocaleMiddleware, one language.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic writes; production may keep it outside the code tree.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "先医后付医院门户 API",
    "DESCRIPTION": "",  # written by apps.core.apidocs.in_chinese from the endpoints that exist
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # An accepted call's ret_code is "00", a refusal's "02": two enums, named here once.
    "ENUM_NAME_OVERRIDES": {"RetCodeOkEnum": ["00"], "RetCodeFailEnum": ["02"]},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "apps.core.apidocs.in_chinese"],
}

# --- The hospital -------------------------------------------------------------------------------------------
ORG_CODE = env.str("ORG_CODE", default="H22010200001")
ORG_NAME = env.str("ORG_NAME", default="长春市先医后付示范医院")
ADMDVS = env.str("ADMDVS", default="220100")

# --- Pay-after-care platform (INTERFACES.md section 1, CONTRACT.md section 7) ------------------------------
PAYLATER_BASE_URL = env.str("PAYLATER_BASE_URL", default=f"{PORTAL_BASE_URL}/sandbox/paylater/")
PAYLATER_APP_ID = env.str("PAYLATER_APP_ID", default="sandbox-app-0001")
PAYLATER_APP_SECRET = env.str("PAYLATER_APP_SECRET", default="sandbox-app-secret-0001")
PAYLATER_CODEC = env.str("PAYLATER_CODEC", default="json")
if PAYLATER_CODEC not in ("json", "sm"):
    raise ImproperlyConfigured(f"PAYLATER_CODEC must be 'json' or 'sm', not {PAYLATER_CODEC!r}.")
# [assumed] SM2 keys for the national envelope (INTERFACES.md 1.7, apps.core.smcrypto formats): ours (hex
# private d) and the platform's (hex public x||y, without 04). The defaults are public demo pairs: the portal's,
# and the sandbox platform's, whose private half and our public half the simulated platform reads below.
DEMO_SM2_PORTAL = (
    "fb00e10feef24a9f05a78d43ff3d6be11137c5f07f1970cc145e0fb35718fe68",
    "92e5d3347b733cb238f40688055c18da98d64629e6714a72d6740657ed6d8db9"
    "397a8c48683bc7017a8a086ed90499c4fe171fc660750720a1e9cde434252a11",
)
DEMO_SM2_SANDBOX = (
    "774e2537e164c6c0325af6fb24e2144b4d19b99816d5cdd9a2891e4908e2bcaa",
    "7b42269ee27763ae1202940f694e824a3bde8485eaec07cbaf584343374e4673"
    "098c86f3d16708a8b90c5fb339fc9aee88d89f17e89254e95be36d1ecf55e654",
)
PAYLATER_SM2_PRIVATE_KEY = env.str("PAYLATER_SM2_PRIVATE_KEY", default=DEMO_SM2_PORTAL[0])
PAYLATER_SM2_PLATFORM_PUBLIC_KEY = env.str("PAYLATER_SM2_PLATFORM_PUBLIC_KEY", default=DEMO_SM2_SANDBOX[1])
SANDBOX_SM2_PRIVATE_KEY = DEMO_SM2_SANDBOX[0]
SANDBOX_SM2_PORTAL_PUBLIC_KEY = env.str("SANDBOX_SM2_PORTAL_PUBLIC_KEY", default=DEMO_SM2_PORTAL[1])
if not DEBUG and PAYLATER_CODEC == "sm" and PAYLATER_SM2_PRIVATE_KEY == DEMO_SM2_PORTAL[0]:
    _refuse("set PAYLATER_SM2_PRIVATE_KEY (the demo SM2 key is public).")
PAYLATER_ORG_SECRET = env.str("PAYLATER_ORG_SECRET", default="sandbox-org-secret")
# Daily reconciliation (guide section 11): the worker fetches yesterday's file after this local time, retrying
# after 10, 20, 40 … minutes, at most this many times. [assumed] The platform's file lists the orders of these
# ledger channels (its own cashier); the others are settled at the gateway and checked by 3201.
RECONCILIATION_FETCH_AT = env.str("RECONCILIATION_FETCH_AT", default="07:30")
RECONCILIATION_FETCH_BACKOFF = env.int("RECONCILIATION_FETCH_BACKOFF", default=10)
RECONCILIATION_FETCH_ATTEMPTS = env.int("RECONCILIATION_FETCH_ATTEMPTS", default=8)
RECONCILIATION_PLATFORM_CHANNELS = env.list("RECONCILIATION_PLATFORM_CHANNELS", default=["paylater_online"])
# Paths below PAYLATER_BASE_URL; the province's PDF may name them otherwise.
PAYLATER_PATHS = {
    "sign_status": "api/sign/status",
    "cashier_link": "api/cashier/link",
    "pay_info": "api/pay/info",
    "push_msg": "api/amp/hos/pushMsg",
    "refund": "api/amp/hos/refund",
    "refund_result": "api/amp/hos/queryRefundResult",
    "check_file": "api/amp/hos/getCheckFile",
} | env.dict("PAYLATER_PATHS", default={})
# Inbound calls: how far the platform's clock may be from ours, and how long a nonce is remembered.
PLATFORM_AUTH_WINDOW_SECONDS = 300

# --- National gateway (INTERFACES.md section 3) ------------------------------------------------------------
NHSA_BASE_URL = env.str("NHSA_BASE_URL", default=f"{PORTAL_BASE_URL}/sandbox/nhsa/")
NHSA_PATH = "fsi/api/rsfComIfsService/callService"
NHSA_PAASID = env.str("NHSA_PAASID", default="sandbox-paasid")
NHSA_SECRET = env.str("NHSA_SECRET", default="sandbox-nhsa-secret")
NHSA_RECER_SYS_CODE = env.str("NHSA_RECER_SYS_CODE", default="PAYLATER")
NHSA_INFVER = env.str("NHSA_INFVER", default="V1.0")
NHSA_DEV_NO = env.str("NHSA_DEV_NO", default="")


def _host_ip() -> str:
    # The address this host reaches the outside from: connecting a UDP socket picks the route, sends nothing.
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 1))
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def _host_mac() -> str:
    import uuid

    node = uuid.getnode()
    return "-".join(f"{(node >> shift) & 0xFF:02X}" for shift in range(40, -1, -8))


# The terminal 9001 sign-in reports to the gateway; the defaults are this host's own.
NHSA_DEV_MAC = env.str("NHSA_DEV_MAC", default="") or _host_mac()
NHSA_DEV_IP = env.str("NHSA_DEV_IP", default="") or _host_ip()
# [assumed] The guide says "传入先医后付标志" on 2207/2304 without naming the carrier; until the V1.5.7 PDF
# names it, it rides in exp_content under this key and value.
NHSA_PAYLATER_FLAG = env.json("NHSA_PAYLATER_FLAG", default={"paylater_flag": "1"})

# --- Outbound HTTP ------------------------------------------------------------------------------------------
UPSTREAM_CONNECT_TIMEOUT = 3.0
UPSTREAM_READ_TIMEOUT = env.float("UPSTREAM_READ_TIMEOUT", default=15.0)
# The worker resolves an unknown-outcome call only once it is this old (manage.py resolve_pending: at once).
RECOVERY_GRACE_SECONDS = env.int("RECOVERY_GRACE_SECONDS", default=120)

# --- Business ------------------------------------------------------------------------------------------------
REGISTRATION_ORDER_TTL_MINUTES = env.int("REGISTRATION_ORDER_TTL_MINUTES", default=30)
# A clinic bill the patient has not paid (confirm path, or a password-free one left open) is closed after this.
CLINIC_BILL_TTL_MINUTES = env.int("CLINIC_BILL_TTL_MINUTES", default=240)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)

# --- Production hardening (behind a TLS-terminating reverse proxy) -----------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "no_query_strings": {"()": "apps.core.logfilters.NoQueryStrings"},
        "no_traceback_for_refusals": {"()": "apps.core.logfilters.NoTracebackForRefusals"},
        "mask_id_numbers": {"()": "apps.core.logfilters.MaskIdNumbers"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_id_numbers"]},
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_query_strings", "no_traceback_for_refusals", "mask_id_numbers"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines carry query strings (the platform's access_code among them): logged without them.
        "django.server": {"handlers": ["requests"], "level": "WARNING", "propagate": False},
        "django.request": {"handlers": ["requests"], "level": "WARNING", "propagate": False},
    },
}
