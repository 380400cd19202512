"""Settings for budgetperf, all driven by environment variables.

With nothing set the app runs in development mode on an embedded SQLite database.
``DJANGO_DEBUG=0`` switches to production mode, which then requires ``DJANGO_SECRET_KEY``
and ``DJANGO_ALLOWED_HOSTS``; ``DATABASE_URL`` selects PostgreSQL.
"""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured

from budgetperf.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BUDGETPERF_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-budgetperf"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "simple_history",
    "django_htmx",
    "indicators",
    "projects",
    "checks",
    "notices",
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "budgetperf.security.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "budgetperf.urls"
WSGI_APPLICATION = "budgetperf.wsgi.application"

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
                # The counts beside 待我审核 and 通知 in the navigation, read only if a page shows them.
                "notices.context_processors.nav_counts",
            ],
        },
    },
]
# Inputs and text areas written without a template each (the edit page has a hundred of them).
FORM_RENDERER = "budgetperf.form_rendering.FastWidgets"

# A process keeps its connection for a minute of requests; before the first query of each request
# the connection is checked and, if the server closed it (a restart, a failover, an idle timeout),
# opened again instead of failing the request.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account, or
# from one address, within the cool-off period, both the login page and the admin's refuse that
# account or address until the period has passed without another attempt (budgetperf/security.py).
AUTHENTICATION_BACKENDS = [
    "budgetperf.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("BUDGETPERF_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("BUDGETPERF_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "budgetperf.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "budgetperf.security.client_ip"
# No banner on every command. Failures are still logged, with the account and address masked (a
# password typed into the name field stays out of the log); the admin's access attempts show them.
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in, kept for ever: Django keeps last_login
# Reverse proxies in front of the app that append to X-Forwarded-For: 0 when clients connect to
# gunicorn directly, 1 behind one nginx. The address a sign-in is counted against comes from it.
TRUSTED_PROXY_COUNT = env_int("BUDGETPERF_TRUSTED_PROXIES", 0)

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Our own translations first: they correct django-import-export's Chinese (locale/zh_Hans).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic writes (the Dockerfile; bench_load uses a folder of its own).
STATIC_ROOT = Path(env_str("BUDGETPERF_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Results of background jobs, for every web and worker machine: a shared folder by default; an
    # object store is another backend here (e.g. django-storages' S3Storage) and its options.
    "jobs": {
        "BACKEND": env_str("BUDGETPERF_JOBS_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": env_str("BUDGETPERF_JOBS_LOCATION", str(VAR_DIR / "jobs"))},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded filings are parsed in memory; anything larger is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Uploads awaiting confirmation expire instead of staying in the temp folder (projects/uploads.py).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "projects.uploads.PendingUploadStorage"


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# Content-Security-Policy (django-csp): scripts, styles, fonts, images and fetches from this site
# only, no plugins, no framing, forms posted here only. The pages have no inline script or style
# (their scripts are static/js); the charts are inline SVG, drawn with attributes. The exceptions
# are three attributes of the admin's list export and history pages (django-import-export's "select
# all" box, its two styles, django-simple-history's paginator), allowed by their hashes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_HASHES, _csp_hash("onSelectToggleChange(event)")],
        "style-src": [
            SELF,
            UNSAFE_HASHES,
            *map(_csp_hash, ["padding: 0;", "font-weight: bold;", "border-top: 0"]),
        ],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# The "pdf" cache keeps printed forms on disk, keyed on their content (projects/printing/cache.py).
# The local caches' folder (the embedded default of the caches below).
CACHE_DIR = Path(env_str("BUDGETPERF_CACHE_DIR", str(VAR_DIR / "cache")))
# The PDF cache and the uploads awaiting confirmation, shared by every web and worker machine.
SHARED_CACHE = env_str("BUDGETPERF_SHARED_CACHE", "")


def _shared_cache(url: str, local: dict[str, Any]) -> dict[str, Any]:
    """A cache every web and worker machine shares, named by ``url``: ``redis://…`` (Redis),
    ``db`` (a table of the database, made by ``createcachetable``), or blank for ``local``, a
    folder of this machine (the embedded default)."""
    timeout = local.get("TIMEOUT")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "TIMEOUT": timeout}
    if url == "db":
        table = "cache_" + Path(local["LOCATION"]).name
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table, "TIMEOUT": timeout}
    if url:
        raise ImproperlyConfigured(f"BUDGETPERF_SHARED_CACHE 应为 redis://… 、db 或留空，而不是 {url!r}")
    return local


CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Django's file cache compresses every value with zlib again, which gains nothing on a PDF and
    # took 80 ms of a 3 MB batch export; diskcache stores bytes as they are. One shard: Django makes
    # a cache object per thread, and opening eight SQLite shards took 25 ms each time. Readers wait
    # up to a second for a writer (the thread that prints ahead) instead of missing after 10 ms.
    "pdf": _shared_cache(
        SHARED_CACHE,
        {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(CACHE_DIR / "pdf"),
            "SHARDS": 1,
            "DATABASE_TIMEOUT": 1.0,
            "TIMEOUT": env_int("BUDGETPERF_PDF_CACHE_SECONDS", 30 * 24 * 3600),
            "OPTIONS": {"size_limit": env_int("BUDGETPERF_PDF_CACHE_MB", 1024) * 1024 * 1024},
        },
    ),
    # Uploads between their preview and their confirmation, for every web process (projects/uploads.py).
    "uploads": _shared_cache(
        SHARED_CACHE,
        {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(CACHE_DIR / "uploads"),
            "SHARDS": 1,
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"size_limit": 1024 * 1024 * 1024},
        },
    ),
}
# After a project changes, its department's PDFs are rendered in the background, so that an export
# finds them in the cache (projects/services/prerender.py).
PDF_PRERENDER = env_bool("BUDGETPERF_PDF_PRERENDER", default=True)
# Laying out one form may take this long at most (projects/printing/deadline.py); a form with every
# text at its limit took 22 s on a busy 2-core machine. Below gunicorn's timeout, so that a runaway form is reported.
PDF_SECONDS_PER_FORM = env_int("BUDGETPERF_PDF_SECONDS_PER_FORM", 45)

# Background work (jobs/): Django's task API, its queue in the database; workers run
# ``manage.py db_worker``. A running job nobody has worked on for this long is taken for lost
# (its worker died) and its unfinished parts are queued again.
TASKS = {"default": {"BACKEND": env_str("BUDGETPERF_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
JOBS_LOST_AFTER_SECONDS = env_int("BUDGETPERF_JOBS_LOST_AFTER", 60)
# WeasyPrint reports every layout step at INFO.
LOGGING["loggers"] = {"weasyprint.progress": {"level": "WARNING"}}
# pikepdf announces at INFO that it has connected its logging.
LOGGING["loggers"]["pikepdf"] = {"level": "WARNING"}
# fontTools reports each table it cuts at INFO, and every code point a font lacks at WARNING.
LOGGING["loggers"]["fontTools"] = {"level": "ERROR"}
# django-axes logs each failed sign-in and lockout at WARNING (kept), and at INFO each successful one
# with "cleaned up 0 expired attempts" besides: Django's last_login keeps the sign-ins.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
