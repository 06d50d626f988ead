"""Which models django-auditlog watches, and which of their fields it leaves out or masks."""

from auditlog.registry import auditlog
from django.apps import apps
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
            mask_fields=sorted(fields & MASKED_FIELDS),
            mask_callable="audit.registry.mask",
            m2m_fields={f.name for f in opts.get_fields() if isinstance(f, ManyToManyField)},
        )


# Whole apps whose rows are bookkeeping, not anybody's action.
EXCLUDED_APPS = {"sessions", "contenttypes", "admin", "auditlog", "audit", "axes"}

# Models of ours that change on their own (counters, caches, throttles).
EXCLUDED_MODELS = {
    "humas.Throttle",
}

# Fields that change without anyone deciding to change them.
EXCLUDED_FIELDS = {
    "last_login",  # sign-in is its own event (auth.login)
    "last_t",  # django-otp: the last TOTP step used
    "throttling_failure_count",
    "throttling_failure_timestamp",
    "last_used_at",
    "last_used",
}

# Fields whose values are never written into an entry (only that they changed).
MASKED_FIELDS = {"password", "key", "secret", "secret_key", "token", "public_key"}


def mask(value: str) -> str:
    """All of a secret hidden (auditlog's own mask shows half of it), but whether it was
    empty still shows."""
    return value if value in ("", "None") else "********"
