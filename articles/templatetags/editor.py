from django import template
from js_asset import Media

register = template.Library()


@register.filter
def with_csp_nonce(media, request):
    """`media` rendering each of its tags with this response's Content-Security-Policy
    nonce: the body editor's import map is an inline <script>, which runs only with it.

    Django 5.2's admin prints `{{ media }}` without a nonce; django-js-asset's `Media`
    adds one to every tag it renders (articles/editor.py). The nonce is read, and so
    put in the response's header, only when there is something to render.
    """
    return Media.from_media(media, nonce=request.csp_nonce)
