"""The journalists' pages: /pers/ (apply, subscribe) and a release under embargo.

Neither is cached: both are one person's (never_cache), and the embargo page must never
reach the public page cache nor a shared proxy (Cache-Control: private, no-store).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from articles.models import Article
from mailing import services as mailing
from mailing.models import Subscriber

from . import services
from .forms import PressSignupForm
from .models import Journalist


def consent_text(email):
    return _(
        "I agree to receive the press releases of the provincial public relations bureau "
        "by email at %(email)s, including releases under embargo, and not to publish a "
        "release before its embargo time. Every email has a link to unsubscribe."
    ) % {"email": email}


def private(response):
    response.headers["Cache-Control"] = "private, no-store, max-age=0"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def press_page(request):
    user = request.user
    if not user.is_authenticated:
        return private(render(request, "press/press_page.html", {}))
    journalist = Journalist.objects.filter(user=user).first()
    subscription = Subscriber.objects.on_list(services.LIST_KEY).filter(user=user).first()
    form = PressSignupForm(
        request.POST if request.method == "POST" else None, ask_outlet=journalist is None
    )
    status = 200
    if request.method == "POST":
        if not user.email:
            form.add_error(None, _("Your account has no email address: add one in your profile."))
            status = 400
        elif form.is_valid():
            try:
                mailing.subscribe(
                    list_key=services.LIST_KEY,
                    email=user.email,
                    user=user,
                    consent_text=consent_text(user.email),
                    request=request,
                )
            except mailing.SubscribeRefused as refusal:
                form.add_error(None, refusal.message)
                status = 429
            else:
                if journalist is None:
                    Journalist.objects.create(user=user, outlet=form.cleaned_data["outlet"])
                return redirect("mailing:check-inbox")
        else:
            status = 400
    embargoed = []
    if journalist is not None and journalist.is_approved:
        embargoed = Article.objects.scheduled().filter(kind=Article.Kind.PRESS_RELEASE)
    context = {
        "journalist": journalist,
        "subscription": subscription,
        "form": form,
        "consent_text": consent_text(user.email),
        "embargoed": embargoed,
    }
    return private(render(request, "press/press_page.html", context, status=status))


@never_cache
@require_safe
@login_required
def embargo(request, pk):
    """A release under embargo, for approved journalists and newsroom staff only. Who
    may read it is checked before the release is looked up, so a reader cannot learn
    from a 404 which numbers are releases."""
    if not services.may_read_embargoed(request.user):
        return private(render(request, "press/embargo_refused.html", status=403))
    article = get_object_or_404(
        Article.objects.for_page().filter(
            kind=Article.Kind.PRESS_RELEASE, status=Article.Status.PUBLISHED
        ),
        pk=pk,
    )
    if article.is_published():
        # The embargo is over: the public page is the release's address from now on.
        return redirect(article)
    context = {"article": article, "now": timezone.now()}
    return private(render(request, "press/embargo.html", context))
