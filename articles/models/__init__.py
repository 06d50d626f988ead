"""The newsroom's models, one module per concept."""

from .article import Article, ArticleNote, ArticleQuerySet, GalleryItem, rank_by_views
from .category import Category
from .comment import Comment, CommentQuerySet, CommentReport
from .history import ArticleRevision, ArticleTransition
from .listings import LATEST_FIRST, tagged_items
from .photo import Photo, Photographer, credit_line, photo_upload_to
from .site import SiteSettings
from .slugs import SLUG_MAX_LENGTH, save_with_unique_slug, unique_slug
from .views import ArticleDailyViews, ViewFlush, ViewMark

__all__ = [
    "LATEST_FIRST",
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
    "credit_line",
    "photo_upload_to",
    "rank_by_views",
    "save_with_unique_slug",
    "tagged_items",
    "unique_slug",
]
