import uuid
from pathlib import PurePath

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .slugs import SLUG_MAX_LENGTH, save_with_unique_slug


class Photographer(models.Model):
    name = models.CharField(_("name"), max_length=120)
    agency = models.CharField(_("agency"), max_length=120, default="Humas Jateng")
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("photographer")
        verbose_name_plural = _("photographers")

    def __str__(self):
        return self.credit_name

    def get_absolute_url(self):
        return reverse("articles:photographer", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        return save_with_unique_slug(self, self.name, super().save, *args, **kwargs)

    @property
    def credit_name(self):
        """ "Handy (Humas Jateng)", as the credit line prints it."""
        return f"{self.name} ({self.agency})" if self.agency else self.name


def photo_upload_to(instance, filename):
    # The stored name is made here, never taken from the upload: no path tricks, no
    # clashes, no personal data in file names.
    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".webp", ".gif"}:
        suffix = ".jpg"
    return timezone.now().strftime(f"photos/%Y/%m/{uuid.uuid4().hex}{suffix}")


class Photo(models.Model):
    image = models.ImageField(
        _("image"), upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=250,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    photographer = models.ForeignKey(
        Photographer,
        on_delete=models.PROTECT,
        related_name="photos",
        verbose_name=_("photographer"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ("-uploaded_at",)
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption or self.alt_text

    @property
    def credit(self):
        """ "Foto : Handy (Humas Jateng)" (the prefix translated)."""
        return gettext("Photo: %(names)s") % {"names": self.photographer.credit_name}
