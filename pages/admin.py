"""The page tree in the admin: treebeard's TreeAdmin (drag and drop, or a place chosen in
the form), the articles' editor and workflow rules, enforced here on the server."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import MoveNodeForm, movenodeform_factory

from articles.editor import body_widget

from . import workflow
from .models import Page, PageRevision

CHILD_POSITIONS = ("first-child", "last-child", "sorted-child")


class PageAdminForm(MoveNodeForm):
    def clean(self):
        cleaned = super().clean()
        position = cleaned.get("treebeard_position")
        if position is None or "title" not in cleaned:
            return cleaned
        ref = cleaned.get("treebeard_ref_node")
        if ref is None:
            parent = None
        elif position in CHILD_POSITIONS:
            parent = ref
        else:
            parent = Page.objects.get_parent(ref)
        candidate = Page(pk=self.instance.pk, title=cleaned["title"], slug=cleaned.get("slug"))
        problem = candidate.placement_problem(parent)
        if problem:
            self.add_error("slug" if "slug" in self.fields else None, problem)
        return cleaned


class PageRevisionInline(admin.TabularInline):
    model = PageRevision
    extra = 0
    fields = ("at", "by", "changed", "note")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("revisions")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(TreeAdmin):
    form = movenodeform_factory(
        Page,
        form=PageAdminForm,
        fields=(
            "title",
            "slug",
            "body",
            "featured_photo",
            "attachments",
            "seo_title",
            "meta_description",
            "status",
        ),
        widgets={"body": body_widget()},
    )
    list_display = ("title", "url_path", "status", "updated_at", "author")
    list_filter = ("status",)
    search_fields = ("title", "url_path")
    autocomplete_fields = ("featured_photo", "attachments")
    readonly_fields = ("url_path", "published_at", "author", "updated_at")
    inlines = (PageRevisionInline,)
    fieldsets = (
        (None, {"fields": ("title", "slug", "url_path", "body", "featured_photo", "attachments")}),
        (_("Place in the tree"), {"fields": ("treebeard_position", "treebeard_ref_node")}),
        (_("Publishing"), {"fields": ("status", "published_at", "author", "updated_at")}),
        (
            _("Search engines"),
            {"fields": ("seo_title", "meta_description"), "classes": ("collapse",)},
        ),
    )

    # -- who may see and do what: enforced here, on the server (articles' rules) ------

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or workflow.can_publish(request.user):
            return True
        return obj.author_id == request.user.pk and obj.status in workflow.WRITER_STATUSES

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return (
            obj is None
            or workflow.can_publish(request.user)
            # Deleting a page deletes its subtree, which may hold others' pages.
            or (
                obj.author_id == request.user.pk
                and obj.status == Page.Status.DRAFT
                and obj.is_leaf()
            )
        )  # (the roles give writers no delete_page: this is for groups made otherwise)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not workflow.can_publish(request.user) and "status" in form.base_fields:
            # A writer can only choose draft or review; anything else is a form error.
            form.base_fields["status"].choices = [
                (value, label)
                for value, label in Page.Status.choices
                if value in workflow.WRITER_STATUSES
            ]
        return form

    def save_model(self, request, obj, form, change):
        if not workflow.can_publish(request.user):
            previous = form.initial.get("status", Page.Status.DRAFT)
            if (
                obj.status not in workflow.WRITER_STATUSES
                or previous not in workflow.WRITER_STATUSES
            ):
                raise PermissionDenied
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        workflow.record_revision(page=form.instance, by=request.user)
