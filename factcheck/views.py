from articles.models import Article
from articles.views.listings import ArticleListView


class ClarificationListView(ArticleListView):
    """/klarifikasi/: published hoax clarifications, newest first, with their verdicts."""

    template_name = "factcheck/clarification_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(kind=Article.Kind.CLARIFICATION)
            .select_related("clarification")
        )

    def count_key(self):
        return "clarifications"
