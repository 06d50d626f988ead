from django.contrib import admin

from .models import LegacyPath


@admin.register(LegacyPath)
class LegacyPathAdmin(admin.ModelAdmin):
    """The old site's addresses that answer 301 (made by import_wordpress); site admins
    can add one by hand for an old link the import did not know."""

    list_display = ("path", "target")
    search_fields = ("path", "article__title", "category__name", "tag__name", "page__title")
    autocomplete_fields = ("article", "category")
    raw_id_fields = ("tag", "page")

    @admin.display(description="→")
    def target(self, obj):
        return obj.target_url()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "category", "tag", "page")
