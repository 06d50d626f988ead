from django import template

from ..comments import render_comment

register = template.Library()


@register.filter
def comment_html(body):
    """A comment's plain text as safe HTML (see articles.comments.render_comment)."""
    return render_comment(body)
