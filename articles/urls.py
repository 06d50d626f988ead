from django.urls import path

from . import feeds, views
from .pagecache import public_page

app_name = "articles"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("berita/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("berita/<slug:slug>/dibaca/", views.view_beacon, name="beacon"),
    path("berita/<slug:slug>/komentar/", views.post_comment, name="comment-post"),
    path("komentar/<int:pk>/laporkan/", views.report_comment, name="comment-report"),
    path("populer/", public_page(views.PopularView.as_view()), name="popular"),
    path("cari/", views.SearchView.as_view(), name="search"),
    path("arsip/", public_page(views.ArchiveIndexView.as_view()), name="archive"),
    path(
        "arsip/<int:year>/<int:month>/",
        public_page(views.ArchiveMonthView.as_view()),
        name="archive-month",
    ),
    path("penulis/<int:pk>/", public_page(views.AuthorArticleListView.as_view()), name="author"),
    path(
        "kategori/<slug:slug>/",
        public_page(views.CategoryArticleListView.as_view()),
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
    path("tag/<str:slug>/", public_page(views.TagArticleListView.as_view()), name="tag"),
    path(
        "fotografer/<slug:slug>/",
        public_page(views.PhotographerArticleListView.as_view()),
        name="photographer",
    ),
]
