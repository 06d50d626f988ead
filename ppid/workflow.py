"""The PPID staff's workflow for requests and objections (UU 14/2008; Perki 1/2021).

A request: received -> in progress (someone takes it) -> extended (once, with a written
reason, before the first due date passes: UU KIP art. 22(8)) -> answered (with a
decision; a refusal cites article 17 and the consequence test) -> closed. An objection:
received -> in progress -> answered (the superior official's response) -> closed.

Each step is one function here, called by the admin (ppid/admin/): it refuses a step the
request is not ready for with a ValidationError whose message the staff read, records a
RequestStep (what the applicant sees on the status page, for requests) and an audit
event "ppid.<step>". The steps that tell the applicant something (extension, answer,
objection response) send the mail first and save only once it went out (letters.py).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record

from . import letters
from .models import (
    ANSWER_WORKING_DAYS,
    EXTENSION_WORKING_DAYS,
    InformationRequest,
    Objection,
    RequestStep,
)
from .workdays import add_working_days

Status = InformationRequest.Status
Decision = InformationRequest.Decision
# A partial grant withholds the rest under article 17: its basis is stated as a refusal's.
NEEDS_BASIS = (Decision.REFUSED, Decision.PARTLY_GRANTED)


def can_handle(user) -> bool:
    return user.has_perm("ppid.change_informationrequest")


def can_handle_objections(user) -> bool:
    return user.has_perm("ppid.change_objection")


# Requests ------------------------------------------------------------------------------


def take_refusal(info_request, *, by) -> str | None:
    if not info_request.is_open:
        return _("This request has been answered; there is nothing left to take.")
    if info_request.assigned_to_id == by.pk:
        return _("You are already handling this request.")
    return None


def extension_refusal(info_request, *, today=None) -> str | None:
    """Why the answer cannot be extended now, or None when it can."""
    today = today or timezone.localdate()
    if info_request.extended_due_date or info_request.status == Status.EXTENDED:
        return _("The answer can be extended only once.")
    if info_request.status == Status.RECEIVED:
        return _("Take the request first.")
    if info_request.status != Status.IN_PROGRESS:
        return _("Only a request in progress can be extended.")
    if today > info_request.due_date:
        return _(
            "The extension must be given within the first %(days)s working days; the due "
            "date (%(due)s) has passed. Answer the request now."
        ) % {"days": ANSWER_WORKING_DAYS, "due": info_request.due_date.strftime("%d-%m-%Y")}
    return None


def answer_refusal(info_request) -> str | None:
    if info_request.status == Status.RECEIVED:
        return _("Take the request first.")
    if not info_request.is_open:
        return _("This request has already been answered.")
    return None


def close_refusal(info_request) -> str | None:
    if info_request.status != Status.ANSWERED:
        return _("Only an answered request can be closed.")
    return None


def allowed_steps(info_request, *, user, today=None) -> list[str]:
    """The steps this staff member may take on this request now (the admin's buttons)."""
    if not can_handle(user):
        return []
    refusals = {
        "take": take_refusal(info_request, by=user),
        "extend": extension_refusal(info_request, today=today),
        "answer": answer_refusal(info_request),
        "close": close_refusal(info_request),
    }
    return [step for step, refusal in refusals.items() if refusal is None]


def refuse_if(refusal):
    if refusal:
        raise ValidationError(refusal, code="not_allowed")


def locked(info_request) -> InformationRequest:
    """The request as stored now, locked until the transaction ends (two staff members
    clicking at once: the second one sees the first one's step)."""
    return InformationRequest.objects.select_for_update().get(pk=info_request.pk)


def add_step(info_request, *, by, note="", is_public=True) -> RequestStep:
    return RequestStep.objects.create(
        request=info_request, status=info_request.status, note=note, is_public=is_public, by=by
    )


@transaction.atomic
def take(*, info_request, by) -> InformationRequest:
    """Assign the request to `by`: a received request is then in progress; one in
    progress is taken over (the applicant sees no new step)."""
    current = locked(info_request)
    refuse_if(take_refusal(current, by=by))
    previous = current.assigned_to
    first = current.status == Status.RECEIVED
    current.assigned_to = by
    if first:
        current.status = Status.IN_PROGRESS
    current.full_clean()
    current.save(update_fields=["assigned_to", "status"])
    note = "" if first else _("Taken over from %(name)s.") % {"name": previous or "-"}
    add_step(current, by=by, note=note, is_public=first)
    record("ppid.take", actor=by, target=current, details={"status": current.status})
    return current


def extend(*, info_request, reason, by, site_url, today=None) -> InformationRequest:
    """Extend the answer by EXTENSION_WORKING_DAYS working days after the first due
    date, and tell the applicant why and until when."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Write the reason for the extension: the applicant receives it."), code="reason"
        )
    refuse_if(extension_refusal(info_request, today=today))
    info_request.extended_due_date = add_working_days(info_request.due_date, EXTENSION_WORKING_DAYS)
    info_request.extension_reason = reason
    info_request.status = Status.EXTENDED
    info_request.full_clean()
    mail = letters.message(
        "extension",
        to=[info_request.email],
        context={"info_request": info_request, **letters.public_links(site_url)},
    )
    mail.send()
    with transaction.atomic():
        current = locked(info_request)
        current.extended_due_date = info_request.extended_due_date
        current.extension_reason = reason
        current.status = Status.EXTENDED
        current.save(update_fields=["extended_due_date", "extension_reason", "status"])
        add_step(current, by=by, note=reason)
        record(
            "ppid.extend",
            actor=by,
            target=current,
            details={"due_date": current.due_date, "extended_due_date": current.extended_due_date},
        )
    return current


def answer(
    *,
    info_request,
    decision,
    answer,
    by,
    site_url,
    refusal_basis="",
    forwarded_to="",
    letter=None,
    documents=(),
) -> InformationRequest:
    """Answer the request: the letter (`answer`, and the signed `letter` PDF when there
    is one) and the `documents` go to the applicant by mail (letters.enclosures), and
    the mail's text is kept as the answered step."""
    refuse_if(answer_refusal(info_request))
    answer = (answer or "").strip()
    refusal_basis = (refusal_basis or "").strip() if decision in NEEDS_BASIS else ""
    forwarded_to = (forwarded_to or "").strip() if decision == Decision.FORWARDED else ""
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = _("Choose the decision.")
    if not answer:
        errors["answer"] = _("Write the answer: it is the letter the applicant receives.")
    if decision in NEEDS_BASIS and not refusal_basis:
        errors["refusal_basis"] = _(
            "Give the legal basis: the clause of UU KIP article 17 and the consequence test."
        )
    if decision == Decision.FORWARDED and not forwarded_to:
        errors["forwarded_to"] = _("Name the public body the request is forwarded to.")
    if errors:
        raise ValidationError(errors)
    documents = list(documents)
    now = timezone.now()
    info_request.decision = decision
    info_request.answer = answer
    info_request.refusal_basis = refusal_basis
    info_request.forwarded_to = forwarded_to
    info_request.status = Status.ANSWERED
    info_request.answered_at = now
    info_request.full_clean(exclude=["answer_letter"])
    letter_name = f"surat-jawaban-{info_request.number.replace('/', '-')}.pdf"
    enclosed = letters.enclosures(
        letter=letter, letter_name=letter_name, documents=documents, site_url=site_url
    )
    context = {
        "info_request": info_request,
        "enclosed": enclosed,
        "letter_name": letter_name if letter is not None else "",
        **letters.public_links(site_url),
    }
    mail = letters.message(
        "answer", to=[info_request.email], context=context, attachments=enclosed.attachments
    )
    mail.send()
    with transaction.atomic():
        current = locked(info_request)
        for name in ("decision", "answer", "refusal_basis", "forwarded_to", "status"):
            setattr(current, name, getattr(info_request, name))
        current.answered_at = now
        if letter is not None:
            letter.seek(0)
            current.answer_letter.save(letter_name, letter, save=False)
        current.save()
        current.documents.set(documents)
        add_step(current, by=by, note=mail.body)
        record(
            "ppid.answer",
            actor=by,
            target=current,
            details={
                "decision": decision,
                "documents": [doc.pk for doc in documents],
                "attached": [doc.pk for doc in enclosed.attached],
                "linked": [doc.pk for doc, _url in enclosed.linked],
                "letter": bool(letter),
                "bytes": enclosed.size,
            },
        )
    return current


@transaction.atomic
def close(*, info_request, by) -> InformationRequest:
    current = locked(info_request)
    refuse_if(close_refusal(current))
    current.status = Status.CLOSED
    current.closed_at = timezone.now()
    current.full_clean()
    current.save(update_fields=["status", "closed_at"])
    add_step(current, by=by)
    record("ppid.close", actor=by, target=current)
    return current


# Objections ----------------------------------------------------------------------------

ObjectionStatus = Objection.Status


def objection_take_refusal(objection) -> str | None:
    if objection.status != ObjectionStatus.RECEIVED:
        return _("This objection is already being handled.")
    return None


def objection_response_refusal(objection) -> str | None:
    if objection.status == ObjectionStatus.RECEIVED:
        return _("Take the objection first.")
    if objection.status != ObjectionStatus.IN_PROGRESS:
        return _("This objection has already been responded to.")
    return None


def objection_close_refusal(objection) -> str | None:
    if objection.status != ObjectionStatus.ANSWERED:
        return _("Only an objection that has been responded to can be closed.")
    return None


def allowed_objection_steps(objection, *, user) -> list[str]:
    if not can_handle_objections(user):
        return []
    refusals = {
        "take": objection_take_refusal(objection),
        "respond": objection_response_refusal(objection),
        "close": objection_close_refusal(objection),
    }
    return [step for step, refusal in refusals.items() if refusal is None]


def locked_objection(objection) -> Objection:
    return Objection.objects.select_for_update().get(pk=objection.pk)


@transaction.atomic
def take_objection(*, objection, by) -> Objection:
    current = locked_objection(objection)
    refuse_if(objection_take_refusal(current))
    current.status = ObjectionStatus.IN_PROGRESS
    current.full_clean()
    current.save(update_fields=["status"])
    record("ppid.objection_take", actor=by, target=current)
    return current


def respond_to_objection(*, objection, official, decision, response, by, site_url) -> Objection:
    """The superior official's written response, mailed to the applicant."""
    refuse_if(objection_response_refusal(objection))
    official, response = (official or "").strip(), (response or "").strip()
    errors = {}
    if not official:
        errors["official"] = _("Name the superior official who decided.")
    if decision not in Objection.Decision.values:
        errors["decision"] = _("Choose the decision.")
    if not response:
        errors["response"] = _("Write the response: the applicant receives it.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    objection.official, objection.decision, objection.response = official, decision, response
    objection.status = ObjectionStatus.ANSWERED
    objection.responded_at = now
    objection.full_clean()
    info_request = objection.request
    mail = letters.message(
        "objection_response",
        to=[info_request.email],
        context={
            "objection": objection,
            "info_request": info_request,
            **letters.public_links(site_url),
        },
    )
    mail.send()
    with transaction.atomic():
        current = locked_objection(objection)
        for name in ("official", "decision", "response", "status", "responded_at"):
            setattr(current, name, getattr(objection, name))
        current.save(update_fields=["official", "decision", "response", "status", "responded_at"])
        record(
            "ppid.objection_respond",
            actor=by,
            target=current,
            details={"decision": decision, "request": info_request.number},
        )
    return current


@transaction.atomic
def close_objection(*, objection, by) -> Objection:
    current = locked_objection(objection)
    refuse_if(objection_close_refusal(current))
    current.status = ObjectionStatus.CLOSED
    current.closed_at = timezone.now()
    current.full_clean()
    current.save(update_fields=["status", "closed_at"])
    record("ppid.objection_close", actor=by, target=current)
    return current
