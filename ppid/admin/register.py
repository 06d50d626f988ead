"""The register's records and the calendar the clocks count on."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Holiday, InformationItem, Unit


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_day_off")
    list_filter = ("is_day_off",)
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)
    search_fields = ("name",)


@admin.register(InformationItem)
class InformationItemAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "classification", "year", "is_published")
    list_filter = ("classification", "unit", "is_published", "year")
    search_fields = ("title", "summary", "official")
    autocomplete_fields = ("documents",)
    list_select_related = ("unit",)
    fieldsets = (
        (None, {"fields": ("title", "summary", "unit", "official", "classification")}),
        (_("Made"), {"fields": ("year", "place", "form", "media", "retention")}),
        (
            _("Exemption"),
            {
                "description": _(
                    "For exempt information only: UU KIP article 17 and the consequence test."
                ),
                "fields": ("legal_basis", "consequence_test", "exemption_until"),
            },
        ),
        (_("Documents and publishing"), {"fields": ("documents", "is_published")}),
    )
