from django.contrib.sitemaps import Sitemap

from .models import Document


class DocumentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5
    limit = 5000

    def items(self):
        return Document.objects.published().only("slug", "updated_at").order_by("-pk")

    def lastmod(self, document):
        return document.updated_at
