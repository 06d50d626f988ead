"""Settings for Humas CMS: one module, read from the environment (and `.env` if present).

Every variable is listed with its meaning in `.env.example`. With no `.env` and no
variables the site runs on SQLite with local-memory caches; DEBUG is off by default.
"""

import sys
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    HTTPS=(bool, False),
    BEHIND_PROXY=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    VIEW_COUNTER_BACKEND=(str, "db"),
)
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(env_file)

DEBUG = env("DEBUG")

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # Say exactly what to do instead of Django's generic "must not be empty".
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set the SECRET_KEY environment variable "
            "(or DEBUG=true for local development)."
        )
    SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin, with a site that signs in through the site's two-factor login.
    "accounts.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "taggit",
    "axes",
    # Two-factor sign-in (accounts/twofactor/, docs/staff-sign-in.md).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    # Passkeys and security keys (WebAuthn) as a second factor.
    "two_factor.plugins.webauthn",
    # The article body's editor; its assets are static files (articles/editor.py).
    "django_prose_editor",
    "treebeard",
    "humas",
    # The audit log (docs/audit.md): django-auditlog writes into audit.Entry.
    "auditlog",
    "audit",
    "accounts",
    "documents",
    "articles",
    "pages",
    "videos",
    "menus",
    # Public information service (UU KIP): register, requests, objections, reports.
    "ppid",
    # Mailing lists (docs/mailing.md): double opt-in, one-click unsubscribe, batched sending.
    "mailing",
    # Press releases for journalists, with embargo (docs/press.md).
    "press",
    # WhatsApp-ready text of articles and of the day, for staff (docs/whatsapp.md).
    "whatsapp",
    # The readers' email digest, on the mailing list "digest" (docs/digest.md).
    "digest",
    # The leaders' agenda and the newsroom's coverage of it (docs/agenda.md).
    "agenda",
    # Hoax clarifications: claim, verdict, ClaimReview, /klarifikasi/ (docs/factcheck.md).
    "factcheck",
    # Media kits: an article's text and photos (credits inside) as a ZIP (docs/mediakit.md).
    "mediakit",
    "wordpress",
    # The integrity watch (docs/integrity.md): on top, it reads every other app.
    "integrity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The old WordPress site's addresses: 301 to the new ones (only on a 404, and /?p=).
    "wordpress.middleware.LegacyRedirectMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "humas.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave a second factor.
    "django_otp.middleware.OTPMiddleware",
    # Model changes made in a request get its user and client address in the audit log.
    "audit.middleware.AuditMiddleware",
    # Before anything reads a request's body (the CSRF check does, in process_view).
    "humas.middleware.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions end when idle or old; then staff without a second factor are sent
    # to give or enrol one before anything else opens (accounts/sessions.py, twofactor/).
    "accounts.sessions.SessionActivityMiddleware",
    "accounts.twofactor.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "humas.urls"

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
                "articles.context_processors.site",
            ],
        },
    },
]

# Widgets render with the same template dirs as pages, so templates/ can hold them too.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "humas.wsgi.application"

# Database. SQLite by default, tuned so that concurrent writers (view counts, comments)
# wait for each other instead of failing with "database is locked": WAL lets readers run
# beside one writer, IMMEDIATE takes the write lock at BEGIN so a transaction never has
# to upgrade a read lock (the upgrade is what fails), and the busy timeout makes writers
# queue. Connections persist: opening one per request is most of a small request's cost.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"
            ),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Cache, sessions. Redis when REDIS_URL is set, so several app servers share them.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, answering "not found" while Redis is away instead of
            # failing the page (humas/cache.py).
            "BACKEND": "humas.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "humas",
        }
    }
    # Sessions are read from Redis and written through to the database, so restarting
    # Redis logs nobody out (an editor mid-article keeps the session and the CSRF token).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# View counting (articles/viewcount/). A reader counts once per article per window.
VIEW_COUNTER_BACKEND = env("VIEW_COUNTER_BACKEND")
VIEW_DEDUP_SECONDS = env.int("VIEW_DEDUP_SECONDS", default=30 * 60)
# One address (an IPv4 address, or an IPv6 /64: what one subscriber gets) adds at most
# this many new readers to one article per VIEW_DEDUP_SECONDS; more are "held back",
# counted apart and shown to staff, not added to the views. 0: no limit. The default is
# for Indonesian mobile carriers, whose CGNAT puts tens to a few hundred subscribers
# behind each public IPv4 address: even a story that goes round on WhatsApp brings a
# handful of them to one article in half an hour, so 30 leaves ample room (and a class
# or an office reading together mostly fits) while one address, however it rotates its
# user agent or accounts, adds at most 30 views per article per half hour, not 200 in a
# second. See docs/view-counting.md.
VIEW_MAX_READERS_PER_ADDRESS = env.int("VIEW_MAX_READERS_PER_ADDRESS", default=30)
# "server": the article view counts; "beacon": the page's script POSTs to the beacon
# (for a CDN's full-page cache in front, which the server never sees).
VIEW_COUNT_MODE = env("VIEW_COUNT_MODE", default="server")
# Public pages (humas/pagecache/): each worker keeps up to PAGE_CACHE_ENTRIES rendered
# pages in memory, each served while the content version is unchanged and for at most
# PAGE_CACHE_SECONDS (the bound for what changes without a save: most-read lists).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
PAGE_CACHE_ENTRIES = env.int("PAGE_CACHE_ENTRIES", default=500)
if VIEW_COUNTER_BACKEND not in {"db", "redis"}:
    raise ImproperlyConfigured("VIEW_COUNTER_BACKEND must be 'db' or 'redis'.")
if env("COMMENT_MODERATION", default="pre") not in {"pre", "trusted"}:
    raise ImproperlyConfigured("COMMENT_MODERATION must be 'pre' or 'trusted'.")
if VIEW_COUNT_MODE not in {"server", "beacon"}:
    raise ImproperlyConfigured("VIEW_COUNT_MODE must be 'server' or 'beacon'.")
if VIEW_MAX_READERS_PER_ADDRESS < 0:
    raise ImproperlyConfigured("VIEW_MAX_READERS_PER_ADDRESS must be 0 (no limit) or more.")
if VIEW_COUNTER_BACKEND == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("VIEW_COUNTER_BACKEND=redis needs REDIS_URL to be set.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalization: Indonesian first, English on request (a cookie, never the
# browser's Accept-Language: a government portal in Indonesia speaks Indonesian first).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Static files and uploads.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploads no web server may serve (documents' files on a local disk: humas/storage.py);
# back it up with the media.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads on an S3-compatible bucket (AWS S3, MinIO, Garage...) when S3_BUCKET is set;
# see docs/media-storage.md. News photos are public: the bucket's policy makes them
# readable, not per-object ACLs (which many buckets refuse), and pages link to plain
# unsigned URLs that browsers and CDNs can cache.
S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    from botocore.config import Config as BotoConfig

    S3_ENDPOINT_URL = env("S3_ENDPOINT_URL", default="").rstrip("/") or None  # None: AWS
    S3_REGION = env("S3_REGION", default="") or None
    S3_CUSTOM_DOMAIN = env("S3_CUSTOM_DOMAIN", default="") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL,
            "region_name": S3_REGION,
            # Unset: boto3's own search (AWS_* variables, an instance role).
            "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": S3_CUSTOM_DOMAIN,
            # True for a private bucket: every URL then carries an hour-long signature.
            "querystring_auth": env.bool("S3_QUERYSTRING_AUTH", default=False),
            "default_acl": None,
            "file_overwrite": False,
            # Names are never reused for another photo, but a rendition is made again
            # under its own name (articles/images.py), so not "immutable", and a deleted
            # photo should leave browsers' caches within days.
            "object_parameters": {"CacheControl": "public, max-age=604800"},
            "client_config": BotoConfig(
                # Path-style URLs (endpoint/bucket/key) work on MinIO and Garage without
                # wildcard DNS; AWS itself wants virtual-hosted ones.
                s3={"addressing_style": "path" if S3_ENDPOINT_URL else "virtual"},
                # An unreachable bucket fails well within gunicorn's worker timeout (60 s).
                connect_timeout=5,
                retries={"mode": "standard", "max_attempts": 3},
            ),
        },
    }
    # Documents in the same bucket, each object written with its checked type and a
    # Content-Disposition (documents/storage.py; docs/documents.md).
    STORAGES["documents"] = {
        **STORAGES["default"],
        "BACKEND": "documents.storage.DocumentS3Storage",
    }
    # What the storage's url() produces; nothing of ours builds URLs from MEDIA_URL.
    if S3_CUSTOM_DOMAIN:
        MEDIA_URL = f"https://{S3_CUSTOM_DOMAIN}/"
    elif S3_ENDPOINT_URL:
        MEDIA_URL = f"{S3_ENDPOINT_URL}/{S3_BUCKET}/"
    elif S3_REGION in (None, "us-east-1"):
        MEDIA_URL = f"https://{S3_BUCKET}.s3.amazonaws.com/"
    else:
        MEDIA_URL = f"https://{S3_BUCKET}.s3.{S3_REGION}.amazonaws.com/"
# Serve uploads from Django itself. Only for a single machine without a web server in
# front (and for `make run`); behind nginx let nginx serve MEDIA_ROOT instead. Never
# with S3: nothing is on disk.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG) and not S3_BUCKET
# `make bench` only: adds /bench/trivial/, the yardstick view.
BENCHMARK_VIEW = env.bool("BENCHMARK_VIEW", default=False)
# Upload limits. A photo may be up to 20 MB (articles/images.py says so in a message);
# the bulk upload takes up to 10 photos at once. A larger request body is refused with a
# 413 page before it is read (humas/middleware.py): MAX_REQUEST_MB for staff on the
# admin's upload pages only, MAX_FORM_MB everywhere else (a comment is at most 2,000
# characters, a login or registration far less). nginx's client_max_body_size should
# match, per location (docs/deploy.md). Form fields other than files are limited to
# 5 MB, and files above 5 MB are streamed to a temporary file instead of memory.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_MB", default=210) * 1024 * 1024
MAX_FORM_BYTES = env.int("MAX_FORM_MB", default=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 30
# Documents (documents/checks.py): the largest file the admin accepts, in MB.
DOCUMENT_MAX_MB = env.int("DOCUMENT_MAX_MB", default=50)

# Email.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Humas <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Server errors are mailed to these people (docs/security.md), e.g.
# ADMINS="Tim TI <ti@example.go.id>, ops@example.go.id". Unset: to nobody.
ADMINS = [admin for admin in getaddresses([env("ADMINS", default="")]) if any(admin)]
for _name, address in ADMINS:
    _local, _at, _domain = address.rpartition("@")
    if not (_local and _domain) or " " in address:
        raise ImproperlyConfigured(f"ADMINS: {address!r} is not an email address.")
# Error reports (mailed, or shown with DEBUG) name what failed and where, never the
# visitor: no cookies, session, form or query values, user, address or user agent.
DEFAULT_EXCEPTION_REPORTER = "humas.errors.PrivateExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "humas.errors.PrivateExceptionReporterFilter"

# HTTPS and proxies.
HTTPS = env("HTTPS")
BEHIND_PROXY = env("BEHIND_PROXY")
# How many reverse proxies append to X-Forwarded-For in front of the app (nginx: 1).
PROXY_COUNT = env.int("PROXY_COUNT", default=1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds the whole domain and every subdomain to HTTPS in browsers for
    # months; for a *.go.id name that is the domain owner's decision, so it is opt-in.
    SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # the preload opt-in above
# /healthz is probed over plain HTTP by load balancers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Content-Security-Policy (django-csp).
# Scripts: our own files only, plus inline scripts carrying this response's nonce. The
# nonce appears in the header only on responses that used it (the admin's article form,
# for the body editor's import map: templates/admin/articles/article/change_form.html).
# Public pages have no inline script at all, since the page cache (humas/pagecache/,
# humas.pagecache.page) serves one rendering to many responses, each with a nonce
# of its own. (The article page's JSON-LD is a data block, which CSP does not govern.)
# Styles: our own files, plus the one stylesheet the body editor (Tiptap, inside
# django-prose-editor 0.28.0) adds at run time, allowed by its hash rather than with
# 'unsafe-inline': it cannot be given a nonce, and tests/test_csp.py recomputes the hash
# from the installed editor, so an upgrade that changes it fails there. No style="..."
# attribute of ours remains; the admin's scripts set styles through the DOM, which CSP
# allows.
editor_stylesheet = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
# Photos come from this site, or from the media host when MEDIA_URL is absolute (S3).
media_url = urlsplit(MEDIA_URL)
media_origin = f"{media_url.scheme}://{media_url.netloc}" if media_url.scheme else media_url.netloc
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, editor_stylesheet],
        "img-src": [SELF, "data:", *([media_origin] if media_origin else [])],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out username + address pairs before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Then: refuses an address with too many failures across usernames (spraying).
    "accounts.backends.AddressLimitBackend",
    "accounts.backends.EmailOrUsernameBackend",
]
# Links in verification and password reset mails stay valid this long (seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=2 * 24 * 3600)

# The audit log (docs/audit.md). auditlog writes its entries into our model; which models it
# watches is decided in audit/registry.py, not by AUDITLOG_INCLUDE_ALL_MODELS.
AUDITLOG_LOGENTRY_MODEL = "audit.Entry"
AUDITLOG_INCLUDE_ALL_MODELS = False
# Entries older than this many days are removed by `manage.py prune_audit` (and only by it).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)

# Brute force (docs/security.md): 5 failed logins for one account from one address lock
# that pair for a while (the site's and the admin's login alike, the password and the
# two-factor step alike). One account is one name whether typed as its email or its
# username (accounts/axes.py). The address comes from the same function as everywhere
# else (humas/clientip.py), so proxies are handled once; an IPv6 address counts by its /64.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.axes.lockout_address"
AXES_USERNAME_CALLABLE = "accounts.axes.lockout_username"
# And one address, whatever usernames it tries (password spraying), is refused after this
# many failures within the same cool-off (accounts.backends.AddressLimitBackend): high
# enough that an office or a carrier behind one address does not lock itself out by typos.
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
# Sign-ups (accounts.views.register) accepted from one address (an IPv6 /64) per hour;
# refused forms do not count.
REGISTRATIONS_PER_ADDRESS_PER_HOUR = env.int("REGISTRATIONS_PER_ADDRESS_PER_HOUR", default=20)
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_VERBOSE = False

# Two-factor sign-in (docs/staff-sign-in.md): staff give a code from an authenticator app
# (or a single-use recovery code) after the password, and enrol one before any other page
# opens. Members of the groups named in STAFF_2FA_EXEMPT_GROUPS may sign in with the
# password alone. Readers may enrol too, optionally.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=True)
STAFF_2FA_EXEMPT_GROUPS = env.list("STAFF_2FA_EXEMPT_GROUPS", default=[])
# Our admin site sends its login to the site's (accounts/admin_site.py), not the library's patch.
TWO_FACTOR_PATCH_ADMIN = False
# The password step is good for this long before the code must follow (seconds).
TWO_FACTOR_LOGIN_TIMEOUT = 600
# Where a page that needs a verified session sends a session that is not.
OTP_LOGIN_URL = "two_factor:verify"
# The admin's pages for OTP devices never show a device's secret again once it is saved.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Staff sessions end after this long without a request, and this long after sign-in.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=60)
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", default=12)

# Comments (articles/comments.py). "pre": every comment waits for an editor; "trusted":
# a reader's first comment waits, and once one is approved the next ones appear at once.
COMMENT_MODERATION = env("COMMENT_MODERATION", default="pre")
COMMENT_MAX_LINKS = env.int("COMMENT_MAX_LINKS", default=2)
# Beside each account's 5 in 10 minutes, all accounts posting from one address (an IPv6
# subscriber's /64) store at most this many comments per window. 20 in 10 minutes lets
# four readers post at their full rate at once behind one office NAT or a carrier's
# shared address (a busy day here is a few comments an hour on an article), and stops
# one person with a handful of accounts after a page, not after hundreds.
COMMENT_MAX_PER_ADDRESS = env.int("COMMENT_MAX_PER_ADDRESS", default=20)
COMMENT_ADDRESS_WINDOW_MINUTES = env.int("COMMENT_ADDRESS_WINDOW_MINUTES", default=10)

# PPID, the public-information service (ppid/; docs/ppid.md). The identity card scan on
# the request form: "off" (no field), "optional" or "required"; scans are private files
# (PRIVATE_MEDIA_ROOT), deleted by `manage.py ppid_delete_id_scans` this many days after
# the request was closed (or answered, when nobody closed it).
PPID_ID_SCAN = env("PPID_ID_SCAN", default="optional")
if PPID_ID_SCAN not in {"off", "optional", "required"}:
    raise ImproperlyConfigured("PPID_ID_SCAN must be 'off', 'optional' or 'required'.")
PPID_ID_SCAN_MAX_MB = env.int("PPID_ID_SCAN_MAX_MB", default=5)
PPID_ID_RETENTION_DAYS = env.int("PPID_ID_RETENTION_DAYS", default=90)
# Requests are rare (a few a day in a province): these stop a script, not a citizen, and
# the per-email limit stops the form being used to flood someone's inbox with our mail.
PPID_REQUESTS_PER_ADDRESS_PER_HOUR = env.int("PPID_REQUESTS_PER_ADDRESS_PER_HOUR", default=5)
PPID_REQUESTS_PER_EMAIL_PER_DAY = env.int("PPID_REQUESTS_PER_EMAIL_PER_DAY", default=10)
PPID_STATUS_LOOKUPS_PER_ADDRESS_PER_HOUR = env.int(
    "PPID_STATUS_LOOKUPS_PER_ADDRESS_PER_HOUR", default=20
)
PPID_OBJECTIONS_PER_ADDRESS_PER_HOUR = env.int("PPID_OBJECTIONS_PER_ADDRESS_PER_HOUR", default=10)
# The answer's mail carries the signed letter and the documents up to this many MB (the
# files' own size; encoded, the mail is a third larger: 15 MB stays under the 25 MB most
# mail servers accept). Published documents beyond it are linked to their public page.
PPID_MAX_ATTACHMENT_MB = env.int("PPID_MAX_ATTACHMENT_MB", default=15)
# The PPID's own contact on /ppid/; empty ones fall back to the site's (Site settings).
PPID_CONTACT_EMAIL = env("PPID_CONTACT_EMAIL", default="")
PPID_CONTACT_PHONE = env("PPID_CONTACT_PHONE", default="")
PPID_CONTACT_ADDRESS = env("PPID_CONTACT_ADDRESS", default="")
PPID_SERVICE_HOURS = env("PPID_SERVICE_HOURS", default="")
# The request form takes the scan: its body may be that much larger than MAX_FORM_MB
# (humas/middleware.py; nginx: docs/deploy.md).
FORM_UPLOAD_PATHS = (
    {} if PPID_ID_SCAN == "off" else {"/ppid/permohonan/": (PPID_ID_SCAN_MAX_MB + 1) * 1024**2}
)

# Mailing lists (mailing/; docs/mailing.md). Confirmation links stay valid this many days;
# subscribing is limited per address (an IPv6 /64) per hour and per email per day (the
# latter stops the form being used to flood someone's inbox with confirmation mails).
MAILING_CONFIRM_DAYS = env.int("MAILING_CONFIRM_DAYS", default=3)
MAILING_SUBSCRIBES_PER_ADDRESS_PER_HOUR = env.int(
    "MAILING_SUBSCRIBES_PER_ADDRESS_PER_HOUR", default=10
)
MAILING_SUBSCRIBES_PER_EMAIL_PER_DAY = env.int("MAILING_SUBSCRIBES_PER_EMAIL_PER_DAY", default=3)
# `send_mailings` (cron, every minute) sends up to MAILING_BATCHES_PER_RUN batches of
# MAILING_BATCH_SIZE mails, each batch over one connection to the mail server.
MAILING_BATCH_SIZE = env.int("MAILING_BATCH_SIZE", default=100)
MAILING_BATCHES_PER_RUN = env.int("MAILING_BATCHES_PER_RUN", default=5)
# An address that takes "unsubscribe" mails (List-Unsubscribe's mailto:), if someone
# reads that mailbox; empty: only the one-click link.
MAILING_UNSUBSCRIBE_MAILTO = env("MAILING_UNSUBSCRIBE_MAILTO", default="")
# Press releases (press/; docs/press.md). At approval, the first PRESS_SEND_AT_APPROVAL
# journalists get the release within the editor's request, the rest from send_mailings
# (cron, every minute). Releases approved up to PRESS_CATCH_UP_HOURS ago are queued by
# every run, for journalists approved since and after a crash.
PRESS_SEND_AT_APPROVAL = env.int("PRESS_SEND_AT_APPROVAL", default=25)
PRESS_CATCH_UP_HOURS = env.int("PRESS_CATCH_UP_HOURS", default=24)

# Media kits (mediakit/; docs/mediakit.md): built ZIPs are kept on this host's disk, outside
# the media folders, until their article changes; downloads are limited per address (an IPv6
# /64) per hour.
MEDIAKIT_CACHE_DIR = Path(env("MEDIAKIT_CACHE_DIR", default=str(BASE_DIR / "cache" / "mediakit")))
MEDIAKIT_DOWNLOADS_PER_HOUR = env.int("MEDIAKIT_DOWNLOADS_PER_HOUR", default=30)

# The site itself: name, and the "Follow Us" links used until a site admin sets them in
# the admin (Site settings).
SITE_NAME = env("SITE_NAME", default="Humas Provinsi Jawa Tengah")
# What a passkey prompt names the site; the passkey is bound to the host the browser sees.
TWO_FACTOR_WEBAUTHN_RP_NAME = SITE_NAME
# The public address, e.g. https://humas.example.go.id: canonical and share links use
# it. Unset, they use the address of the request.
SITE_URL = env("SITE_URL", default="").rstrip("/")
SOCIAL_LINKS = [
    ("Instagram", env("SOCIAL_INSTAGRAM", default="https://www.instagram.com/humasjateng")),
    ("Facebook", env("SOCIAL_FACEBOOK", default="https://www.facebook.com/humasjateng")),
    ("X", env("SOCIAL_X", default="https://x.com/humasjateng")),
    ("YouTube", env("SOCIAL_YOUTUBE", default="https://www.youtube.com/@humasjateng")),
    ("TikTok", env("SOCIAL_TIKTOK", default="https://www.tiktok.com/@humasjateng")),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": sys.stdout},
        # Server errors to ADMINS (nothing while it is empty: Django returns before
        # building the report), as text only: the HTML report lists local variables.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "include_html": False,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own default mails every "django" error, django.security's too: a bad
        # Host header from a robot is a mail. These lines leave the console (root) to
        # them and mail server errors (django.request's) only.
        "django": {"handlers": []},
        "django.request": {"handlers": ["mail_admins"]},
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every login at INFO; lockouts (WARNING) are what operators need.
        "axes": {"level": "WARNING"},
    },
}
