"""Unique slugs for any model with a `slug` field: articles, photos, documents, videos."""

from django.db import IntegrityError, transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify

SLUG_MAX_LENGTH = 200


def unique_slug(model, text, *, exclude_pk=None, fallback="berita"):
    """A slug for `text` that no other row of `model` uses: "judul", "judul-2", ..."""
    base = slugify(text)[: SLUG_MAX_LENGTH - 10].strip("-") or fallback
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def save_with_unique_slug(instance, source_text, save, *args, **kwargs):
    """Save `instance`, generating its slug from `source_text` if it has none.

    Two editors saving the same title at once can both pick the same free slug; the
    database's unique constraint refuses the second, which then retries with a random
    suffix instead of failing.
    """
    if instance.slug:
        return save(*args, **kwargs)
    model = type(instance)
    instance.slug = unique_slug(model, source_text, exclude_pk=instance.pk)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return save(*args, **kwargs)
        except IntegrityError:
            if (
                not model._default_manager.filter(slug=instance.slug)
                .exclude(pk=instance.pk)
                .exists()
            ):
                raise
            base = instance.slug[: SLUG_MAX_LENGTH - 7].rstrip("-")
            instance.slug = f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    raise IntegrityError("could not find a free slug")
