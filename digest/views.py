"""The digest's one page, /langganan/: the subscription form, or, for a signed-in
reader already subscribed with their verified address, their choices to change.

Never cached (a form with a CSRF token, and one reader's choices): not a page of the
shared page cache (humas/pagecache/), so it watches no model.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mailing import services as mailing

from . import LIST_KEY, services
from .forms import ChoicesForm, SubscribeForm


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    own = services.subscription_of(request.user)
    if own is not None:
        return change(request, own)
    user = request.user if request.user.is_authenticated else None
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                mailing.subscribe(
                    list_key=LIST_KEY,
                    email=email,
                    # Their account only for their own address, not one they typed.
                    user=user if user and user.email.lower() == email.lower() else None,
                    options=services.options(
                        categories=form.cleaned_data["categories"],
                        frequency=form.cleaned_data["frequency"],
                    ),
                    consent_text=form.consent_record(),
                    request=request,
                )
            except mailing.SubscribeRefused as refused:
                form.add_error(None, refused.message)
                status = 429
            else:
                return redirect("mailing:check-inbox")
        else:
            status = 400
    else:
        form = SubscribeForm(initial={"email": user.email if user else ""})
    return render(request, "digest/subscribe.html", {"form": form}, status=status)


def change(request, subscriber):
    """A subscriber's own choices, signed in: saved at once (the address is theirs and
    verified; consenting to the list is not in question)."""
    status = 200
    if request.method == "POST":
        form = ChoicesForm(request.POST)
        if form.is_valid():
            services.change(
                subscriber,
                categories=form.cleaned_data["categories"],
                frequency=form.cleaned_data["frequency"],
            )
            messages.success(request, _("Your digest choices are saved."))
            return redirect("digest:subscribe")
        status = 400
    else:
        chosen = services.category_ids(subscriber)
        frequency = (subscriber.options or {}).get("frequency")
        form = ChoicesForm(initial={"categories": sorted(chosen), "frequency": frequency})
    context = {"form": form, "subscriber": subscriber}
    return render(request, "digest/subscribe.html", context, status=status)
