from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve

from articles.securitytxt import security_txt
from articles.sitemaps import SITEMAPS, news_sitemap, robots_txt
from documents.sitemaps import DocumentSitemap
from pages.sitemaps import PageSitemap

from . import views
from .pagecache import public_page

admin.site.site_header = "Humas CMS"
admin.site.site_title = "Humas CMS"

urlpatterns = [
    # Staff pages of apps without models of their own, before the admin's catch-all.
    path("admin/whatsapp/", include("whatsapp.urls")),
    path("admin/", admin.site.urls),
    path("bahasa/<str:code>/", views.switch_language, name="switch-language"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "sitemap.xml",
        public_page(sitemap),
        {"sitemaps": {**SITEMAPS, "dokumen": DocumentSitemap, "halaman": PageSitemap}},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("sitemap-news.xml", public_page(news_sitemap), name="sitemap-news"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("akun/", include("accounts.urls")),
    path("dokumen/", include("documents.urls")),
    path("video/", include("videos.urls")),
    path("ppid/", include("ppid.urls")),
    path("agenda/", include("agenda.urls")),
    path("surat/", include("mailing.urls")),
    path("pers/", include("press.urls")),
    path("klarifikasi/", include("factcheck.urls")),
    path("", include("mediakit.urls")),  # /berita/<slug>/kit-media.zip
    path("langganan/", include("digest.urls")),
    path("", include("articles.urls")),
]

if settings.BENCHMARK_VIEW:
    # The yardstick of `make bench`: the cheapest response Django can give, through the
    # same middleware as every page.
    urlpatterns += [path("bench/trivial/", lambda request: HttpResponse("ok"))]

if settings.SERVE_MEDIA:
    # Uploads straight from Django, for `make run` and single machines without nginx.
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Last: a page's address is its path in the tree (/profil/struktur-organisasi/), so every
# other address is tried first.
urlpatterns += [path("", include("pages.urls"))]
