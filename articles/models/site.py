from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
    validate_email,
)
from django.db import models
from django.utils.translation import gettext_lazy as _

NETWORKS = ("instagram", "facebook", "x", "youtube", "tiktok")
# Its own code: a model form puts its field's message over a model error coded "invalid".
HTTPS_ONLY = URLValidator(
    schemes=["https"], message=_("Enter an https:// address."), code="https_only"
)
# RFC 5646 language tags ("id", "en", "jv-ID"), separated by commas.
LANGUAGE_LIST = r"\A[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*(, *[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*)*\Z"


def validate_security_contact(value):
    """mailto: with one email address, or an https:// address: RFC 9116's Contact forms
    that a reader's mail program or browser opens (tel: left out: nobody answers it)."""
    if value.startswith("mailto:"):
        validate_email(value.removeprefix("mailto:"))
    elif "@" in value and "://" not in value:
        validate_email(value)  # a bare address: clean() makes it a mailto:
    else:
        HTTPS_ONLY(value)


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
    # /.well-known/security.txt (RFC 9116; articles/securitytxt.py): served only with a
    # contact. Every value becomes one line of the file, so none may hold a line break.
    security_contact = models.CharField(
        _("security contact"),
        max_length=254,
        blank=True,
        validators=[validate_security_contact],
        help_text=_(
            "Where to report a vulnerability: an email address (mailto:) or an https:// "
            "page. Without it, the site has no security.txt."
        ),
    )
    security_encryption = models.URLField(
        _("encryption key"),
        blank=True,
        validators=[HTTPS_ONLY],
        help_text=_("An https:// address of the public key (OpenPGP) to encrypt reports with."),
    )
    security_policy = models.URLField(
        _("vulnerability disclosure policy"),
        blank=True,
        validators=[HTTPS_ONLY],
        help_text=_("An https:// page saying how reports are handled."),
    )
    security_acknowledgments = models.URLField(
        _("acknowledgments page"),
        blank=True,
        validators=[HTTPS_ONLY],
        help_text=_("An https:// page thanking those who reported vulnerabilities."),
    )
    security_languages = models.CharField(
        _("preferred languages"),
        max_length=60,
        default="id, en",
        validators=[
            RegexValidator(
                LANGUAGE_LIST,
                _('Language tags separated by commas, e.g. "id, en".'),
                code="invalid_languages",
            )
        ],
        help_text=_("Languages reports may be written in, separated by commas."),
    )
    security_expires_days = models.PositiveSmallIntegerField(
        _("valid for (days)"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(364)],
        help_text=_(
            "security.txt says it holds for this many days from the day it is read (less "
            "than a year, as RFC 9116 recommends). Check the contact at least that often."
        ),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="sitesettings_one_row")
        ]

    def __str__(self):
        return str(_("Site settings"))

    def clean(self):
        contact = self.security_contact.strip()
        if contact and ":" not in contact and "@" in contact:
            contact = f"mailto:{contact}"  # a bare address is what people type
        self.security_contact = contact

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
