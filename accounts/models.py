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
