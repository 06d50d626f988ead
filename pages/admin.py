"""The page tree in the admin: treebeard's TreeAdmin (drag and drop, or a place chosen in
the form), the articles' editor and workflow rules, enforced here on the server."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
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

    # -- revisions: compare two, restore one (the articles' page and template) --------

    def get_urls(self):
        revisions = path(
            "<path:object_id>/revisi/",
            self.admin_site.admin_view(self.revisions_view),
            name="pages_page_revisions",
        )
        return [revisions, *super().get_urls()]

    def revisions_view(self, request, object_id):
        page = self.get_object(request, object_id)
        if not self.has_view_or_change_permission(request, page):
            raise PermissionDenied
        revisions = list(page.revisions.select_related("by"))
        if request.method == "POST":
            if not self.has_change_permission(request, page):
                raise PermissionDenied
            revision = get_object_or_404(page.revisions, pk=request.POST.get("restore"))
            workflow.restore_revision(page=page, revision=revision, by=request.user)
            self.message_user(request, _("Revision #%(n)s restored.") % {"n": revision.pk})
            return redirect("admin:pages_page_change", page.pk)
        by_id = {str(r.pk): r for r in revisions}
        newer = by_id.get(request.GET.get("b")) or (revisions[0] if revisions else None)
        older = by_id.get(request.GET.get("a")) or (revisions[1] if len(revisions) > 1 else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": page,
            "title": _("Revisions of “%(title)s”") % {"title": page.title},
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "changes": workflow.diff(older.data, newer.data) if older and newer else [],
            "can_restore": self.has_change_permission(request, page),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)
