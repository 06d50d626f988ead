from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget
from taggit.models import Tag

from ..models import Category, SiteSettings

THUMBNAIL_WIDTH = 80


def thumbnail(photo, width=THUMBNAIL_WIDTH):
    """A small preview from the stored renditions (no image file is opened)."""
    if not photo or not photo.width:
        return "—"
    height = round(photo.height * width / photo.width)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" class="photo-thumbnail">',
        photo.fallback["url"],
        photo.alt_text,
        width,
        height,
    )


class TagSuggestWidget(TagWidget):
    """Taggit's comma-separated input with existing tags offered by the browser.

    A <datalist> needs no JavaScript; tag-suggest.js makes it complete the last tag of
    the list rather than the whole field.
    """

    template_name = "admin/articles/tag_suggest_widget.html"

    class Media:
        js = ("admin/articles/tag-suggest.js",)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs']['id']}-options"
        context["suggestions"] = list(
            Tag.objects.order_by("name").values_list("name", flat=True)[:1000]
        )
        return context


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "article_count")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description=_("articles"))
    def article_count(self, obj):
        return obj.articles.count()


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the "Follow Us" links, the footer's contact details and security.txt."""

    fieldsets = (
        ("Follow Us", {"fields": ("instagram", "facebook", "x", "youtube", "tiktok")}),
        (_("Contact"), {"fields": ("address", "phone", "email")}),
        (
            "security.txt",
            {
                "fields": (
                    "security_contact",
                    "security_encryption",
                    "security_policy",
                    "security_acknowledgments",
                    "security_languages",
                    "security_expires_days",
                ),
                "description": _(
                    "How researchers report a vulnerability: served at "
                    "/.well-known/security.txt (RFC 9116) once a contact is set."
                ),
            },
        ),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # "instagram.com/humas" means https
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # Straight to the one row (made with the defaults the first time).
        settings_row, _created = SiteSettings.objects.get_or_create(pk=1)
        return redirect("admin:articles_sitesettings_change", settings_row.pk)
