"""Slugs are made by humas.slugs (shared with documents, pages and videos)."""

from humas.slugs import SLUG_MAX_LENGTH, save_with_unique_slug, unique_slug

__all__ = ["SLUG_MAX_LENGTH", "save_with_unique_slug", "unique_slug"]
