"""The audit log in the admin: browse, filter, search and export; never add, change or
delete, whoever asks (superusers included)."""

import csv
import json
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from audit.events import record
from audit.models import Entry

# auditlog's own admin registers the log entry model (ours, since it is swapped in) with a
# delete permission for cascades; ours replaces it.
if admin.site.is_registered(Entry):
    admin.site.unregister(Entry)


class EventFilter(admin.SimpleListFilter):
    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        events = Entry.objects.exclude(event="").order_by("event").values_list("event", flat=True)
        return [(event, event) for event in events.distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(event=self.value())
        return queryset


FILTERED_FIELDS = {"event", "action", "actor", "content_type", "timestamp"}


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "what", "actor_name", "object_link", "remote_addr")
    list_filter = (
        EventFilter,
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("content_type",)
    search_fields = (
        "actor_username", "actor_email", "object_repr", "remote_addr", "event", "object_pk",
        "=cid",
    )  # fmt: skip
    date_hierarchy = "timestamp"
    show_full_result_count = False
    actions = None
    fields = (
        "timestamp", "what", "actor_name", "remote_addr", "content_type", "object_page",
        "changed_fields", "details", "same_request",
    )  # fmt: skip
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        """Only the list's own filters and dates: no made-up lookups in the address bar
        (a regular expression over the details, say)."""
        return lookup.split("__")[0] in FILTERED_FIELDS and super().lookup_allowed(
            lookup, value, request
        )

    # -- nobody writes here ---------------------------------------------------------

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # -- columns ----------------------------------------------------------------------

    @admin.display(description=_("what"), ordering="event")
    def what(self, obj):
        return obj.what

    @admin.display(description=_("who"), ordering="actor_username")
    def actor_name(self, obj):
        if not obj.actor_username:
            return "—"
        if obj.actor_id is None:
            return _("%(name)s (deleted)") % {"name": obj.actor_username}
        return obj.actor_username

    @admin.display(description=_("object"))
    def object_link(self, obj):
        # The list links without checking that the object still exists (a query a row).
        return link(obj.admin_url(check=False), obj.object_repr)

    @admin.display(description=_("object"))
    def object_page(self, obj):
        return link(obj.admin_url(), obj.object_repr)

    @admin.display(description=_("fields changed"))
    def changed_fields(self, obj):
        changes = obj.changes if isinstance(obj.changes, dict) else {}
        if not changes:
            return "—"
        return format_html_join(
            "", "<p><strong>{}</strong>: {}</p>", ((f, describe(v)) for f, v in changes.items())
        )

    @admin.display(description=_("same request"))
    def same_request(self, obj):
        """The other entries written by the request that wrote this one."""
        if not obj.cid:
            return "—"
        url = f"{reverse('admin:audit_entry_changelist')}?{urlencode({'q': obj.cid})}"
        return format_html('<a href="{}">{}</a>', url, _("All entries of that request"))

    @admin.display(description=_("details"))
    def details(self, obj):
        if not obj.additional_data:
            return "—"
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.additional_data, ensure_ascii=False, indent=2)
        )

    # -- CSV export of what the list shows --------------------------------------------

    def get_urls(self):
        export = path(
            "ekspor/",
            self.admin_site.admin_view(self.export_view),
            name="audit_entry_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The entries the list shows with the same filters and search, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # A filter the list does not have: the list's own answer to that.
            return redirect(f"{reverse('admin:audit_entry_changelist')}?{ERROR_FLAG}=1")
        entries = changelist.get_queryset(request).select_related("content_type")
        filters = dict(request.GET.items())
        record("export.audit_csv", request=request, details={"filters": filters})
        writer = csv.writer(Echo())
        # Translated now: the rows are written after this view has returned.
        header = [str(title) for title in CSV_HEADER]
        rows = (writer.writerow([safe_cell(c) for c in r]) for r in csv_rows(entries, header))
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="log-audit-{stamp}.csv"'
        return response


class Echo:
    """A file for csv.writer that hands back what it is given."""

    def write(self, value):
        return value


CSV_HEADER = (
    _("time (WIB)"), _("event or action"), _("who"), _("email"), _("IP address"),
    _("object type"), _("object key"), _("object"), _("fields changed"), _("details"),
)  # fmt: skip


def csv_rows(entries, header):
    yield header
    for entry in entries.iterator(chunk_size=2000):
        yield [
            timezone.localtime(entry.timestamp).isoformat(timespec="seconds"),
            entry.what,
            entry.actor_username,
            entry.actor_email or "",
            entry.remote_addr or "",
            entry.content_type.name if entry.content_type_id else "",
            entry.object_pk,
            entry.object_repr,
            json.dumps(entry.changes, ensure_ascii=False) if entry.changes else "",
            json.dumps(entry.additional_data, ensure_ascii=False) if entry.additional_data else "",
        ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell that a spreadsheet shows as text: one starting like a formula gets a quote."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def link(url, text):
    if not text:
        return "—"
    return format_html('<a href="{}">{}</a>', url, text) if url else text


def describe(change) -> str:
    """One field's change as text: old → new, or the relations added or removed."""
    if isinstance(change, dict) and change.get("type") == "m2m":
        sign = "+" if change.get("operation") == "add" else "-"
        return ", ".join(f"{sign} {name}" for name in change.get("objects", []))
    if isinstance(change, list | tuple) and len(change) == 2:
        return f"{change[0]} → {change[1]}"
    return str(change)
