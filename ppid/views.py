"""The PPID's public pages: the landing page, the request form, the status page; and the
two private files they lead to, each behind its own check.

What ties a visitor to a request is kept in their session, never in an address: the
number just registered (for the thank-you page), and the request found by number and
email on the status page (for its answer letter), for STATUS_SESSION_SECONDS.
"""

import mimetypes
import time
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from audit.events import record
from humas import throttle
from humas.clientip import address_group, client_ip
from humas.pagecache import public_page

from . import services
from .deadlines import request_clock
from .forms import RequestForm, StatusForm
from .models import InformationRequest

REGISTERED_KEY = "ppid_registered"
STATUS_KEY = "ppid_status"
STATUS_SESSION_SECONDS = 2 * 3600


@public_page
def landing(request):
    return render(request, "ppid/landing.html", {"contact": services.contact()})


@never_cache
def request_form(request):
    form = RequestForm(request.POST, request.FILES) if request.method == "POST" else RequestForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
            try:
                info = services.register_request(request=request, **data)
            except services.RequestRefused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                request.session[REGISTERED_KEY] = info.pk
                return redirect("ppid:request-done")
        else:
            status = 400
    return render(
        request,
        "ppid/request_form.html",
        {"form": form, "id_scan_days": settings.PPID_ID_RETENTION_DAYS},
        status=status,
    )


@never_cache
@require_safe
def request_done(request):
    pk = request.session.get(REGISTERED_KEY)
    info = InformationRequest.objects.filter(pk=pk).only(
        "number", "registered_at", "due_date", "email"
    ).first() if pk else None  # fmt: skip
    if info is None:
        return redirect("ppid:request")
    return render(request, "ppid/request_done.html", {"info": info})


def found_request(request):
    """The request this session looked up on the status page, while it is fresh."""
    found = request.session.get(STATUS_KEY)
    if not isinstance(found, dict) or found.get("until", 0) < time.time():
        return None
    return InformationRequest.objects.filter(pk=found.get("pk")).first()


@never_cache
def status(request):
    """Number and email in; the request's progress out. Both must match, and a miss
    says the same whichever was wrong, so the page tells nobody which numbers exist.
    Each lookup counts against the address's limit, found or not."""
    if request.method == "POST":
        form = StatusForm(request.POST)
    else:
        form = StatusForm(initial={"number": request.GET.get("nomor", "")[:40]})
    code = 200
    if request.method == "POST":
        if not throttle.hit(
            f"ppid-status:{address_group(client_ip(request))}",
            limit=settings.PPID_STATUS_LOOKUPS_PER_ADDRESS_PER_HOUR,
            window_seconds=3600,
        ):
            form.add_error(
                None,
                _("Too many lookups have come from your network in the last hour. "
                  "Please try again later."),
            )  # fmt: skip
            code = 429
        elif form.is_valid():
            info = (
                InformationRequest.objects.filter(
                    number=form.cleaned_data["number"], email__iexact=form.cleaned_data["email"]
                )
                .only("pk")
                .first()
            )
            if info is not None:
                request.session[STATUS_KEY] = {
                    "pk": info.pk,
                    "until": time.time() + STATUS_SESSION_SECONDS,
                }
                return redirect("ppid:status")
            form.add_error(
                None,
                _("No request matches this registration number and email address. Check "
                  "both against the email you received."),
            )  # fmt: skip
        else:
            code = 400
    info = found_request(request) if request.method == "GET" else None
    context = {"form": form, "info": info}
    if info is not None:
        context.update(status_context(info))
    return render(request, "ppid/status.html", context, status=code)


def status_context(info):
    documents = list(info.documents.all().only("pk", "title", "slug", "is_published"))
    clock = request_clock(info)
    return {
        "clock": clock,
        "late_days": -clock.remaining if clock.overdue else 0,
        "steps": info.steps.filter(is_public=True).order_by("at", "pk"),
        "public_documents": [d for d in documents if d.is_published],
        "other_documents": [d for d in documents if not d.is_published],
    }


def private_file_response(field, *, download_name):
    """A private file as an attachment that no browser runs and no cache keeps."""
    try:
        handle = field.open("rb")
    except (OSError, ValueError) as error:
        raise Http404 from error
    suffix = PurePath(field.name).suffix.lower()
    content_type = mimetypes.types_map.get(suffix, "application/octet-stream")
    response = FileResponse(
        handle, as_attachment=True, filename=f"{download_name}{suffix}", content_type=content_type
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_safe
def answer_letter(request):
    """The signed answer letter, to the session that found its request by number and
    email; the letter has no address of its own."""
    info = found_request(request)
    if info is None or not info.answer_letter:
        raise Http404
    return private_file_response(info.answer_letter, download_name=f"jawaban-{info.number.lower()}")


@login_required
@require_safe
def identity_scan(request, pk):
    """An applicant's identity scan, to PPID staff only (ppid.view_identity_scan); every
    look is in the audit trail."""
    if not (request.user.is_staff and request.user.has_perm("ppid.view_identity_scan")):
        raise PermissionDenied
    info = get_object_or_404(InformationRequest.objects.only("pk", "number", "id_scan"), pk=pk)
    if not info.id_scan:
        raise Http404
    response = private_file_response(info.id_scan, download_name=f"ktp-{info.number.lower()}")
    record("ppid.identity_viewed", request=request, target=info, details={"number": info.number})
    return response
