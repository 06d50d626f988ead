"""The article admin's side of the workflow: who may see and do what, saving through the
workflow (status changes, revisions), the publish actions, and the history, revisions and
preview pages. ArticleAdmin (articles.py) takes it as a mixin."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import workflow
from ..models import Article, ArticleNote


class ArticleWorkflowMixin:
    """Mixed into ArticleAdmin before admin.ModelAdmin, whose methods these extend."""

    # -- who may see and do what: enforced here, on the server ----------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not workflow.can_publish(request.user):
            queryset = queryset.filter(author=request.user)  # writers see their own work
        return queryset

    def get_object(self, request, object_id, from_field=None):
        # Another writer's article is "not found", for the change, delete and history
        # pages alike (the admin would otherwise redirect with a message).
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
            or (obj.author_id == request.user.pk and obj.status == Article.Status.DRAFT)
        )

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not workflow.can_publish(request.user):
            fields = (*fields, "published_at", "author", "slug", "takedown_reason")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        # The slug is read-only for writers, so there is no field to fill in.
        if not workflow.can_publish(request.user):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if workflow.can_publish(request.user):
            return fieldsets
        hidden = {"workflow_comment", "takedown_reason"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not workflow.can_publish(request.user) and "status" in form.base_fields:
            # A writer can only choose draft or review; anything else is a form error.
            form.base_fields["status"].choices = [
                (value, label)
                for value, label in Article.Status.choices
                if value in workflow.WRITER_STATUSES
            ]
        return form

    def save_model(self, request, obj, form, change):
        if not workflow.can_publish(request.user):
            previous = form.initial.get("status", Article.Status.DRAFT)
            if (
                obj.status not in workflow.WRITER_STATUSES
                or previous not in workflow.WRITER_STATUSES
            ):
                raise PermissionDenied
        if not change and obj.author_id is None:
            obj.author = request.user
        self._previous_status = (
            Article.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        for formset in formsets:
            for note in getattr(formset, "new_objects", []):
                if isinstance(note, ArticleNote) and note.created_by_id is None:
                    note.created_by = request.user
                    note.save(update_fields=["created_by"])
        if self._previous_status is not None:
            workflow.record_transition(
                article=article,
                from_status=self._previous_status,
                by=request.user,
                comment=form.cleaned_data.get("workflow_comment", ""),
            )
        workflow.record_revision(article=article, by=request.user)

    @admin.action(description=_("Publish the selected articles"), permissions=("publish",))
    def publish_selected(self, request, queryset):
        changed = workflow.set_status(
            articles=queryset, status=Article.Status.PUBLISHED, by=request.user
        )
        self.message_user(request, _("%(count)s articles published.") % {"count": len(changed)})
        skipped = queryset.count() - len(changed)
        if skipped:
            self.message_user(
                request,
                _(
                    "%(count)s articles were not published: their photos lack alt text or a photographer."  # noqa: E501
                )
                % {"count": skipped},
                level="warning",
            )

    @admin.action(description=_("Unpublish the selected articles"), permissions=("publish",))
    def unpublish_selected(self, request, queryset):
        changed = workflow.set_status(
            articles=queryset, status=Article.Status.UNPUBLISHED, by=request.user
        )
        self.message_user(request, _("%(count)s articles unpublished.") % {"count": len(changed)})

    # -- history, revisions and preview ----------------------------------------------

    @admin.display(description=_("history"))
    def workflow_history(self, obj):
        if not obj.pk:
            return "—"
        transitions = obj.transitions.select_related("by")[:20]
        if not transitions:
            return _("No status changes yet.")
        return format_html_join(
            "", "<p>{} · {} · {}{}</p>",
            (
                (
                    timezone.localtime(t.at).strftime("%d-%m-%Y %H:%M"),
                    t.by or "—",
                    t,
                    format_html(": <em>{}</em>", t.comment) if t.comment else "",
                )
                for t in transitions
            ),
        )  # fmt: skip

    def revisions_view(self, request, object_id):
        """Every saved version, the difference between two, and restoring one."""
        article = self.get_object(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        revisions = list(article.revisions.select_related("by"))
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            revision = get_object_or_404(article.revisions, pk=request.POST.get("restore"))
            workflow.restore_revision(article=article, revision=revision, by=request.user)
            self.message_user(request, _("Revision #%(n)s restored.") % {"n": revision.pk})
            return redirect("admin:articles_article_change", article.pk)
        by_id = {str(r.pk): r for r in revisions}
        newer = by_id.get(request.GET.get("b")) or (revisions[0] if revisions else None)
        older = by_id.get(request.GET.get("a")) or (revisions[1] if len(revisions) > 1 else None)
        changes = workflow.diff(older.data, newer.data) if older and newer else []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Revisions of “%(title)s”") % {"title": article.title},
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "changes": changes,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def preview_view(self, request, object_id):
        """Open the article as readers would see it, through a signed, expiring link."""
        article = self.get_object(request, object_id)
        url = f"{article.get_absolute_url()}?pratinjau={workflow.preview_token(article)}"
        return redirect(url)
