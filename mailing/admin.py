from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.events import record

from .models import Delivery, Subscriber


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


class UnsubscribedFilter(ConfirmedFilter):
    title = _("unsubscribed")
    parameter_name = "unsubscribed"

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(unsubscribed_at__isnull=self.value() == "no")
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "list_key", "user", "confirmed_at", "unsubscribed_at", "created_at")
    list_filter = ("list_key", ConfirmedFilter, UnsubscribedFilter)
    search_fields = ("email", "user__username", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    # The record of consent is what the subscriber did; staff read it, never rewrite it.
    readonly_fields = (
        "list_key", "email", "user", "consent_text", "consent_at", "confirmed_at",
        "unsubscribed_at", "language", "created_at",
    )  # fmt: skip
    fields = (*readonly_fields, "options")

    def has_add_permission(self, request):
        # Only the address's owner subscribes it (double opt-in).
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "message_key", "subscriber", "status", "attempts", "claimed_at", "sent_at", "error",
    )  # fmt: skip
    list_filter = ("status", "subscriber__list_key")
    search_fields = ("message_key", "subscriber__email")
    list_select_related = ("subscriber",)
    date_hierarchy = "created_at"
    actions = ("queue_again",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: what happened to each mail is a record (the action below is the
        # one decision staff take, and it needs the change permission).
        return obj is None and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(
        description=_("Send again (for deliveries stuck in “sending” or failed)"),
        permissions=("change",),
    )
    def queue_again(self, request, queryset):
        """A delivery left "sending" by a crash may or may not have reached its
        subscriber; nothing re-sends it unless staff decide to, here."""
        chosen = queryset.filter(status__in=(Delivery.Status.SENDING, Delivery.Status.FAILED))
        deliveries = list(chosen.select_related("subscriber"))
        for delivery in deliveries:
            delivery.status = Delivery.Status.PENDING
            delivery.save(update_fields=["status"])
            record(
                "mailing.delivery_requeued",
                request=request,
                target=delivery,
                details={"message": delivery.message_key, "email": delivery.subscriber.email},
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.",
                len(deliveries),
            ) % {"count": len(deliveries)},
            messages.SUCCESS,
        )  # fmt: skip
