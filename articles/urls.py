from django.urls import path

from humas.pagecache import public_page

from . import feeds
from .views import article, listings

app_name = "articles"

urlpatterns = [
    path("", public_page(listings.HomeView.as_view()), name="home"),
    # Cached and counted inside the view (humas.pagecache.page, viewcount.count_view).
    path("berita/<slug:slug>/", article.ArticleDetailView.as_view(), name="detail"),
    path("berita/<slug:slug>/dibaca/", article.view_beacon, name="beacon"),
    path("berita/<slug:slug>/komentar/", article.post_comment, name="comment-post"),
    path("komentar/<int:pk>/laporkan/", article.report_comment, name="comment-report"),
    path("populer/", public_page(listings.PopularView.as_view()), name="popular"),
    path("cari/", listings.SearchView.as_view(), name="search"),
    path("arsip/", public_page(listings.ArchiveIndexView.as_view()), name="archive"),
    path(
        "arsip/<int:year>/<int:month>/",
        public_page(listings.ArchiveMonthView.as_view()),
        name="archive-month",
    ),
    path("penulis/<int:pk>/", public_page(listings.AuthorArticleListView.as_view()), name="author"),
    path(
        "kategori/<slug:slug>/",
        public_page(listings.CategoryArticleListView.as_view()),
        name="category",
    ),
    path("kategori/<slug:slug>/feed/", public_page(feeds.CategoryFeed()), name="category-feed"),
    path(
        "kategori/<slug:slug>/feed/atom/",
        public_page(feeds.CategoryAtomFeed()),
        name="category-feed-atom",
    ),
    path("feed/", public_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", public_page(feeds.LatestArticlesAtomFeed()), name="feed-atom"),
    path("tag/<str:slug>/", public_page(listings.TagArticleListView.as_view()), name="tag"),
    path(
        "fotografer/<slug:slug>/",
        public_page(listings.PhotographerArticleListView.as_view()),
        name="photographer",
    ),
]
