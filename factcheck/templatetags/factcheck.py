from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import format_html

from humas.links import absolute_url

from ..claimreview import claim_review_json

register = template.Library()


@register.simple_tag(takes_context=True)
def claim_review(context, article):
    """The article's ClaimReview as a JSON-LD <script> (nothing if it has no clarification):
    structured data is not a script that runs, so the page's CSP needs no nonce for it."""
    try:
        clarification = article.clarification
    except ObjectDoesNotExist:
        return ""
    request = context["request"]
    return format_html(
        '<script type="application/ld+json">{}</script>',
        claim_review_json(
            clarification,
            url=context.get("absolute_url") or absolute_url(request, article.get_absolute_url()),
            site_url=absolute_url(request, "/"),
        ),
    )
