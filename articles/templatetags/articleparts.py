from django import template

from .. import parts

register = template.Library()


@register.simple_tag
def article_parts(slot, article):
    """The templates other apps add to `slot` of the article page (articles/parts.py):
    {% article_parts "top" article as found %}{% for name in found %}{% include name %}..."""
    return parts.templates_for(slot, article.kind)
