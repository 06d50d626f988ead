from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .slugs import SLUG_MAX_LENGTH, save_with_unique_slug


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Lower numbers come first in menus and on the home page."),
    )

    class Meta:
        ordering = ("order", "name")
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        return save_with_unique_slug(self, self.name, super().save, *args, **kwargs)
