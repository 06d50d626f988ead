"""RSS and Atom feeds of the site and of each category: full text, image, credit."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from humas.links import absolute_url

from .models import Article, Category

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    def title(self, obj=None):
        return settings.SITE_NAME

    def link(self, obj=None):
        return "/"

    def description(self, obj=None):
        return _("News from the public relations bureau of the provincial government.")

    def articles(self, obj=None):
        return Article.objects.published().select_related(
            "category", "author", "featured_photo__photographer"
        )

    def items(self, obj=None):
        return self.articles(obj).latest_first()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """The full text, opening with the dateline, with the photo's credit under it."""
        parts = []
        if item.lead:
            parts.append(f"<p><strong>{escape(item.lead)}</strong></p>")
        parts.append(item.body_with_dateline())
        if item.featured_photo:
            parts.append(f"<p><em>{escape(item.featured_credit)}</em></p>")
        return "".join(parts)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return str(item.author.public_name) if item.author else settings.SITE_NAME

    def item_categories(self, item):
        return [item.category.name]

    def _share_image(self, item):
        return item.featured_photo.share_image if item.featured_photo else None

    def item_enclosure_url(self, item):
        image = self._share_image(item)
        if image is None:
            return None
        return absolute_url(self.request, image["url"])

    def item_enclosure_length(self, item):
        image = self._share_image(item)
        return image.get("bytes", 0) if image else 0

    def item_enclosure_mime_type(self, item):
        return "image/jpeg"

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return obj.description or obj.name

    def articles(self, obj=None):
        return super().articles(obj).in_category(obj)


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)
