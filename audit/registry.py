"""Which models django-auditlog watches, which of their fields it leaves out or masks, and
which model changes are also named as an event (a status change is a publish).

Every model of every installed app is watched, except those listed here: bookkeeping that
changes without anyone deciding anything (sessions, counters, caches, throttles, lockout
attempts, log tables). A model can also opt out with a class attribute `audit_skip = True`.
Models are named by label: audit imports no other app of ours.
"""

from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.db.models import ManyToManyField


def register_models() -> None:
    for model in apps.get_models():
        opts = model._meta
        if not opts.managed or opts.auto_created or opts.proxy:
            continue
        if opts.label in EXCLUDED_MODELS or opts.app_label in EXCLUDED_APPS:
            continue
        if getattr(model, "audit_skip", False):
            continue
        fields = {field.name for field in opts.get_fields()}
        # Reverse relations (a user's comments) are not the object's own fields.
        reverse = {f.name for f in opts.get_fields() if f.auto_created and not f.concrete}
        auditlog.unregister(model)
        auditlog.register(
            model,
            exclude_fields=sorted((fields & EXCLUDED_FIELDS) | reverse),
            mask_fields=sorted(fields & (MASKED_FIELDS | PERSONAL_FIELDS.get(opts.label, set()))),
            mask_callable="audit.registry.mask",
            m2m_fields={f.name for f in opts.get_fields() if isinstance(f, ManyToManyField)},
        )


def mask(value: str) -> str:
    """All of a secret hidden (auditlog's own mask shows half of it), but whether it was
    empty still shows."""
    return value if value in ("", "None") else "********"


# Whole apps whose rows are bookkeeping, not anybody's action: sessions (their data is
# private), content types, Django's admin log, auditlog's and our own entries, axes'
# attempts and lockouts (a lockout is an event of its own: auth.lockout).
EXCLUDED_APPS = {"sessions", "contenttypes", "admin", "auditlog", "audit", "axes"}

# Models that change on their own: counters, caches, throttles, derived history.
EXCLUDED_MODELS = {
    "humas.Throttle",  # rate limits
    "humas.PageVersion",  # the page cache's version
    "articles.ViewMark",  # reader view counting
    "articles.ViewAddress",
    "articles.ViewFlush",
    "articles.ArticleDailyViews",
    "documents.DownloadMark",  # document download counting
    "documents.DownloadAddress",
    # Written by the workflow alongside the article/page change that this log records.
    "articles.ArticleRevision",
    "articles.ArticleTransition",
    "pages.PageRevision",
    # Recovery codes: made ten at a time with the device (otp.enrol), used up one by one.
    "otp_static.StaticToken",
    # The PPID's registration numbers (bookkeeping) and a request's steps, which its
    # workflow writes alongside the ppid.* event this log records.
    "ppid.RequestCounter",
    "ppid.RequestStep",
}

# A citizen's identity in a PPID request: kept by the PPID for as long as the request
# needs it (the scan is deleted after PPID_ID_RETENTION_DAYS), so the audit trail, kept
# for AUDIT_RETENTION_DAYS, records only that these changed, never what they hold.
PERSONAL_FIELDS = {
    "ppid.InformationRequest": {
        "name", "nik", "organisation", "address", "phone", "email", "id_scan",
    },
}  # fmt: skip

# Fields that change without anyone deciding to change them.
EXCLUDED_FIELDS = {
    "last_login",  # sign-in is its own event (auth.login)
    "updated_at",  # changes with every save
    "view_count",  # readers' views
    "views_held_back",
    "download_count",
    "renditions",  # a photo's resized copies, made from its image
    # django-otp devices' bookkeeping of each use.
    "last_t",
    "throttling_failure_count",
    "throttling_failure_timestamp",
    "last_used_at",
    "last_used",
    "sign_count",
    "drift",  # a TOTP device's clock drift, adjusted as codes are used
    "valid_until",  # an emailed code's expiry
}

# Fields whose values never go into an entry (only that they changed): password hashes,
# second-factor secrets and keys, tokens.
MASKED_FIELDS = {
    "password",
    "key",
    "secret",
    "secret_key",
    "token",
    "public_key",
    "private_key",
    "session_data",
}


# -- model changes that are also events ---------------------------------------------------

# label: (event prefix, status field, {new value: event}); "unpublish" when a published
# object leaves that status (a takedown).
STATUS_EVENTS = {
    "articles.Article": ("article", "status", {"published": "publish", "review": "submit"}),
    "pages.Page": ("page", "status", {"published": "publish", "review": "submit"}),
    "documents.Document": ("document", "is_published", {"True": "publish"}),
    "videos.Video": ("video", "is_published", {"True": "publish"}),
    "articles.Comment": (
        "comment",
        "status",
        {"approved": "approve", "hidden": "reject", "spam": "spam", "pending": "pending"},
    ),
}
PUBLISHED = {"published", "True"}
DELETE_EVENTS = {"articles.Comment": "comment.delete"}
ACCESS_FIELDS = {"is_staff", "is_superuser", "is_active", "groups", "user_permissions"}


def event_for_change(entry) -> str:
    """The event that a model-change entry also is ("article.publish"), or ""."""
    if entry.content_type_id is None:
        return ""
    label = f"{entry.content_type.app_label}.{entry.content_type.model}"
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    if entry.action == entry.Action.DELETE:
        return next((e for m, e in DELETE_EVENTS.items() if m.lower() == label), "")
    for model_label, (prefix, field, events) in STATUS_EVENTS.items():
        if model_label.lower() != label or field not in changes:
            continue
        old, new = (str(value) for value in changes[field][:2])
        if new in events:
            return f"{prefix}.{events[new]}"
        if old in PUBLISHED:
            return f"{prefix}.unpublish"
        return ""
    if label == settings.AUTH_USER_MODEL.lower():
        if ACCESS_FIELDS & changes.keys() and entry.action == entry.Action.UPDATE:
            return "user.access"
        if "password" in changes and entry.action == entry.Action.UPDATE:
            return "user.password"
    if label == "auth.group" and "permissions" in changes:
        return "group.permissions"
    return ""
