"""What writes entries besides auditlog's model signals: sign-in and sign-out, failed
sign-ins, lockouts, second factors added and removed. And the finishing touches on every
entry: who and from where (the request being served), and its event name."""

from axes.signals import user_locked_out
from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from audit.context import current_request
from audit.events import record, set_actor, set_address
from audit.models import Entry
from audit.registry import event_for_change

USERNAME_MAX = 150


@receiver(pre_save, sender=Entry, dispatch_uid="audit_entry_who_where_what")
def fill_in_entry(sender, instance, raw=False, **kwargs):
    """An entry written while a request is served (a model changed in the admin) gets that
    request's signed-in user and client address, unless it has them already; a model
    change that is also an event (an article published) gets the event's name."""
    if raw or not instance._state.adding:
        return
    if not instance.event and instance.action != Entry.Action.EVENT:
        instance.event = event_for_change(instance)
    if instance.actor_id is not None and not instance.actor_username:
        set_actor(instance, instance.actor)
    request = current_request.get()
    if request is None:
        return
    if instance.actor_id is None:
        set_actor(instance, getattr(request, "user", None))
    if instance.remote_addr is None:
        set_address(instance, request)


@receiver(user_logged_in, dispatch_uid="audit_login")
def signed_in(sender, request, user, **kwargs):
    record("auth.login", request=request, actor=user, target=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record("auth.logout", request=request, actor=user, target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    """The name typed (never the password: Django has already blanked it)."""
    typed = str(credentials.get("username", "") or credentials.get("email", ""))
    record(
        "auth.login_failed",
        request=request,
        details={"username": typed[:USERNAME_MAX]},
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def locked_out(sender, request, username, ip_address, **kwargs):
    """The name typed, and the name django-axes locked (one account is one name there)."""
    typed = request.POST.get("username", "") if request is not None else ""
    record(
        "auth.lockout",
        request=request,
        details={
            "username": str(typed or username or "")[:USERNAME_MAX],
            "locked": str(username or "")[:USERNAME_MAX],
        },
    )


def connect_device_signals() -> None:
    """otp.enrol and otp.removed for every kind of django-otp device installed."""
    if not apps.is_installed("django_otp"):
        return
    from django_otp.models import Device

    for model in apps.get_models():
        if issubclass(model, Device):
            post_save.connect(device_saved, sender=model, dispatch_uid=f"audit_enrol_{model}")
            post_delete.connect(device_deleted, sender=model, dispatch_uid=f"audit_removed_{model}")


def device_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and getattr(instance, "confirmed", True):
        record("otp.enrol", actor=None, target=instance.user, details=describe(instance))


def device_deleted(sender, instance, **kwargs):
    record("otp.removed", target=instance.user, details=describe(instance))


def describe(device) -> dict:
    return {"device": type(device).__name__, "name": str(getattr(device, "name", ""))[:100]}
