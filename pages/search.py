"""The pages' section of the site search (/cari/, humas.search): published pages whose
title or text holds every word. Pages are few (tens), so a plain match is enough on
SQLite and PostgreSQL alike."""

from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import Truncator

from articles.search import terms
from humas.search import Result

from .models import Page


def find(query, limit):
    words = terms(query)
    if not words:
        return []
    matches = Page.objects.published()
    for word in words:
        matches = matches.filter(Q(title__icontains=word) | Q(body__icontains=word))
    fields = ("title", "url_path", "body", "meta_description", "updated_at")
    return [
        Result(
            title=page.title,
            url=page.url_path,
            excerpt=Truncator(page.meta_description or strip_tags(page.body)).words(30),
            date=page.updated_at,
        )
        for page in matches.only(*fields)[:limit]
    ]
