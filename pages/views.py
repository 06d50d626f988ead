"""A page at its own address. Cached like every public page (humas.pagecache); staff
who may see an unpublished page add ?pratinjau=1 and get it rendered for them alone."""

from django.http import Http404
from django.shortcuts import render

from articles.sharing import json_ld
from humas.links import absolute_url
from humas.pagecache import public_page

from . import workflow
from .models import Page


def prefixes(url_path):
    """ "/a/b/" -> ["/a/", "/a/b/"]: the page's address and its ancestors'."""
    parts = url_path.strip("/").split("/")
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def page_context(request, url_path, *, preview=False):
    """The page, its ancestors (one query: their addresses are prefixes of its own) and
    its published children (one more, only when it has any)."""
    found = {p.url_path: p for p in Page.objects.for_page().filter(url_path__in=prefixes(url_path))}
    page = found.get(url_path)
    if page is None or not (preview or page.is_published()):
        raise Http404
    ancestors = [p for p in found.values() if p.pk != page.pk]  # tree order (path)
    children = list(Page.objects.get_children(page).published()) if page.numchild else []
    url = absolute_url(request, page.get_absolute_url())
    crumbs = [{"name": a.title, "url": absolute_url(request, a.url_path)} for a in ancestors]
    crumbs.append({"name": page.title, "url": url})
    breadcrumb_ld = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": c["name"], "item": c["url"]}
            for n, c in enumerate(crumbs, start=1)
        ],
    }
    photo = page.featured_photo
    return {
        "page": page,
        "ancestors": ancestors,
        "children": children,
        "preview": preview,
        "absolute_url": url,
        "share_image_url": absolute_url(request, photo.share_image["url"]) if photo else "",
        "json_ld": json_ld(breadcrumb_ld),
    }


@public_page
def public(request, path):
    return render(request, "pages/page_detail.html", page_context(request, "/" + path))


def page(request, path):
    if "pratinjau" in request.GET:
        candidate = Page.objects.filter(url_path="/" + path).first()
        if candidate is not None and workflow.can_preview(request.user, candidate):
            context = page_context(request, "/" + path, preview=True)
            return render(request, "pages/page_detail.html", context)
    return public(request, path)
