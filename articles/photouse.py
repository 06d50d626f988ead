"""Where readers see a library photo, and so who may change it.

A photo shown by a published or scheduled article or page is part of what that page
says: replacing its file, or changing its caption, alt text, credit or crop, changes the
page. Like the page itself, that goes through an editor (`articles.publish_article`:
the photo library is the newsroom's), and the history of everything showing the photo
records the change. Until published work shows it, a photo is its uploader's (or its
photographer's own account's) to change.

A photo is shown by a foreign key (an article's featured photo or gallery, a page's
photo) or inline, in a body's HTML, which names one of the photo's files: the stem of
its stored name (32 random hex digits, articles.models.photo_upload_to) is in the
address of the file and of every rendition, on a local disk or a bucket alike. Finding
it there reads every published body (a LIKE with no index to use): 0.3 s for 100,000
articles of 5 KB on SQLite (measured), asked only when a writer opens a photo of their
own (once per request: PhotoAdmin.may_change) and when an editor saves one.

Apps whose published content shows library photos register, from their
AppConfig.ready(), how to find it, so that this module knows none of them (pages does):

    photouse.register(find, note)

find(photos, stems) returns the published or scheduled objects that show any of
`photos` (a Photo queryset) by a foreign key, or that name one of `stems` in their HTML;
note(obj, by, text, renames) points the object's HTML at the photo's new files
(rename_files) and adds `text` to its history.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.db.models import Q
from django.utils.translation import gettext as _

from . import workflow
from .models import Article, Photo

# Shorter stems are not ours (a hand-named file): matching them in bodies would be noise.
MIN_STEM_LENGTH = 16


@dataclass(frozen=True)
class Showing:
    find: Callable
    note: Callable


def articles_showing(photos, stems):
    """Published and scheduled articles (status published, whatever the time) showing
    any of `photos`: a schedule is an editor's approval of what the article shows."""
    shown = Q(featured_photo__in=photos) | Q(gallery_items__photo__in=photos)
    for stem in stems:
        shown |= Q(body__contains=stem)
    return Article.objects.filter(status=Article.Status.PUBLISHED).filter(shown).distinct()


def note_article(article, by, text, renames):
    body = rename_files(article.body, renames)
    if body != article.body:
        article.body = body
        article.save()
    workflow.record_revision(article=article, by=by, note=text)


_showings: list[Showing] = [Showing(articles_showing, note_article)]


def register(find, note):
    _showings.append(Showing(find, note))


def stems(photo) -> list[str]:
    stem = PurePath(photo.image.name or "").stem
    return [stem] if len(stem) >= MIN_STEM_LENGTH else []


def shown_by(photo) -> list[tuple[Showing, object]]:
    """Every published or scheduled article or page that shows `photo`, with how to note
    a change in its history. Ask before a new file is stored: bodies name the old one."""
    photos = Photo.objects.filter(pk=photo.pk)
    return [(s, obj) for s in _showings for obj in s.find(photos, stems(photo))]


def is_shown(photo) -> bool:
    photos = Photo.objects.filter(pk=photo.pk)
    return any(showing.find(photos, stems(photo)).exists() for showing in _showings)


def credit_is_shown(photographer) -> bool:
    """Whether published work prints this photographer's credit. Only under photos held
    by a foreign key: a photo inline in a body carries its credit as text of its own."""
    return any(showing.find(photographer.photos.all(), []).exists() for showing in _showings)


def may_change(user, photo) -> bool:
    """Whether `user` may change `photo`'s file, words, credit or crop, or delete it."""
    if workflow.can_publish(user) or photo is None or photo.pk is None:
        return True
    own = photo.uploaded_by_id == user.pk or (
        photo.photographer_id is not None and photo.photographer.user_id == user.pk
    )
    return own and not is_shown(photo)


def may_change_credit(user, photographer) -> bool:
    return workflow.can_publish(user) or not credit_is_shown(photographer)


def files(photo) -> dict:
    """The photo's stored names, to be compared by renames() after a change."""
    return {"image": photo.image.name, "renditions": [dict(r) for r in photo.renditions]}


def renames(before: dict, photo) -> dict[str, str]:
    """{old name: new name} for a photo whose file was replaced or whose crops were
    remade: each old rendition goes to the new one of its kind and format nearest in
    width, so that an image inline in a body keeps showing the photo, as it is now."""
    found = {}
    if before["image"] and before["image"] != photo.image.name:
        found[before["image"]] = photo.image.name
    for old in before["renditions"]:
        candidates = [
            r for r in photo.renditions if (r["format"], r["kind"]) == (old["format"], old["kind"])
        ]
        if candidates and old["name"] not in {r["name"] for r in photo.renditions}:
            best = min(candidates, key=lambda r: abs(r["width"] - old["width"]))
            found[old["name"]] = best["name"]
    return found


def rename_files(html: str, renames: dict[str, str]) -> str:
    for old, new in renames.items():
        html = html.replace(old, new)
    return html


def record_change(shown, *, photo, by, changed: list[str], renames: dict[str, str]) -> None:
    """Note in the history of everything that showed `photo` (shown_by(), asked before
    the change) that an editor changed it, and point inline images at its new files;
    `changed` names what changed, as the editor saw it ("caption", "file")."""
    if not changed:
        return
    text = _("Photo #%(id)s “%(photo)s” changed: %(fields)s") % {
        "id": photo.pk,
        "photo": str(photo)[:60],
        "fields": ", ".join(changed),
    }
    for showing, obj in shown:
        showing.note(obj, by, text[:200], renames)  # 200: the revisions' note
