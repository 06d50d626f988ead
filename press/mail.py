"""The journalists' mail of one press release (mailing's renderer for the "press" list)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

from articles.models import Article
from mailing.links import site_url


def render_release(delivery):
    """The release's mail, or None when it is no longer approved (taken down or sent
    back to draft before this delivery's turn): nothing to send then."""
    pk = delivery.message_key.removeprefix("press:")
    article = (
        Article.objects.filter(
            pk=pk, kind=Article.Kind.PRESS_RELEASE, status=Article.Status.PUBLISHED
        )
        .select_related("category")
        .first()
    )
    if article is None:
        return None
    embargoed = article.is_scheduled
    if embargoed:
        url = site_url(reverse("press:embargo", kwargs={"pk": article.pk}))
    else:
        url = site_url(article.get_absolute_url())
    context = {
        "article": article,
        "embargoed": embargoed,
        "url": url,
        "text": body_text(article.body),
        "unsubscribe_url": delivery.subscriber.unsubscribe_url(),
        "site_name": settings.SITE_NAME,
    }
    subject = render_to_string("press/email/release_subject.txt", context)
    body = render_to_string("press/email/release_body.txt", context)
    return EmailMultiAlternatives(" ".join(subject.split()), body)


def body_text(html):
    """The sanitized body as plain text, a paragraph per block."""
    for tag in ("</p>", "</h2>", "</h3>", "</li>", "</blockquote>", "<br>", "<br/>"):
        html = html.replace(tag, tag + "\n\n")
    text = strip_tags(html)
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
