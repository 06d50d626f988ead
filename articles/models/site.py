from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NETWORKS = ("instagram", "facebook", "x", "youtube", "tiktok")


class SiteSettings(models.Model):
    """The site's "Follow Us" links and contact details, edited by site admins.

    One row. Empty links fall back to the SOCIAL_* settings.
    """

    instagram = models.URLField(_("Instagram"), blank=True)
    facebook = models.URLField(_("Facebook"), blank=True)
    x = models.URLField(_("X"), blank=True)
    youtube = models.URLField(_("YouTube"), blank=True)
    tiktok = models.URLField(_("TikTok"), blank=True)
    address = models.TextField(
        _("address"), blank=True, default="Jl. Pahlawan No. 9, Semarang 50243"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="(024) 8311174")
    email = models.EmailField(_("email"), blank=True, default="humas@example.go.id")

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="sitesettings_one_row")
        ]

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        """The settings as a dict for templates; built from defaults if unsaved."""
        row = cls.objects.filter(pk=1).first() or cls()
        defaults = dict(settings.SOCIAL_LINKS)
        labels = {"instagram": "Instagram", "facebook": "Facebook", "x": "X",
                  "youtube": "YouTube", "tiktok": "TikTok"}  # fmt: skip
        data = {
            "social_links": [
                (labels[n], getattr(row, n) or defaults.get(labels[n], ""))
                for n in NETWORKS
                if getattr(row, n) or defaults.get(labels[n])
            ],
            "address": row.address,
            "phone": row.phone,
            "email": row.email,
        }
        return data
