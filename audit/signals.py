from django.db.models.signals import pre_save
from django.dispatch import receiver

from audit.context import current_request
from audit.events import set_actor, set_address
from audit.models import Entry


@receiver(pre_save, sender=Entry, dispatch_uid="audit_entry_who_and_where")
def fill_in_who_and_where(sender, instance, raw=False, **kwargs):
    """An entry written while a request is served (a model changed in the admin) gets that
    request's signed-in user and client address, unless it has them already."""
    if raw or not instance._state.adding:
        return
    request = current_request.get()
    if request is None:
        return
    if instance.actor_id is None:
        set_actor(instance, getattr(request, "user", None))
    if instance.remote_addr is None:
        set_address(instance, request)
