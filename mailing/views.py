"""The pages a list's mails link to: confirm, unsubscribe, and "check your inbox".

None is cached (never_cache) and none is indexed: each is one person's.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from . import registry, services


def noindex(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_safe
def check_inbox(request):
    return noindex(render(request, "mailing/check_inbox.html"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET shows a button; the POST confirms. A mail scanner that opens every link in
    a mail must not confirm a subscription someone else asked for."""
    subscriber = services.subscriber_to_confirm(token)
    if subscriber is None:
        return noindex(render(request, "mailing/link_invalid.html", status=400))
    context = {"subscriber": subscriber, "list_title": registry.title(subscriber.list_key)}
    if request.method == "POST":
        services.confirm(subscriber)
        return noindex(render(request, "mailing/confirmed.html", context))
    return noindex(render(request, "mailing/confirm.html", context))


# RFC 8058: mail programs POST "List-Unsubscribe=One-Click" to the List-Unsubscribe
# address without any cookie or token of ours; the signed address is the proof. The
# exemption is for this view only, which does nothing but end one subscription.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """POST unsubscribes at once (and again, harmlessly); GET only asks, since mail
    scanners open every link in a mail."""
    subscriber = services.subscriber_to_unsubscribe(token)
    if subscriber is None:
        return noindex(render(request, "mailing/link_invalid.html", status=400))
    context = {"subscriber": subscriber, "list_title": registry.title(subscriber.list_key)}
    if request.method == "POST":
        services.unsubscribe(subscriber)
        return noindex(render(request, "mailing/unsubscribed.html", context))
    return noindex(render(request, "mailing/unsubscribe.html", context))
