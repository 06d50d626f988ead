from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JournalistQuerySet(models.QuerySet):
    def approved(self):
        """Those who may read releases under embargo and get them by mail: approved by
        an editor, not withdrawn, with an account that can sign in."""
        return self.filter(active=True, approved_at__isnull=False, user__is_active=True)


class Journalist(models.Model):
    """A reader whom an editor has marked as press (or who asked to be, on /pers/, and
    waits for an editor's approval)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="journalist",
        verbose_name=_("account"),
    )
    outlet = models.CharField(_("media outlet"), max_length=120)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick to stop the releases and the embargo pages for this journalist."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = JournalistQuerySet.as_manager()

    class Meta:
        ordering = ("outlet", "user__username")
        verbose_name = _("journalist")
        verbose_name_plural = _("journalists")

    def __str__(self):
        return f"{self.user} ({self.outlet})"

    @property
    def is_approved(self):
        """Mirror of JournalistQuerySet.approved() for one row."""
        return self.active and self.approved_at is not None and self.user.is_active
