"""sitemap.xml (articles, categories), the Google News sitemap, robots.txt."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "updated_at").latest_first()

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Category.objects.all()


SITEMAPS = {"articles": ArticleSitemap, "categories": CategorySitemap}


def news_sitemap(request):
    """Google News: the articles of the last two days."""
    since = timezone.now() - timedelta(days=2)
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("title", "slug", "published_at")
        .latest_first()[:1000]
    )
    return render(
        request,
        "articles/sitemap_news.xml",
        {"articles": articles, "site_name": settings.SITE_NAME},
        content_type="application/xml; charset=utf-8",
    )


def robots_txt(request):
    base = settings.SITE_URL or f"{request.scheme}://{request.get_host()}"
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /akun/",
        "Disallow: /cari/",
        "Disallow: /bahasa/",
        "",
        f"Sitemap: {base}/sitemap.xml",
        f"Sitemap: {base}/sitemap-news.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
