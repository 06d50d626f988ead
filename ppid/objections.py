"""Objections (keberatan, UU 14/2008 art. 35-36): the public form at /ppid/keberatan/,
when one may be filed, and its registration.

An applicant may object within OBJECTION_FILING_WORKING_DAYS working days of the answer
or, when none came, of the (extended) due date that passed without one; the superior
official then has OBJECTION_ANSWER_WORKING_DAYS working days to respond. The form asks
for the request's number and email, and says the same whichever of them is wrong.
"""

from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from audit.events import record
from humas import throttle
from humas.clientip import address_group, client_ip
from humas.links import absolute_url

from . import letters
from .forms import StatusForm
from .models import (
    OBJECTION_ANSWER_WORKING_DAYS,
    OBJECTION_FILING_WORKING_DAYS,
    InformationRequest,
    Objection,
)
from .services import take_number
from .workdays import add_working_days

CASE_MAX = 4000
FILED_KEY = "ppid_objection_filed"


class ObjectionForm(StatusForm):
    grounds = forms.ChoiceField(
        label=gettext_lazy("Grounds of the objection"),
        choices=Objection.Grounds.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The grounds UU 14/2008 article 35(1) lists."),
    )
    case = forms.CharField(
        label=gettext_lazy("The case"),
        max_length=CASE_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("What happened, and what you ask the superior official to do."),
    )

    def clean_case(self):
        return self.cleaned_data["case"].strip()


def objection_number(year: int) -> str:
    """KEB-2026-00012: the year's own sequence, beside the requests' PPID-2026-00123."""
    return f"KEB-{year}-{take_number(f'keberatan-{year}'):05d}"


def filing_window(info_request, *, today):
    """(first day, last day) an objection may be filed, or None while the request is
    still within its deadline without an answer."""
    if info_request.answered_at:
        start = timezone.localdate(info_request.answered_at)
    elif info_request.current_due_date < today:
        start = info_request.current_due_date
    else:
        return None
    return start, add_working_days(start, OBJECTION_FILING_WORKING_DAYS)


def filing_refusal(info_request, *, today) -> str | None:
    """Why no objection can be filed against this request today, or None."""
    current = info_request.objections.open().only("number").first()
    if current is not None:
        return _(
            "An objection against this request is already being handled (number "
            "%(number)s). Its response will come by email and on the status page."
        ) % {"number": current.number}
    window = filing_window(info_request, today=today)
    if window is None:
        return _(
            "This request is still within its deadline (the answer is due on %(due)s). An "
            "objection can be filed once it is answered, or if that day passes without "
            "an answer."
        ) % {"due": info_request.current_due_date.strftime("%d-%m-%Y")}
    start, last = window
    if today > last:
        return _(
            "The time for an objection has passed: it may be filed within %(days)s working "
            "days of the answer or of the missed deadline (%(start)s); the last day was "
            "%(last)s."
        ) % {
            "days": OBJECTION_FILING_WORKING_DAYS,
            "start": start.strftime("%d-%m-%Y"),
            "last": last.strftime("%d-%m-%Y"),
        }
    return None


class FilingRefused(Exception):
    pass


def file_objection(*, request, info_request, grounds, case) -> Objection:
    """Register an objection (or raise FilingRefused with the applicant's message): its
    number, its due date on the working-day clock, the audit entry; the receipt is mailed
    after the commit, and a mail server that is down loses the mail, not the objection."""
    with transaction.atomic():
        # Locked: two objections sent at once against one request make one.
        info_request = InformationRequest.objects.select_for_update().get(pk=info_request.pk)
        now = timezone.now()
        today = timezone.localdate(now)
        refusal = filing_refusal(info_request, today=today)
        if refusal:
            raise FilingRefused(refusal)
        objection = Objection(
            request=info_request,
            number=objection_number(today.year),
            registered_at=now,
            due_date=add_working_days(today, OBJECTION_ANSWER_WORKING_DAYS),
            grounds=grounds,
            case=case,
        )
        objection.full_clean()
        objection.save()
        record(
            "ppid.objection_filed",
            request=request,
            target=objection,
            details={"request": info_request.number, "grounds": grounds},
        )
        mail = letters.message(
            "objection_received",
            to=[info_request.email],
            context={
                "objection": objection,
                "info_request": info_request,
                "status_url": absolute_url(
                    request, f"{reverse('ppid:status')}?{urlencode({'nomor': info_request.number})}"
                ),
            },
        )
        transaction.on_commit(lambda: letters.send_quietly(mail), robust=True)
    return objection


@never_cache
def objection_form(request):
    form = ObjectionForm(
        request.POST or None, initial={"number": request.GET.get("nomor", "")[:40]}
    )
    code = 200
    if request.method == "POST":
        # Every attempt counts, found or not: the number and email are what is guessed.
        if not throttle.hit(
            f"ppid-objection:{address_group(client_ip(request))}",
            limit=settings.PPID_OBJECTIONS_PER_ADDRESS_PER_HOUR,
            window_seconds=3600,
        ):
            form.add_error(
                None,
                _("Too many objections have been tried from your network in the last hour. "
                  "Please try again later, or contact the PPID directly."),
            )  # fmt: skip
            code = 429
        elif form.is_valid():
            data = form.cleaned_data
            info_request = InformationRequest.objects.filter(
                number=data["number"], email__iexact=data["email"]
            ).first()
            if info_request is None:
                form.add_error(
                    None,
                    _("No request matches this registration number and email address. "
                      "Check both against the email you received."),
                )  # fmt: skip
                code = 400
            else:
                try:
                    objection = file_objection(
                        request=request,
                        info_request=info_request,
                        grounds=data["grounds"],
                        case=data["case"],
                    )
                except FilingRefused as refusal:
                    form.add_error(None, str(refusal))
                    code = 400
                else:
                    request.session[FILED_KEY] = objection.pk
                    return redirect("ppid:objection-done")
        else:
            code = 400
    return render(
        request,
        "ppid/objection_form.html",
        {
            "form": form,
            "filing_days": OBJECTION_FILING_WORKING_DAYS,
            "answer_days": OBJECTION_ANSWER_WORKING_DAYS,
        },
        status=code,
    )


@never_cache
@require_safe
def objection_done(request):
    pk = request.session.get(FILED_KEY)
    objection = (
        Objection.objects.filter(pk=pk)
        .select_related("request")
        .only("number", "registered_at", "due_date", "request__number", "request__email")
        .first()
        if pk
        else None
    )
    if objection is None:
        return redirect("ppid:objection")
    return render(request, "ppid/objection_done.html", {"objection": objection})
