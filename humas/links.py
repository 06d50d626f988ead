from django.conf import settings


def absolute_url(request, url):
    """A full address for links that leave the site (shares, previews, feeds, emails):
    SITE_URL when it is set, else the address this request came to (its host is checked
    against ALLOWED_HOSTS); addresses that are already full stay as they are."""
    if url.startswith(("http://", "https://")):
        return url
    if settings.SITE_URL:
        return settings.SITE_URL + url
    return request.build_absolute_uri(url)
