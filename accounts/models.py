from django.conf import settings
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
        permissions = [
            ("reset_second_factor", _("Can reset another user's second factor")),
        ]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    @property
    def public_name(self):
        """The name shown to readers: never the login name or the email address."""
        return self.display_name or self.get_full_name() or _("Humas staff")


class UserSession(models.Model):
    """A signed-in session of a user: where and when it is used, shown on their profile.

    The session store holds the session itself; this row finds every session of a user
    (to end them) without reading the whole store. Rows are written at sign-in and at
    most once a minute after (accounts/sessions.py).
    """

    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="user_sessions",
        verbose_name=_("user"),
    )
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("signed in at"))
    last_seen = models.DateTimeField(_("last seen"))

    # Bookkeeping of sign-ins, not anyone's decision: the audit log records sign-in,
    # sign-out and ended sessions as events of their own.
    audit_skip = True

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["user", "-last_seen"], name="accounts_session_user_seen"),
        ]

    def __str__(self):
        return f"{self.user} · {self.last_seen:%Y-%m-%d %H:%M}"
