"""Settings for the EU Cluster Internationalisation Portal.

One module, read from the environment. ``DJANGO_ENV`` picks the defaults:
``development`` (the default) runs on a local SQLite file with DEBUG on;
``production`` requires SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL and turns
on the HTTPS protections.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from portal.env import env_bool, env_int, env_list, env_str, require

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production'; got {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    require(["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])

# The development key is public by design: it only ever signs local sessions.
SECRET_KEY = env_str("SECRET_KEY", "development-only-key-not-for-production")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # First: it reads each app's translation.py (the curated text's per-language fields) before
    # the admin registers the apps' admin classes.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its templates: sitemap.xml (portal/sitemaps.py).
    "django.contrib.sitemaps",
    "django_countries",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "reversion",
    "import_export",
    "concurrency",
    # Admin login protection: lockout (axes) and the optional second factor (django-otp, TOTP).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "partnerships",
    "outcomes",
    # Last: its post_migrate (the curators' roles) needs every other app's permissions.
    "portal",
]

MIDDLEWARE = [
    # First, so that its log line times and sees every response, redirects and errors included.
    "portal.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.middleware.PolicyHeadersMiddleware",
    "portal.middleware.OpenDataCorsMiddleware",
    # Pages compressed for the wire (a 204 kB page is 42 kB gzipped), after the ETag is made of
    # the page itself, and only what whitenoise and the exports do not send themselves.
    "portal.middleware.CompressPagesMiddleware",
    # Above the page cache: a kept page is answered 304 like a fresh one.
    "portal.middleware.ConditionalGetMiddleware",
    # Before anything that reads the database: a NUL in the URL never reaches a lookup.
    "portal.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language, from the address (/fr/...); before anything that resolves the URL (portal/i18n.py).
    "portal.i18n.LanguageMiddleware",
    # Before authentication: an expired session is emptied before anyone is read from it.
    "portal.sessions.SessionLifetimeMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The API's names in the language ?lang= or Accept-Language asks for (its keys stay English).
    "portal.middleware.ApiLanguageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After authentication: only visitors' reads may go to a replica (core/db_router.py).
    "portal.middleware.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every write through the site (admin forms, bulk actions, imports) is one transaction and one
    # revision in the history; a failed one keeps neither.
    "portal.middleware.RevisionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Around the pages and the API, kept pages included: no query of a GET runs past its budget.
    "portal.query_budget.QueryBudgetMiddleware",
    # After every middleware that sets headers, so that they treat a kept page like a fresh one;
    # after authentication, so that only visitors who are not logged in get kept pages.
    "portal.page_cache.PublicPageCacheMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
# The open data's licence and publisher, as the DCAT-AP catalogue states them (portal/catalogue.py):
# a licence from the EU's vocabulary (CC BY 4.0, as the Commission reuses its documents under), and
# the publisher's name and address, by default the portal itself.
OPEN_DATA_LICENCE = env_str(
    "OPEN_DATA_LICENCE", "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
)
OPEN_DATA_PUBLISHER_NAME = env_str("OPEN_DATA_PUBLISHER_NAME", "")
OPEN_DATA_PUBLISHER_URI = env_str("OPEN_DATA_PUBLISHER_URI", "")
# Read by any site (Access-Control-Allow-Origin: *, portal/middleware.py), as exports are too.
OPEN_DATA_PREFIXES = ("/api/", "/feeds/", "/catalog.")
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
                "django.template.context_processors.csp",
                "portal.context_processors.site",
            ],
        },
    },
]

# SQLite is the zero-setup default; DATABASE_URL=postgres://... selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Streaming replicas of the primary (PostgreSQL), none by default: visitors' pages, the API, feeds
# and exports read one that has replayed the latest change and lags less than
# REPLICA_MAX_LAG_SECONDS; curators, writes and requests that wrote use the primary
# (core/db_router.py, docs/operations.md). A replica that is down or behind is skipped.
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    _replica = dj_database_url.parse(
        _url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS must name replicas of DATABASE_URL's database, of the same kind."
        )
    # A replica that does not answer is skipped after 2 s, not after the kernel's minutes.
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = 2
    # Tests read the primary's test database through it: a replica with no lag.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 5)
# After a request that wrote, the same browser reads the primary this long (read-your-writes
# for whatever the data cache's generation does not cover: sessions, logins, accounts).
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
REPLICA_PIN_COOKIE = "portal-primary"

# django-axes checks for a lockout before any other backend is asked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# New passwords: at least 12 characters, not one of the 20,000 most common, not like the username.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The Commission's working languages, each named in itself for the switcher. Adding one: a line
# here, its catalogue in locale/<code>/LC_MESSAGES (docs/translation.md), and a migration for the
# curated text's columns (manage.py makemigrations: modeltranslation adds name_<code>, ...).
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own format (DATE_FORMAT in templates); English's as the portal wrote it.
FORMAT_MODULE_PATH = ["portal.formats"]
# The visitor's choice of language (portal/i18n.py) lasts as long as the browser's session.
LANGUAGE_COOKIE_AGE = None
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Curated text (names, descriptions, titles) is entered per language; English is the source's and
# the fallback where a translation is missing (core/translated.py marks it for the reader).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# In development whitenoise serves straight from the app and static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Bulk import (django-import-export): only users with the model's "import" permission (editors)
# may import, not every staff user as the library allows by default. See core/imports.py.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
# A previewed file waits for its confirmation in the database, which every app node shares, under a
# random name that only the curator who previewed it may confirm (portal.import_previews; the
# library's default is any file of the given name in /tmp). Previews left unconfirmed expire after
# IMPORT_PREVIEW_MAX_HOURS and are deleted by the next import or `manage.py delete_old_import_previews`.
IMPORT_PREVIEW_MAX_AGE = timedelta(hours=env_int("IMPORT_PREVIEW_MAX_HOURS", 2))
IMPORT_EXPORT_TMP_STORAGE_CLASS = "portal.import_previews.DatabasePreviewStorage"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Local memory by default; REDIS_URL (or CACHE_URL) shares one Redis among all processes, as in
# production, so that a curator's change clears every process's cached figures and pages at once.
# A Redis that fails is a miss, never an error (portal/cache.py); its socket timeouts are short so
# that an unreachable host slows a page by half a second, once per pause.
CACHE_URL = env_str("REDIS_URL", "") or env_str("CACHE_URL", "")
# With local memory each gunicorn worker keeps its own pages: a withdrawn record's page kept
# answering 200 on the other workers for up to 300 s while the API said 404.
if PRODUCTION and not CACHE_URL and not env_bool("ALLOW_LOCAL_MEMORY_CACHE", False):
    raise ImproperlyConfigured(
        "Production needs REDIS_URL (the cache shared by all processes; docs/operations.md). "
        "To run with one cache per process anyway, set ALLOW_LOCAL_MEMORY_CACHE=true."
    )
CACHES = {
    "default": (
        {
            "BACKEND": "portal.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Keep whole public pages for visitors until the data changes (portal/page_cache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)

# The portal's list pages; the admin keeps its own.
PAGE_SIZE = env_int("PAGE_SIZE", 25)
# Pages go as deep as this many rows (page 400 of 25). A page further on would be read with an OFFSET
# past every row before it: seconds over a million outcomes, for any visitor who asks. The exports,
# which hold every row, are the way to the rest; search engines stop at 10,000 results for the same reason.
LIST_MAX_ROWS = env_int("LIST_MAX_ROWS", 10_000)
# A search (a page or API request with q) stops querying within gunicorn's timeout
# (GUNICORN_TIMEOUT, 30 s): no statement runs longer than STATEMENT_TIMEOUT_SECONDS (PostgreSQL's
# statement_timeout) and none starts after QUERY_DEADLINE_SECONDS, so that 15 + 10 < 30 and a
# runaway search answers "too broad, add a filter" (portal/query_budget.py) instead of an empty
# reply. Keep their sum below the worker timeout.
STATEMENT_TIMEOUT_SECONDS = env_int("STATEMENT_TIMEOUT_SECONDS", 10)
QUERY_DEADLINE_SECONDS = env_int("QUERY_DEADLINE_SECONDS", 15)

# ---- HTTPS, cookies and sessions -------------------------------------------------------------
# Production answers only over HTTPS (behind a proxy that sets X-Forwarded-Proto), and its cookies
# carry the __Host- prefix: the browser then keeps them only if Secure, for "/", with no Domain.
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Other sites may link to the portal's files but not embed them (portal.middleware.PolicyHeadersMiddleware).
SECURE_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Every browser feature the portal does not use is off, for its pages and anything they embed.
# Only names Chromium knows (checked with 156): it reports an unknown one on the console.
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "clipboard-write",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "storage-access",
        "sync-xhr",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    ],
    (),
)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Idle timeout: a session ends SESSION_IDLE_MINUTES after its last request (each request renews it).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
# Django's database sessions, with an outage met by the session's save answered 503, not 400.
SESSION_ENGINE = "portal.sessions"
# Maximum lifetime: however active, a session ends this long after it began (portal/sessions.py).
SESSION_MAX_LIFETIME = timedelta(hours=env_int("SESSION_MAX_HOURS", 10))

# ---- Content-Security-Policy (every environment, so the tests catch an inline style) -----------
# Nothing inline on the portal's pages; the admin's few inline scripts and styles carry the
# request's nonce (Django 6.1's admin adds it), which appears in the header only when used.
# img-src allows data: for the SVG icons inside Bootstrap's stylesheet.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# ---- The admin: its path, login lockout, second factor --------------------------------------
ADMIN_URL = env_str("ADMIN_URL", "admin/")
if ADMIN_URL.startswith("/") or not ADMIN_URL.endswith("/"):
    raise ImproperlyConfigured(
        f"ADMIN_URL must look like 'admin/' (no leading /); got {ADMIN_URL!r}."
    )
# Staff must confirm each login with a TOTP code from a registered device (docs/operations.md).
ADMIN_REQUIRE_OTP = env_bool("ADMIN_REQUIRE_OTP", False)
OTP_TOTP_ISSUER = "EU Cluster Portal"

# django-axes: 5 failures for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Every attempt is kept: failures in AccessFailureLog, successes in AccessLog; and the log lines
# name the username and address (axes masks them by default), never the password.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS = []
AXES_CLIENT_IP_CALLABLE = "portal.request_log.client_ip"
# Behind N reverse proxies, the client is the Nth address from the right of X-Forwarded-For.
# 0 (the default) ignores the header, which anybody can forge when nothing strips it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# ---- Logging: one line per request, JSON in production -----------------------------------------
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text'; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # The request log says it once; runserver's own line would repeat it.
        "django.server": {"level": "WARNING"},
        # Its start-up banner, in every command; its login lines (INFO and up) stay.
        "axes.apps": {"level": "WARNING"},
    },
}

# ---- E-mail (the review's notifications, the suggestions' confirmations) ----------------------
# Django's SMTP backend; docs/operations.md. Mail is sent after the change is committed and a
# failure to send is logged, never shown to the curator as an error (core/review_mail.py).
# In development without EMAIL_HOST the mails are printed on the console instead of sent.
_MAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", _MAIL_BACKEND),
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
if MAILERS["default"]["OPTIONS"]["use_tls"] and MAILERS["default"]["OPTIONS"]["use_ssl"]:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")

# The public "Report a result" form (outcomes/suggestions.py): a post sooner than this after the
# form was opened is a bot's; an address may send this many an hour.
SUGGESTION_MIN_SECONDS = env_int("SUGGESTION_MIN_SECONDS", 3)
SUGGESTIONS_PER_HOUR = env_int("SUGGESTIONS_PER_HOUR", 5)
