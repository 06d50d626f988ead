import uuid

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.images import delete_files
from articles.models import SLUG_MAX_LENGTH, save_with_unique_slug

from . import youtube


def poster_upload_to(instance, filename):
    # Our name, never the upload's (posters.prepare always makes a JPEG).
    return timezone.now().strftime(f"videos/%Y/%m/{uuid.uuid4().hex}.jpg")


class VideoQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def latest_first(self):
        return self.order_by("-date", "-pk")


class Video(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=SLUG_MAX_LENGTH, unique=True, blank=True)
    youtube_id = models.CharField(
        _("YouTube video id"),
        max_length=11,
        validators=[
            RegexValidator(r"^[A-Za-z0-9_-]{11}\Z", _("A YouTube video id has 11 characters."))
        ],
    )
    date = models.DateField(_("date"), default=timezone.localdate, help_text=_("In WIB."))
    description = models.TextField(_("description"), blank=True, help_text=_("Plain text."))
    # No width_field/height_field: Django would open the file whenever a video is loaded
    # without them. posters.prepare measures once, at upload.
    poster = models.ImageField(_("poster image"), upload_to=poster_upload_to)
    poster_width = models.PositiveIntegerField(editable=False, default=0)
    poster_height = models.PositiveIntegerField(editable=False, default=0)
    is_published = models.BooleanField(_("published"), default=False)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="videos",
        verbose_name=_("related article"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VideoQuerySet.as_manager()

    class Meta:
        ordering = ("-date", "-pk")
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        permissions = (("publish_video", _("Can publish videos")),)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(youtube_id__regex=r"^[A-Za-z0-9_-]{11}$"),
                name="video_youtube_id_shape",
            ),
        ]
        indexes = [
            models.Index(fields=("is_published", "-date", "-id"), name="video_published_date_idx")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("videos:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        return save_with_unique_slug(self, self.title, super().save, *args, **kwargs)

    @property
    def embed_url(self):
        return youtube.embed_url(self.youtube_id)

    @property
    def watch_url(self):
        return youtube.watch_url(self.youtube_id)


@receiver(post_delete, sender=Video)
def delete_poster(sender, instance, **kwargs):
    """A deleted video takes its poster along, once the deletion is committed."""
    name = instance.poster.name
    if name:
        transaction.on_commit(lambda: delete_files([name]))
