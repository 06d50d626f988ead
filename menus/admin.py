"""Menus in the admin: a menu per place, its items in an inline ordered by number."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Menu, MenuItem


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    extra = 3
    fields = ("order", "label", "page", "category", "document_section", "url", "new_tab", "parent")
    autocomplete_fields = ("page", "category")
    ordering = ("order", "pk")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A submenu hangs under a top-level item of the same menu.
        parents = obj.items.filter(parent=None) if obj else MenuItem.objects.none()
        formset.form.base_fields["parent"].queryset = parents
        return formset


@admin.register(Menu)
class MenuAdmin(admin.ModelAdmin):
    list_display = ("title", "location", "item_count")
    inlines = (MenuItemInline,)

    @admin.display(description=_("items"))
    def item_count(self, obj):
        return obj.items.count()
