"""The public documents: the listing (/dokumen/?jenis=&tahun=), a page per document and
its download (/dokumen/<slug>/unduh/), which counts the reader and serves the file.

The listing and the pages are shared copies (humas.pagecache); the listing's copy is
kept per filter, with only valid values in its key, so junk query strings can neither
fill the cache nor force a rendering per request. The download is never cached.
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from humas import pagecache

from .checks import CONTENT_TYPES
from .downloads import count_download
from .models import Document

logger = logging.getLogger(__name__)

PER_PAGE = 20
FIRST_YEAR, LAST_YEAR = 1945, 2100


@dataclass(frozen=True)
class Filters:
    """The listing's filters, as asked (`invalid` says what was not understood)."""

    kind: str = ""
    year: int | None = None
    page: int = 1
    invalid: tuple = ()

    @classmethod
    def from_request(cls, request):
        invalid = []
        kind = request.GET.get("jenis", "").strip()
        if kind and kind not in Document.Kind.values:
            invalid.append("jenis")
            kind = ""
        year_text = request.GET.get("tahun", "").strip()
        year = None
        if year_text:
            if year_text.isascii() and year_text.isdigit() and len(year_text) == 4:
                year = int(year_text)
            if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
                invalid.append("tahun")
                year = None
        page_text = request.GET.get("page", "1")
        digits = page_text.isascii() and page_text.isdigit() and len(page_text) <= 6
        page = int(page_text) if digits else 1
        return cls(kind=kind, year=year, page=max(1, min(page, 10_000)), invalid=tuple(invalid))

    def key(self):
        return (self.kind, self.year, self.page, self.invalid)


class DocumentListView(ListView):
    template_name = "documents/document_list.html"
    context_object_name = "documents"

    def get_queryset(self):
        self.filters = Filters.from_request(self.request)
        documents = Document.objects.published().for_cards().latest_first()
        if self.filters.kind:
            documents = documents.of_kind(self.filters.kind)
        if self.filters.year:
            documents = documents.in_year(self.filters.year)
        return documents

    def paginate_queryset(self, queryset, page_size):
        """A page number past the end shows the last page, never an error."""
        paginator = Paginator(queryset, PER_PAGE)
        try:
            page = paginator.page(self.filters.page)
        except (EmptyPage, PageNotAnInteger):
            page = paginator.page(paginator.num_pages)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_paginate_by(self, queryset):
        return PER_PAGE

    def get_context_data(self, **kwargs):
        years = pagecache.kept(
            "document-years", Document.objects.years, settings.PAGE_CACHE_SECONDS
        )
        filters = self.filters
        query = {"jenis": filters.kind, "tahun": filters.year or ""}
        return super().get_context_data(
            kinds=Document.Kind.choices,
            years=years,
            filters=filters,
            kind_label=Document.Kind(filters.kind).label if filters.kind else "",
            filter_query="&".join(f"{k}={v}" for k, v in query.items() if v),
            **kwargs,
        )


@require_safe
def document_list(request):
    """/dokumen/: the shared copy for these filters."""
    filters = Filters.from_request(request)
    entry = pagecache.page(
        request,
        partial(DocumentListView.as_view(), request),
        path=(request.path, *filters.key()),
    )
    if isinstance(entry, HttpResponseBase):
        return entry
    return pagecache.respond(request, entry)


class DocumentDetailView(DetailView):
    template_name = "documents/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return Document.objects.published()


@require_safe
def download(request, slug):
    """Count the reader, then serve the file: a PDF shown in the browser's viewer, any
    other type as an attachment; always with its checked type and nosniff, so nothing
    uploaded can run as a page of this site. Never cached by the page cache."""
    document = get_object_or_404(
        Document.objects.published().only("pk", "file", "file_type", "slug"), slug=slug
    )
    response = file_response(document)
    count_download(request, document.pk)
    return response


def file_response(document):
    """The document's file as a response (also the admin's, for unpublished ones)."""
    try:
        handle = document.file.open("rb")
    except (OSError, ValueError) as error:
        logger.error("document %s: its file is missing (%s)", document.pk, error)
        raise Http404 from error
    is_pdf = document.file_type == "pdf"
    response = FileResponse(
        handle,
        as_attachment=not is_pdf,
        filename=document.filename,
        content_type=CONTENT_TYPES.get(document.file_type, "application/octet-stream"),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Unpublishing must stop downloads at once: no shared cache may keep the file.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
