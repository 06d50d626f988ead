"""The integrity watch's records: what to look for (patterns, allowed domains), what the
last check saw (domains, the staff snapshot in its report) and what it found.

A finding is one row per fingerprint: a run that finds it again moves it to its own
report, so the same spam phrase in the same article stays one finding across daily
runs, keeps the day it was first seen, and stays reviewed once someone has looked at it.
A change to what was found (another phrase, a file of another size) is another
fingerprint, hence a new finding.
"""

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .patterns import compile_phrase, normalize_domain

# `where` values that are not a field's name.
WHERE_LABELS = {"two-factor": _("second factor"), "is_staff": _("staff status")}


class Pattern(models.Model):
    class Kind(models.TextChoices):
        GAMBLING = "gambling", _("Online gambling")
        OTHER = "other", _("Other")

    phrase = models.CharField(
        _("phrase"),
        max_length=200,
        help_text=_(
            "Matched as whole words, in any letter case, also when written together or "
            "with hyphens (“slot gacor” finds “Slot-Gacor” and “slotgacor88”)."
        ),
    )
    is_regex = models.BooleanField(
        _("regular expression"),
        default=False,
        help_text=_("Treat the phrase as a Python regular expression (case is ignored)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GAMBLING)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ("kind", "phrase")
        verbose_name = _("pattern")
        verbose_name_plural = _("patterns")
        constraints = [
            models.UniqueConstraint(Lower("phrase"), name="pattern_phrase_unique"),
        ]

    def __str__(self):
        return self.phrase

    def clean(self):
        self.phrase = self.phrase.strip()
        if self.is_regex:
            try:
                re.compile(self.phrase)
            except re.error as error:
                raise ValidationError(
                    {"phrase": _("This is not a valid regular expression: %(error)s")},
                    code="bad_regex",
                    params={"error": error},
                ) from error
        elif compile_phrase(self.phrase) is None:
            raise ValidationError(
                {"phrase": _("A phrase needs at least one letter or digit.")}, code="empty"
            )

    def regex(self):
        if self.is_regex:
            return re.compile(self.phrase, re.IGNORECASE)
        return compile_phrase(self.phrase)


class AllowedDomain(models.Model):
    domain = models.CharField(
        _("domain"),
        max_length=253,
        unique=True,
        help_text=_("A host name such as jatengprov.go.id, without https:// or a path."),
    )
    include_subdomains = models.BooleanField(
        _("subdomains too"),
        default=True,
        help_text=_("go.id with this on allows every address ending in .go.id."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ("domain",)
        verbose_name = _("allowed domain")
        verbose_name_plural = _("allowed domains")

    def __str__(self):
        return f"*.{self.domain}" if self.include_subdomains else self.domain

    def clean(self):
        domain = normalize_domain(self.domain)
        if "." not in domain:
            raise ValidationError(
                {"domain": _("Enter a domain such as example.go.id.")}, code="bad_domain"
            )
        self.domain = domain

    def save(self, *args, **kwargs):
        self.domain = normalize_domain(self.domain) or self.domain
        super().save(*args, **kwargs)


class SeenDomain(models.Model):
    """An outbound domain, not allowed, that the last check saw: only domains that are
    not here are reported as new."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)
    first_seen = models.DateTimeField(_("first seen"))

    audit_skip = True  # the check's own bookkeeping (audit/registry.py)

    class Meta:
        ordering = ("domain",)
        verbose_name = _("seen domain")
        verbose_name_plural = _("seen domains")

    def __str__(self):
        return self.domain


class Report(models.Model):
    """One run of `manage.py check_integrity`."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    findings_count = models.PositiveIntegerField(_("findings"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    open_count = models.PositiveIntegerField(_("not reviewed"), default=0)
    # {"articles": 31, "files": 412, ...}: what was looked at, for the report page.
    scanned = models.JSONField(_("looked at"), default=dict, blank=True)
    # {user id: {"username", "is_active", "is_staff", "is_superuser", "groups",
    # "password"}} of every staff account; "password" is a SHA-256 of the stored
    # password hash (never the hash itself), enough to see that it changed.
    accounts = models.JSONField(_("staff accounts"), default=dict, blank=True)
    mailed_to = models.PositiveIntegerField(_("mailed to"), default=0)

    audit_skip = True  # written by the daily check; a review is an event of its own

    class Meta:
        ordering = ("-started_at", "-pk")
        get_latest_by = "started_at"
        verbose_name = _("integrity report")
        verbose_name_plural = _("integrity reports")

    def __str__(self):
        return str(_("Integrity check of %(date)s")) % {
            "date": timezone.localtime(self.started_at).strftime("%Y-%m-%d %H:%M")
        }


class Finding(models.Model):
    class Kind(models.TextChoices):
        PATTERN = "pattern", _("Spam phrase")
        HIDDEN = "hidden", _("Hidden text or link")
        OUTBOUND = "outbound", _("New outbound domain")
        SCRIPT_FILE = "script_file", _("Script file")
        MISMATCH = "mismatch", _("Content does not match the file name")
        ORPHAN = "orphan", _("File without a record")
        ACCOUNT_CREATED = "account_created", _("Staff account created")
        ACCOUNT_PROMOTED = "account_promoted", _("Account given more rights")
        PASSWORD_CHANGED = "password_changed", _("Staff password changed")
        NO_2FA = "no_2fa", _("Staff without a second factor")

    class Severity(models.IntegerChoices):
        HIGH = 3, _("High")
        MEDIUM = 2, _("Medium")
        LOW = 1, _("Low")

    report = models.ForeignKey(
        Report,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("last report"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("type of object"),
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    admin_url = models.CharField(_("admin link"), max_length=300, blank=True)
    where = models.CharField(_("where"), max_length=300)
    excerpt = models.TextField(_("excerpt"), blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True, editable=False)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    # Moved to each day's report by the check; a review is recorded as the event
    # "integrity.reviewed" (services.mark_reviewed).
    audit_skip = True

    class Meta:
        ordering = ("-severity", "kind", "-first_seen", "pk")
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        permissions = [("review_finding", _("Can mark integrity findings as reviewed"))]
        indexes = [
            models.Index(fields=("report", "-severity"), name="finding_report_idx"),
        ]

    def __str__(self):
        subject = self.object_repr or self.where
        return f"{self.get_kind_display()}: {subject}"

    @property
    def is_reviewed(self):
        return self.reviewed_at is not None

    def where_label(self):
        """`where` for people: a field's verbose name, or a file's place as it is."""
        if self.where in WHERE_LABELS:
            return WHERE_LABELS[self.where]
        model = self.content_type.model_class() if self.content_type_id else None
        if model is not None:
            try:
                return model._meta.get_field(self.where).verbose_name
            except FieldDoesNotExist:
                pass
        return self.where
