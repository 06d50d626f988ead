from django import forms
from django.contrib import admin
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .. import comments
from ..models import (
    Comment,
    CommentReport,
)


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ("reason", "reporter", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class HideCommentsForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("Recorded with the comment, for the other editors."),
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("excerpt", "article", "author", "status", "created_at", "report_count")
    list_filter = ("status", "created_at", ("reports", admin.EmptyFieldListFilter))
    list_select_related = ("article", "user")
    search_fields = (
        "body", "user__email", "user__display_name", "author_name", "article__title",
    )  # fmt: skip
    date_hierarchy = "created_at"
    readonly_fields = (
        "article", "user", "author_name", "created_at", "moderated_by", "moderated_at",
    )  # fmt: skip
    fields = (
        "article",
        "user",
        "author_name",
        "created_at",
        "body",
        "status",
        "moderation_reason",
        "moderated_by",
        "moderated_at",
    )
    inlines = (CommentReportInline,)
    actions = ("approve", "hide", "mark_spam")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(num_reports=Count("reports"))
            .order_by("-created_at", "-pk")
        )

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("reader"), ordering="user__display_name")
    def author(self, obj):
        if obj.user:
            return obj.user.public_name
        return obj.author_name or _("Deleted user")

    @admin.display(description=_("reports"), ordering="num_reports")
    def report_count(self, obj):
        return obj.num_reports

    def has_add_permission(self, request):
        return False  # comments come from readers

    @admin.action(description=_("Approve the selected comments"), permissions=("change",))
    def approve(self, request, queryset):
        count = comments.moderate(queryset, status=Comment.Status.APPROVED, editor=request.user)
        self.message_user(request, _("%(count)s comments approved.") % {"count": count})

    @admin.action(description=_("Mark the selected comments as spam"), permissions=("change",))
    def mark_spam(self, request, queryset):
        count = comments.moderate(
            queryset, status=Comment.Status.SPAM, editor=request.user, reason=_("Spam")
        )
        self.message_user(request, _("%(count)s comments marked as spam.") % {"count": count})

    @admin.action(description=_("Hide the selected comments…"), permissions=("change",))
    def hide(self, request, queryset):
        """Asks for the reason first, like the delete action asks for confirmation."""
        form = HideCommentsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = comments.moderate(
                queryset,
                status=Comment.Status.HIDDEN,
                editor=request.user,
                reason=form.cleaned_data["reason"],
            )
            self.message_user(request, _("%(count)s comments hidden.") % {"count": count})
            return None
        return TemplateResponse(
            request,
            "admin/articles/comment/hide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Hide comments"),
                "form": form,
                "comments": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def save_model(self, request, obj, form, change):
        # An editor's edit (allowed by the cyber-media guideline) is recorded as theirs.
        if change and form.changed_data:
            obj.moderated_by = request.user
            obj.moderated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ("comment", "reason", "reporter", "created_at")
    list_filter = ("reason", "created_at")
    list_select_related = ("comment", "reporter")
    search_fields = ("comment__body",)
    readonly_fields = ("comment", "reporter", "reason", "created_at")

    def has_add_permission(self, request):
        return False
