from django import template

from ..comments import CommentForm, comments_context, render_comment

register = template.Library()


@register.filter
def comment_html(body):
    """A comment's plain text as safe HTML (see articles.comments.render_comment)."""
    return render_comment(body)


@register.inclusion_tag("articles/_comments.html", takes_context=True)
def comment_area(context):
    """The comments under an article as this reader sees them, with the form for
    readers who may write (a refused form comes back with its errors)."""
    user = context.get("user")
    form = context.get("comment_form")
    if form is None and user is not None and user.is_authenticated:
        form = CommentForm()
    return {
        "user": user,
        "article_url": context["article_url"],
        "comment_form": form,
        **comments_context(
            article_id=context["article_id"],
            user=user,
            approved=context.get("approved_comments"),
        ),
    }
