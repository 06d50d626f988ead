import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send(template, *, to, context) -> bool:
    """Send templates/accounts/email/<template>_subject.txt and _body.txt; never raises.

    A mail server that is down must not turn a form into a 500, nor tell the visitor
    anything about the address; the failure is logged for the operators.
    """
    context = {"site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
    body = render_to_string(f"accounts/email/{template}_body.txt", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to]
    )
    try:
        message.send()
    except Exception:
        logger.exception("could not send %s mail", template)
        return False
    return True
