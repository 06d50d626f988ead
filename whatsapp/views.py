"""The staff's pages: an article's WhatsApp text and the day's, each in a text box with
a copy button. Staff who may view articles only (checked here, beyond admin_view's
staff check); never cached (admin_view), never shown to readers."""

from urllib.parse import quote

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import workflow
from articles.models import Article

from . import text
from .forms import DayForm


def _check(request):
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied


def _page(request, template, context, status=200):
    context = {
        **admin.site.each_context(request),
        "opts": Article._meta,
        "limit": text.TEXT_LIMIT,
        **context,
    }
    return TemplateResponse(request, template, context, status=status)


def _message(body):
    return {
        "body": body,
        "length": text.length(body),
        "wa_url": "https://wa.me/?text=" + quote(body),
    }


def article_text(request, pk):
    """An article's text; for an article not public yet, only why there is none (a
    scheduled or embargoed article must not reach a channel before its time)."""
    _check(request)
    article = get_object_or_404(
        Article.objects.select_related("category").prefetch_related("tags"), pk=pk
    )
    published = article.is_published()
    if not published and not workflow.can_preview(request.user, article):
        # As in the article admin: another writer's draft is not there at all.
        raise Http404
    message = _message(text.article_text(article, request=request)) if published else None
    return _page(
        request,
        "whatsapp/article_text.html",
        {"title": _("WhatsApp text"), "original": article, "message": message},
    )


def daily_text(request):
    """The day's digest (today in WIB unless another day is picked)."""
    _check(request)
    title = _("The day's WhatsApp text")
    form = DayForm(request.GET if "day" in request.GET else {"day": timezone.localdate()})
    if not form.is_valid():
        return _page(
            request,
            "whatsapp/daily_text.html",
            {"title": title, "form": form, "parts": []},
            status=400,
        )
    day = form.cleaned_data["day"]
    bodies = text.daily_texts(day, request=request)
    return _page(
        request,
        "whatsapp/daily_text.html",
        {"title": title, "form": form, "day": day, "parts": [_message(body) for body in bodies]},
    )
