import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .slugs import SLUG_MAX_LENGTH, save_with_unique_slug


class Photographer(models.Model):
    name = models.CharField(_("name"), max_length=120)
    agency = models.CharField(_("agency"), max_length=120, default="Humas Jateng")
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photographer",
        verbose_name=_("staff account"),
        help_text=_("The photographer's own login, if they upload photos themselves."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive photographers are not offered for new photos."),
    )

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
    # No width_field/height_field: Django would open the file to fill them whenever a
    # photo is loaded without them. articles/images.py measures once, at upload.
    image = models.ImageField(_("image"), upload_to=photo_upload_to)
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the photo shows, for readers who cannot see it. Required before an "
            "article using the photo can be published."
        ),
    )
    photographer = models.ForeignKey(
        Photographer,
        on_delete=models.PROTECT,
        related_name="photos",
        verbose_name=_("photographer"),
    )
    taken_at = models.DateTimeField(
        _("taken at"), null=True, blank=True, help_text=_("Read from the camera when it says.")
    )
    focal_x = models.FloatField(
        _("focal point, across"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the left edge, 1 the right: what crops keep."),
    )
    focal_y = models.FloatField(
        _("focal point, down"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the top edge, 1 the bottom."),
    )
    # [{"name": storage name, "width": .., "height": .., "format": "webp"|"jpeg",
    #   "kind": "fit"|"og"}], made once by articles/images.py; pages read only this.
    renditions = models.JSONField(_("renditions"), default=list, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # Whose photo it is until published work shows it (articles/photouse.py): a writer
    # may change their own uploads, nobody else's. Empty for photos from before, and for
    # imports: those change through an editor.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ("-uploaded_at",)
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_inside",
            ),
        ]
        indexes = [
            models.Index(fields=("photographer", "-uploaded_at"), name="photo_photographer_idx")
        ]

    def __str__(self):
        return self.caption or self.alt_text or self.image.name

    @property
    def credit(self):
        """ "Foto : Handy (Humas Jateng)" (the prefix translated)."""
        return credit_line([self.photographer.credit_name])

    def _renditions(self, fmt, kind="fit"):
        return sorted(
            (r for r in self.renditions if r["format"] == fmt and r["kind"] == kind),
            key=lambda r: r["width"],
        )

    def _srcset(self, fmt):
        return ", ".join(
            f"{default_storage.url(r['name'])} {r['width']}w" for r in self._renditions(fmt)
        )

    @cached_property
    def webp_srcset(self):
        return self._srcset("webp")

    @cached_property
    def jpeg_srcset(self):
        return self._srcset("jpeg")

    @cached_property
    def fallback(self):
        """The JPEG for browsers without srcset: the one nearest 800 pixels wide."""
        jpegs = self._renditions("jpeg")
        if not jpegs:
            return {"url": self.image.url, "width": self.width, "height": self.height}
        best = min(jpegs, key=lambda r: abs(r["width"] - 800))
        return {**best, "url": default_storage.url(best["name"])}

    @cached_property
    def share_image(self):
        """The 1200x630 crop around the focal point, for link previews."""
        for r in self._renditions("jpeg", kind="og"):
            return {**r, "url": default_storage.url(r["name"])}
        return self.fallback


def credit_line(names):
    """ "Foto : A (Humas Jateng), B (Diskominfo Jateng)": the prefix is translated."""
    return gettext("Photo: %(names)s") % {"names": ", ".join(names)}


@receiver(post_delete, sender=Photo)
def delete_photo_files(sender, instance, **kwargs):
    """A deleted photo takes its files along, once the deletion is committed."""
    from ..images import delete_files

    names = [instance.image.name, *(r["name"] for r in instance.renditions)]
    # A file the storage cannot delete now (an unreachable bucket) is logged and left for
    # clean_orphan_media; the deletion itself has happened.
    transaction.on_commit(lambda: delete_files([name for name in names if name]))
