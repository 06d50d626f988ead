from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member or a registered reader; readers sign in with their email."""

    email = models.EmailField(_("email address"), blank=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    privacy_consent_at = models.DateTimeField(
        _("privacy notice accepted at"), null=True, blank=True
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # One account per mailbox, whatever the letter case; staff created without
            # an email (blank) are exempt.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    @property
    def public_name(self):
        """The name shown to readers: never the login name or the email address."""
        return self.display_name or self.get_full_name() or _("Humas staff")


class Throttle(models.Model):
    """Hits per key in a fixed time window, shared by every worker and host.

    Used for the limits that must hold across processes (registrations per address,
    reset requests, resent verification mails, reports); see accounts/throttle.py.
    """

    key = models.CharField(max_length=200)
    period = models.BigIntegerField()
    expires = models.BigIntegerField(help_text="Unix time at which the period ends.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("key", "period"), name="throttle_one_per_period"),
        ]
        indexes = [models.Index(fields=("expires",), name="throttle_expires_idx")]

    def __str__(self):
        return f"{self.key} @{self.period}: {self.hits}"
