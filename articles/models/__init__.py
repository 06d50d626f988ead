"""The newsroom's models, one module per concept."""

from .article import (
    Article,
    ArticleNote,
    ArticleQuerySet,
    ArticleRevision,
    ArticleTransition,
    GalleryItem,
    article_page_cache_key,
    rank_by_views,
)
from .category import NAV_CACHE_KEY, Category
from .comment import Comment, CommentQuerySet, CommentReport
from .photo import Photo, Photographer, credit_line, photo_upload_to
from .site import SiteSettings
from .slugs import SLUG_MAX_LENGTH, save_with_unique_slug, unique_slug
from .views import ArticleDailyViews, ViewFlush, ViewMark

__all__ = [
    "NAV_CACHE_KEY",
    "SLUG_MAX_LENGTH",
    "Article",
    "ArticleDailyViews",
    "ArticleNote",
    "ArticleQuerySet",
    "ArticleRevision",
    "ArticleTransition",
    "Category",
    "Comment",
    "CommentQuerySet",
    "CommentReport",
    "GalleryItem",
    "Photo",
    "Photographer",
    "SiteSettings",
    "ViewFlush",
    "ViewMark",
    "article_page_cache_key",
    "credit_line",
    "photo_upload_to",
    "rank_by_views",
    "save_with_unique_slug",
    "unique_slug",
]
