from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("berita/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("berita/<slug:slug>/dibaca/", views.view_beacon, name="beacon"),
    path("berita/<slug:slug>/komentar/", views.post_comment, name="comment-post"),
    path("komentar/<int:pk>/laporkan/", views.report_comment, name="comment-report"),
    path("populer/", views.PopularView.as_view(), name="popular"),
    path("cari/", views.SearchView.as_view(), name="search"),
    path("arsip/", views.ArchiveIndexView.as_view(), name="archive"),
    path("arsip/<int:year>/<int:month>/", views.ArchiveMonthView.as_view(), name="archive-month"),
    path("penulis/<str:username>/", views.AuthorArticleListView.as_view(), name="author"),
    path("kategori/<slug:slug>/", views.CategoryArticleListView.as_view(), name="category"),
    path("kategori/<slug:slug>/feed/", feeds.CategoryFeed(), name="category-feed"),
    path("kategori/<slug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category-feed-atom"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("tag/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path(
        "fotografer/<slug:slug>/",
        views.PhotographerArticleListView.as_view(),
        name="photographer",
    ),
]
