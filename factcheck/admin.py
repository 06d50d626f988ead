"""The clarification is written with its article: an inline on the article's admin page.

articles knows nothing of this app, so the inline is added to the article admin that
articles registered (AdminSite.get_model_admin), beside the inlines other apps add.
It shows when adding an article (the type is chosen on the same form) and on articles
of type "Hoax clarification"; the formset refuses a clarification for another type, and
a clarification published without its claim and verdict.
"""

from django import forms
from django.contrib import admin
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .models import Clarification


class ClarificationFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form posted without this inline (a page opened before it existed, a script
        # that posts articles) leaves the clarification as it is, as for the type field.
        self.posted = not self.is_bound or self.add_prefix(TOTAL_FORM_COUNT) in self.data
        if not self.posted:
            self.data = self.data.copy()
            self.data[self.add_prefix(TOTAL_FORM_COUNT)] = "0"
            self.data[self.add_prefix(INITIAL_FORM_COUNT)] = "0"

    def clean(self):
        super().clean()
        if not self.posted:
            return
        article = self.instance  # with the posted type and status already applied
        kept = [
            form
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]
        if article.kind != Article.Kind.CLARIFICATION:
            if kept:
                raise forms.ValidationError(
                    _(
                        "The claim and verdict belong to articles of type “Hoax "
                        "clarification”: choose that type, or leave them empty (or delete them)."
                    ),
                    code="not_a_clarification",
                )
            return
        if article.status == Article.Status.PUBLISHED and not kept:
            raise forms.ValidationError(
                _("A hoax clarification needs its claim, verdict and evidence before publishing."),
                code="clarification_missing",
            )


class ClarificationInline(admin.StackedInline):
    model = Clarification
    formset = ClarificationFormSet
    extra = 1
    max_num = 1
    verbose_name = _("hoax clarification")
    verbose_name_plural = _("hoax clarification: the claim and the verdict")
    fieldsets = (
        (
            None,
            {
                "description": _("Only for articles of type “Hoax clarification”."),
                "fields": ("claim", ("platform", "platform_detail"), "first_seen", "claim_links"),
            },
        ),
        (None, {"fields": ("verdict", "evidence", "sources")}),
    )

    @staticmethod
    def applies(obj):
        return obj is None or obj.kind == Article.Kind.CLARIFICATION

    def has_view_permission(self, request, obj=None):
        return self.applies(obj) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self.applies(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.applies(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.applies(obj) and super().has_delete_permission(request, obj)


article_admin = admin.site.get_model_admin(Article)
if ClarificationInline not in article_admin.inlines:
    article_admin.inlines = (*article_admin.inlines, ClarificationInline)
