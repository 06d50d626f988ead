"""Marking what belongs to one reader in a page that is otherwise the same for everyone.

    {% load readerparts %}
    {% reader_part "includes/account.html" %}   the account menu: rendered per reader
    {% reader_value "view_count" %}             a value given per request

While the shared copy of a page renders (humas/pagecache/ puts a recorder in the
context), each tag leaves a hole; anywhere else it renders in place, so a template
works the same in a cached page, a preview and a page that is never cached.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_part(context, template_name):
    recorder = context.get("reader_holes")
    if recorder is not None:
        return mark_safe(recorder.mark("part", template_name))  # our own marker
    flat = context.flatten()
    flat.update(flat.get("page_meta") or {})
    return render_to_string(template_name, flat, context.get("request"))


@register.simple_tag(takes_context=True)
def reader_value(context, name):
    recorder = context.get("reader_holes")
    if recorder is not None:
        return mark_safe(recorder.mark("value", name))  # our own marker
    return context.get(name, "")
