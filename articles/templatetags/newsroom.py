from datetime import timedelta

from django import template
from django.db.models import Sum
from django.utils import timezone

from .. import reports, workflow
from ..models import Article, ArticleDailyViews

register = template.Library()


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    """The admin index's desk: my drafts, the review queue, the schedule, what went out
    recently and what readers read this week."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    articles = Article.objects.select_related("author", "category")
    if not workflow.can_publish(user):
        articles = articles.filter(author=user)
    today = timezone.localdate()
    week = [today - timedelta(days=6 - i) for i in range(7)]
    per_day = dict(
        ArticleDailyViews.objects.filter(day__gte=week[0])
        .values_list("day")
        .annotate(total=Sum("views"))
        .values_list("day", "total")
    )
    return {
        "show": True,
        "drafts": articles.filter(author=user, status=Article.Status.DRAFT).order_by("-updated_at")[
            :8
        ],
        "review": articles.filter(status=Article.Status.REVIEW).order_by("updated_at")[:8],
        "scheduled": articles.scheduled().order_by("published_at")[:8],
        "recent": articles.published().latest_first()[:8],
        "most_read": Article.objects.popular(days=7)[:5],
        "chart": reports.svg_bar_chart(
            [(day, per_day.get(day, 0)) for day in week], width=300, height=90
        ),
    }
