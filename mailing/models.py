from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .links import site_url

UNSUBSCRIBE_SALT = "mailing.unsubscribe"


class SubscriberQuerySet(models.QuerySet):
    def on_list(self, list_key):
        return self.filter(list_key=list_key)

    def active(self):
        """Those who get the list's mail: confirmed, and not unsubscribed since."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscriber(models.Model):
    """One address on one list. The row stays after an unsubscribe: it is the record of
    what was agreed and when, and what ended it."""

    list_key = models.CharField(_("list"), max_length=40)
    email = models.EmailField(_("email address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("account"),
    )
    options = models.JSONField(_("options"), default=dict, blank=True)
    # The language of the page they subscribed on: their mails are written in it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    consent_text = models.TextField(_("what they agreed to"))
    consent_at = models.DateTimeField(_("agreed at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ("list_key", "email")
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(
                "list_key",
                Lower("email"),
                name="subscriber_email_once_per_list",
                violation_error_message=_("This address is already on this list."),
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.list_key})"

    @property
    def is_active(self):
        """Mirror of SubscriberQuerySet.active() for one row."""
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def unsubscribe_token(self):
        # No time limit: an unsubscribe link in a mail from years ago still works.
        return signing.dumps({"s": self.pk}, salt=UNSUBSCRIBE_SALT)

    def unsubscribe_path(self):
        return reverse("mailing:unsubscribe", kwargs={"token": self.unsubscribe_token()})

    def unsubscribe_url(self):
        return site_url(self.unsubscribe_path())


class Delivery(models.Model):
    """One message to one subscriber. Claimed ("sending") and committed before the mail
    goes out, so a crash in between leaves it "sending", never sent twice by itself."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending (claimed)")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (no longer subscribed)")

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscriber"),
    )
    message_key = models.CharField(_("message"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=("subscriber", "message_key"), name="delivery_once_per_subscriber"
            ),
        ]
        indexes = [models.Index(fields=("status", "id"), name="delivery_status_idx")]

    def __str__(self):
        return f"{self.message_key} → {self.subscriber.email}"
