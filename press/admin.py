from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.events import record
from mailing.models import Subscriber

from . import services
from .models import Journalist


class JournalistForm(forms.ModelForm):
    """Editors name the reader by the email of their account: they need no access to
    the accounts themselves, and the list of readers is never shown."""

    account_email = forms.EmailField(
        label=_("Email of the reader's account"),
        help_text=_("The journalist registers a reader account first, on the site."),
    )

    class Meta:
        model = Journalist
        fields = ("outlet", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["account_email"]

    def clean_account_email(self):
        email = self.cleaned_data["account_email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active account has this email address."), code="no_account"
            )
        if Journalist.objects.filter(user=user).exists():
            raise forms.ValidationError(
                _("This account is already registered as press."), code="duplicate"
            )
        self.instance.user = user
        return email


class ApprovedFilter(admin.SimpleListFilter):
    title = _("approved")
    parameter_name = "approved"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("Waiting for approval")))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(approved_at__isnull=self.value() == "no")
        return queryset


@admin.register(Journalist)
class JournalistAdmin(admin.ModelAdmin):
    form = JournalistForm
    list_display = ("user", "email", "outlet", "approved_at", "approved_by", "active", "subscribed")
    list_filter = (ApprovedFilter, "active")
    search_fields = ("user__email", "user__username", "user__display_name", "outlet")
    list_select_related = ("user", "approved_by")
    readonly_fields = ("user", "approved_by", "approved_at", "created_at")
    actions = ("approve",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("account_email", "outlet", "active")
        return ("user", "outlet", "active", "approved_by", "approved_at", "created_at")

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("receives releases"), boolean=True)
    def subscribed(self, obj):
        return Subscriber.objects.on_list(services.LIST_KEY).active().filter(user=obj.user).exists()

    def save_model(self, request, obj, form, change):
        # An editor who adds a journalist vouches for them: added is approved.
        newly_approved = obj.approved_at is None and obj.active
        if newly_approved:
            obj.approved_at = timezone.now()
            obj.approved_by = request.user
        super().save_model(request, obj, form, change)
        if newly_approved:
            record_approval(request, obj)

    @admin.action(description=_("Approve the selected journalists"), permissions=("change",))
    def approve(self, request, queryset):
        waiting = list(queryset.filter(approved_at__isnull=True).select_related("user"))
        for journalist in waiting:
            journalist.approved_at = timezone.now()
            journalist.approved_by = request.user
            journalist.active = True
            journalist.save()
            record_approval(request, journalist)
        self.message_user(
            request,
            ngettext(
                "%(count)d journalist approved.", "%(count)d journalists approved.", len(waiting)
            ) % {"count": len(waiting)},
            messages.SUCCESS,
        )  # fmt: skip


def record_approval(request, journalist):
    record(
        "press.journalist_approved",
        request=request,
        target=journalist,
        details={"account": journalist.user.email, "outlet": journalist.outlet},
    )
