"""The PPID's mail to applicants and to its staff: rendered in Indonesian from
ppid/templates/ppid/email/<name>_subject.txt and _body.txt, and the answer's enclosures
(the signed letter and the documents, within PPID_MAX_ATTACHMENT_MB).

An answer or an extension counts when the applicant has been told (UU KIP art. 22), so
the workflow sends those first and saves only when the mail went out (workflow.py); a
mail server that refuses is a message to the staff, and nothing changes.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from documents.checks import CONTENT_TYPES

logger = logging.getLogger(__name__)

MB = 1024 * 1024


def render(template, context) -> tuple[str, str]:
    """Subject and body, in the site's language whatever the staff member's."""
    context = {"site_name": settings.SITE_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"ppid/email/{template}_subject.txt", context)
        body = render_to_string(f"ppid/email/{template}_body.txt", context)
    return " ".join(subject.split()), body


def message(template, *, to, context, attachments=()) -> EmailMessage:
    subject, body = render(template, context)
    mail = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    for name, content, mimetype in attachments:
        mail.attach(name, content, mimetype)
    return mail


def send_quietly(mail: EmailMessage) -> bool:
    """For mail that follows a change already saved (an objection's receipt): a mail
    server that is down must not turn the citizen's form into a 500."""
    try:
        mail.send()
    except Exception:
        logger.exception("could not send PPID mail %r", mail.subject)
        return False
    return True


def site_address(site_url: str, path: str) -> str:
    return f"{site_url}{path}"


def public_links(site_url: str) -> dict:
    return {
        "status_url": site_address(site_url, reverse("ppid:status")),
        "objection_url": site_address(site_url, reverse("ppid:objection")),
    }


# The answer's enclosures ------------------------------------------------------------


@dataclass
class Enclosures:
    attachments: list = field(default_factory=list)  # (name, bytes, content type)
    attached: list = field(default_factory=list)  # the documents attached
    linked: list = field(default_factory=list)  # (document, its public address)
    size: int = 0


def budget() -> int:
    return settings.PPID_MAX_ATTACHMENT_MB * MB


def enclosures(*, letter=None, letter_name="", documents=(), site_url="") -> Enclosures:
    """The signed letter first, then the unpublished documents (the mail is their only
    way to the applicant: they must fit), then the published ones, smallest first, while
    they fit; the others are linked to their public page. ValidationError when the
    letter and the unpublished documents alone are over the ceiling."""
    result = Enclosures()
    limit = budget()
    if letter is not None:
        letter.seek(0)
        result.attachments.append((letter_name, letter.read(), "application/pdf"))
        result.size += letter.size
    private = [doc for doc in documents if not doc.is_published]
    public = sorted((doc for doc in documents if doc.is_published), key=lambda d: d.file_size)
    needed = result.size + sum(doc.file_size for doc in private)
    if needed > limit:
        raise ValidationError(
            _(
                "The signed letter and the unpublished documents come to %(size)s, over the "
                "%(limit)s a mail may carry. Publish the documents that may be public (they "
                "are then sent as links), or choose fewer."
            ),
            code="too_large",
            params={"size": filesizeformat(needed), "limit": filesizeformat(limit)},
        )
    for doc in [*private, *public]:
        if doc.is_published and result.size + doc.file_size > limit:
            result.linked.append(
                (doc, site_address(site_url, doc.get_absolute_url()))
            )  # fmt: skip
            continue
        with doc.file.open("rb") as handle:
            content = handle.read()
        content_type = CONTENT_TYPES.get(doc.file_type, "application/octet-stream")
        result.attachments.append((doc.filename, content, content_type))
        result.attached.append(doc)
        result.size += len(content)
    return result
