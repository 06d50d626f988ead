from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = _("Hoax clarifications")

    def ready(self):
        from articles import parts
        from articles.models import Article
        from humas import pagecache

        from . import models

        # The verdict box and ClaimReview on the article page, the badges on /klarifikasi/.
        pagecache.watch(models.Clarification)
        clarifications = [Article.Kind.CLARIFICATION]
        parts.register("head", "factcheck/_claim_review.html", kinds=clarifications)
        parts.register("top", "factcheck/_verdict_box.html", kinds=clarifications)
