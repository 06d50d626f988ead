"""The video library. Writers (Penulis) add and edit unpublished videos; publishing is
the Editor's (videos.publish_video), enforced here on the server."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import posters, youtube
from .models import Video

PREVIEW_WIDTH = 160


def can_publish(user) -> bool:
    return user.has_perm("videos.publish_video")


class VideoAdminForm(forms.ModelForm):
    youtube_url = forms.CharField(
        label=_("YouTube address"),
        max_length=youtube.MAX_URL_LENGTH,
        help_text=_(
            "The video's address on YouTube (youtube.com/watch?v=…, youtu.be/…, "
            "youtube.com/shorts/…). Only the video's id is kept."
        ),
    )

    class Meta:
        model = Video
        fields = (
            "title", "slug", "youtube_url", "date", "description", "poster", "article",
            "is_published",
        )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.youtube_id:
            self.fields["youtube_url"].initial = youtube.watch_url(self.instance.youtube_id)

    def clean_youtube_url(self):
        self.instance.youtube_id = youtube.video_id(self.cleaned_data["youtube_url"])
        return self.cleaned_data["youtube_url"]

    def clean_poster(self):
        poster = self.cleaned_data.get("poster")
        if poster and hasattr(poster, "content_type"):  # a new upload, not the stored file
            content, width, height = posters.prepare(poster)
            self.instance.poster_width, self.instance.poster_height = width, height
            return content
        return poster


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    form = VideoAdminForm
    list_display = ("title", "poster_preview", "date", "is_published", "article")
    list_filter = ("is_published", "date")
    search_fields = ("title", "description", "youtube_id", "slug")
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("article",)
    list_select_related = ("article",)
    readonly_fields = ("poster_preview",)
    actions = ("publish_selected", "unpublish_selected")
    fieldsets = (
        (None, {"fields": ("title", "youtube_url", "date", "description")}),
        (_("Poster"), {"fields": ("poster", "poster_preview")}),
        (_("Publishing"), {"fields": ("is_published", "slug", "article")}),
    )

    @admin.display(description=_("poster"))
    def poster_preview(self, obj):
        if not obj or not obj.poster or not obj.poster_width:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
            obj.poster.url,
            obj.title,
            PREVIEW_WIDTH,
            round(obj.poster_height * PREVIEW_WIDTH / obj.poster_width),
        )

    # -- who may publish: enforced here, on the server ----------------------------------

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        # A writer's edit to a published video would reach readers unreviewed.
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or not obj.is_published or can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or not obj.is_published or can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not can_publish(request.user):
            fields = (*fields, "is_published")
        return fields

    def save_model(self, request, obj, form, change):
        if not can_publish(request.user):
            was_published = (
                Video.objects.filter(pk=obj.pk, is_published=True).exists() if change else False
            )
            if was_published:
                raise PermissionDenied
            obj.is_published = False
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected videos"), permissions=("publish",))
    def publish_selected(self, request, queryset):
        self._set_published(request, queryset, True)
        self.message_user(request, _("The selected videos are published."))

    @admin.action(description=_("Unpublish the selected videos"), permissions=("publish",))
    def unpublish_selected(self, request, queryset):
        self._set_published(request, queryset, False)
        self.message_user(request, _("The selected videos are unpublished."))

    def _set_published(self, request, queryset, value):
        # save(), not update(): the page cache hears of each change (docs/caching.md).
        for video in queryset.exclude(is_published=value):
            video.is_published = value
            video.save(update_fields=["is_published", "updated_at"])
