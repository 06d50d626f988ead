"""The article change form's parts: the form itself, the gallery and the notes."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..editor import body_widget
from ..models import Article, ArticleNote, GalleryItem
from .common import TagSuggestWidget, thumbnail


class ArticleNoteInline(admin.StackedInline):
    model = ArticleNote
    extra = 0
    fields = ("kind", "published_at", "text")
    verbose_name = _("correction, clarification or right of reply")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("articles.add_articlenote")


class ArticleAdminForm(forms.ModelForm):
    workflow_comment = forms.CharField(
        label=_("Note for the writer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("When sending the article back to draft: what should change."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tags" in self.fields:
            self.fields["tags"].help_text = _("Separate tags with commas.")
        if "kind" in self.fields:
            # A form posted without it (an older page still open) keeps the article's type.
            self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.instance.kind or Article.Kind.NEWS

    class Meta:
        model = Article
        fields = (
            "kind",
            "title",
            "dateline",
            "lead",
            "body",
            "category",
            "tags",
            "featured_photo",
            "photo_credit_text",
            "status",
            "published_at",
            "slug",
            "author",
            "takedown_reason",
        )
        widgets = {
            "tags": TagSuggestWidget(attrs={"size": 60}),
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": body_widget(),
        }


class GalleryInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        article = self.instance
        if article.status != Article.Status.PUBLISHED:
            return
        photos = [article.featured_photo] if article.featured_photo_id else []
        photos += [
            form.cleaned_data["photo"]
            for form in self.forms
            if form.cleaned_data.get("photo") and not form.cleaned_data.get("DELETE")
        ]
        problems = article.photo_problems(photos)
        if problems:
            raise forms.ValidationError(
                [_("The article cannot be published yet:"), *problems], code="photo_problems"
            )


class GalleryInline(admin.TabularInline):
    model = GalleryItem
    formset = GalleryInlineFormSet
    extra = 1
    autocomplete_fields = ("photo",)
    fields = ("order", "photo", "photo_preview")
    readonly_fields = ("photo_preview",)

    @admin.display(description=_("preview"))
    def photo_preview(self, obj):
        return thumbnail(obj.photo) if obj.pk else "—"
