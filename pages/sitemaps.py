from django.contrib.sitemaps import Sitemap

from .models import Page


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Page.objects.published().only("url_path", "updated_at")

    def location(self, item):
        return item.url_path

    def lastmod(self, item):
        return item.updated_at
