from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Entry(AbstractLogEntry):
    """One line of the audit log: a model change written by django-auditlog, or an event
    written by audit.events.record(). Append-only (see docs/audit.md)."""

    class Action(AbstractLogEntry.Action):
        EVENT = 4

        choices = (
            (AbstractLogEntry.Action.CREATE, _("create")),
            (AbstractLogEntry.Action.UPDATE, _("update")),
            (AbstractLogEntry.Action.DELETE, _("delete")),
            (AbstractLogEntry.Action.ACCESS, _("access")),
            (EVENT, _("event")),
        )

    # An event need not be about an object (a failed sign-in is about nobody). PROTECT: a
    # content type that entries point at is not removed with them.
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("object type"),
    )
    object_pk = models.CharField(
        max_length=255, blank=True, db_index=True, verbose_name=_("object key")
    )
    object_repr = models.TextField(blank=True, verbose_name=_("object"))
    action = models.PositiveSmallIntegerField(
        choices=Action.choices, db_index=True, verbose_name=_("action")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("actor"),
    )
    remote_addr = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP address"))
    timestamp = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("time"))
    event = models.CharField(max_length=64, blank=True, db_index=True, verbose_name=_("event"))
    # The actor's username, kept as text so the entry still says who once the user is gone
    # (the actor foreign key becomes empty then).
    actor_username = models.CharField(
        max_length=150, blank=True, db_index=True, verbose_name=_("actor's username")
    )

    objects = LogEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["event", "-timestamp"], name="audit_entry_event_time")]
        # Viewing only: entries are never added, changed or deleted through the site.
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.what} {self.object_repr}".strip()

    @property
    def what(self) -> str:
        """The event's name, or create/update/delete for a model change."""
        if self.event:
            return self.event
        return str(self.get_action_display())

    def admin_url(self, check: bool = True) -> str:
        """The admin change page of the object ("" when it has none); with `check`, only
        while the object still exists."""
        if self.content_type_id is None or not self.object_pk:
            return ""
        model = self.content_type.model_class()
        if model is None:
            return ""
        opts = model._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object_pk])
        except NoReverseMatch:
            return ""
        if check and not model._default_manager.filter(pk=self.object_pk).exists():
            return ""
        return url
