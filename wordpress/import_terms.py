"""Authors, categories and tags of a WordPress export, and the old addresses that must
keep leading to what was imported, for the importer (wordpress/importer.py).

Categories are **flattened**: every WordPress category becomes one of ours (Humas CMS
has no sub-categories); a child whose name another category already has is named
"Child (Parent)". An article gets the post's most specific category (a child rather
than its parent); the old addresses of every category still lead to it.
"""

from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Category
from humas.text import clean_text

from . import wxr
from .models import LegacyPath

FALLBACK_CATEGORY = "Arsip"


class TermsMixin:
    """The Importer's methods for people, categories, tags and old addresses; it
    provides site and report."""

    def author_for(self, author):
        """The staff account for a WordPress author, matched by email (any case).

        A new account gets a long random password that is never shown or stored anywhere
        else: nobody knows it, and its owner chooses their own with "forgot password".
        Not an unusable password: Django's reset form skips those accounts, rightly, since
        that is how an administrator switches password sign-in off for good.
        """
        if author is None:
            return None
        User = get_user_model()
        if author.email:
            user = User.objects.filter(email__iexact=author.email).first()
            if user is not None:
                if not user.is_staff:
                    self.report.warnings.append(
                        f"Author {author.login} matches the reader account {user.email}: "
                        "articles are credited to it, but it was not made staff."
                    )
                return user
        username = author.login[:150]
        if User.objects.filter(username__iexact=username).exists():
            username = f"{username[:140]}-wp"
        name = author.display_name or " ".join(
            part for part in (author.first_name, author.last_name) if part
        )
        user = User(
            username=username,
            email=author.email,
            display_name=name[:100],
            first_name=author.first_name[:150],
            last_name=author.last_name[:150],
            is_staff=True,
        )
        user.set_password(get_random_string(64))
        user.save()
        writers = Group.objects.filter(name="Penulis").first()
        if writers:
            user.groups.add(writers)
        self.report.counts["authors created"] += 1
        return user

    def category_for(self, item):
        terms = self.site.terms
        slugs = [slug for kind, slug, _name in item.terms if kind == "category"]
        for slug, name in ((s, n) for k, s, n in item.terms if k == "category"):
            terms.setdefault(("category", slug), wxr.Term("category", slug, name))
        parents = {terms["category", s].parent for s in slugs}
        deepest = [s for s in slugs if s not in parents] or slugs
        if not deepest:
            category = Category.objects.filter(name=FALLBACK_CATEGORY).first()
            return category or Category.objects.create(name=FALLBACK_CATEGORY)
        for slug in slugs:  # every category's old address leads to its new page
            self.category(slug)
        return self.category(deepest[0])

    def category(self, slug):
        term = self.site.terms["category", slug]
        new_slug = (slugify(slug) or slugify(term.name) or "kategori")[:190].strip("-")
        category = Category.objects.filter(slug=new_slug).first()
        if category is None:
            name = clean_text(term.name)[:80] or new_slug
            if Category.objects.filter(name=name).exists():
                parent = self.site.terms.get(("category", term.parent))
                name = f"{name} ({parent.name if parent else new_slug})"[:80]
            category = Category.objects.create(name=name, slug=new_slug)
            self.report.counts["categories created"] += 1
        path = f"/{self.category_base}/" + "/".join(self.category_chain(slug)) + "/"
        if path != category.get_absolute_url():
            self.remember_path(path, category=category)
        return category

    def category_chain(self, slug, depth=0):
        term = self.site.terms.get(("category", slug))
        if term and term.parent and term.parent != slug and depth < 10:
            return [*self.category_chain(term.parent, depth + 1), slug]
        return [slug]

    def tag_for(self, slug, name):
        name = clean_text(name)[:100] or slug
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name)
            self.report.counts["tags created"] += 1
        path = f"/{self.tag_base}/{slug}/"
        if path != unquote(reverse("articles:tag", kwargs={"slug": tag.slug})):
            self.remember_path(path, tag=tag)
        return tag

    def remember_path(self, path, **target):
        if not path or path == "/" or len(path) > 500 or path.startswith("/?"):
            return
        legacy, created = LegacyPath.objects.get_or_create(path=path, defaults=target)
        if created:
            self.report.counts["old addresses kept"] += 1
        elif any(getattr(legacy, f"{k}_id") != v.pk for k, v in target.items()):
            self.report.warnings.append(f"The old address {path} already leads elsewhere.")
