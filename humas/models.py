from django.db import models
from django.utils.translation import gettext_lazy as _


class PageVersion(models.Model):
    """The version of everything public, for sites without a shared cache (no REDIS_URL).

    One row. Every cached public page is tagged with the version it was rendered under
    and served only while it is current (humas/pagecache/). With Redis the version
    lives there; without it, here, so that every worker process of one host sees an
    edit or a takedown on its next request, not only the process that saved it.
    """

    version = models.BigIntegerField(_("version"), default=1)
    # When a scheduled item comes due: the cached pages go stale then, without an edit.
    next_due = models.BigIntegerField(
        _("next scheduled change"), default=0, help_text=_("Unix time; 0 for none.")
    )

    class Meta:
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="pageversion_one_row")]

    def __str__(self):
        return f"v{self.version}"


class Throttle(models.Model):
    """Hits per key in a fixed time window, shared by every worker and host.

    Used for the limits that must hold across processes (registrations per address,
    reset requests, resent verification mails, comment reports); see humas/throttle.py.
    Moved here from accounts, table and all: every app may limit, not only accounts.
    """

    key = models.CharField(max_length=200)
    period = models.BigIntegerField()
    expires = models.BigIntegerField(help_text="Unix time at which the period ends.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "accounts_throttle"
        constraints = [
            models.UniqueConstraint(fields=("key", "period"), name="throttle_one_per_period"),
        ]
        indexes = [models.Index(fields=("expires",), name="throttle_expires_idx")]

    def __str__(self):
        return f"{self.key} @{self.period}: {self.hits}"
