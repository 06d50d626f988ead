"""What is in the media storage and the private folder that should not be: script files
(a web shell, a spam page), files whose content is not what their name says (PHP in a
.jpg), and files that no database row owns.

Every file of every storage a FileField uses is listed: the local disk with os.walk
(symlinks are not followed: a link to / would walk the whole machine), an S3 bucket with
one flat listing (a listdir per directory would cost one request per photo, since each
has its own renditions folder). Only the first 8 KB of a file are read.
"""

import logging
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from storages.backends.s3 import S3Storage

from articles.images import STORAGE_ERRORS
from articles.models import Photo
from documents.checks import sniff
from humas.storage import PrivateFileStorage

from ..models import Finding
from .registry import Issue, check

logger = logging.getLogger(__name__)

HEAD_BYTES = 8192
# An upload writes its files before its row (articles/images.save_photo): a file younger
# than this may belong to an upload still in progress.
ORPHAN_GRACE = timedelta(hours=1)
# Extensions a web server or a browser may run, wherever they are in a name
# ("shell.php.jpg" runs as PHP on a server that maps .php anywhere in the name).
SCRIPT_EXTENSIONS = frozenset(
    {
        "php", "php3", "php4", "php5", "php7", "php8", "pht", "phtml", "phar", "phps", "inc",
        "py", "pyc", "pl", "pm", "cgi", "sh", "bash", "zsh", "rb", "lua", "tcl",
        "js", "mjs", "cjs", "html", "htm", "xhtml", "shtml", "shtm", "stm", "xht", "svg",
        "svgz", "xml", "xsl", "xslt", "swf", "jsp", "jspx", "jsf", "asp", "aspx", "ashx",
        "asmx", "asa", "cer", "cfm", "exe", "dll", "so", "bat", "cmd", "com", "ps1", "vbs",
        "wsf", "hta", "jar", "war",
    }
)  # fmt: skip
SCRIPT_NAMES = frozenset({".htaccess", ".htpasswd", ".user.ini", "php.ini", "web.config"})
PLACEHOLDERS = frozenset({".gitkeep", ".keep"})
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
MAGIC = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),  # and "WEBP" at offset 8, checked below
    "pdf": (b"%PDF-",),
    **dict.fromkeys(("docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"), ZIP),
    **dict.fromkeys(("doc", "xls", "ppt"), OLE),
}
# Code in a file that claims to be something else. Only long tokens are looked for in
# binary files: a short one (say "<?=") turns up by chance in one compressed photo in a
# few thousand.
CODE_IN_BINARY = re.compile(rb"<\?php|<script|base64_decode|eval\(|<html", re.IGNORECASE)
CODE_IN_TEXT = re.compile(
    rb"<\?php|<\?=|<%@?|<script|<html|<!doctype html|<svg|<iframe|base64_decode|eval\(|^#!",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class Stored:
    label: str  # "media", "private": which storage
    name: str  # the storage's name for it
    size: int
    modified: datetime
    read_head: object  # () -> the first HEAD_BYTES bytes


def storage_key(storage):
    """One key per place files live, so a bucket or folder that two storages share is
    walked once and its owners pooled."""
    if isinstance(storage, S3Storage):
        return ("s3", storage.endpoint_url or "", storage.bucket_name, storage.location.strip("/"))
    if isinstance(storage, FileSystemStorage):
        return ("file", os.path.realpath(storage.location))
    return ("other", id(storage))


def file_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def places():
    """{storage key: (label, storage)}: the media storage, the private folder, the
    configured storages and every storage a FileField names."""
    found = {}
    candidates = [("media", default_storage), ("private", PrivateFileStorage())]
    candidates += [
        (alias, storages[alias]) for alias in settings.STORAGES if alias != "staticfiles"
    ]
    candidates += [
        (f"{model._meta.label_lower}.{field.name}", field.storage) for model, field in file_fields()
    ]
    for label, storage in candidates:
        found.setdefault(storage_key(storage), (label, storage))
    return found


def owned_names():
    """{storage key: names a row owns}: every FileField's value, and each photo's
    renditions (articles/images.py names them renditions/<photo's stem>/...)."""
    owned = defaultdict(set)
    for model, field in file_fields():
        names = model._base_manager.values_list(field.attname, flat=True)
        owned[storage_key(field.storage)].update(name for name in names.iterator() if name)
    photo_storage = storage_key(Photo._meta.get_field("image").storage)
    for renditions in Photo.objects.values_list("renditions", flat=True).iterator():
        owned[photo_storage].update(r["name"] for r in renditions)
    return owned


def photo_stems():
    """Renditions made for a photo that still exists belong to it, even those its row no
    longer lists (a focal point moved and the old ones are not deleted yet)."""
    return {PurePosixPath(name).stem for name in Photo.objects.values_list("image", flat=True)}


def walk(label, storage):
    if isinstance(storage, S3Storage):
        yield from walk_bucket(label, storage)
    elif isinstance(storage, FileSystemStorage):
        yield from walk_folder(label, storage)
    else:
        logger.warning("integrity: cannot list %s (%s)", label, type(storage).__name__)


def walk_folder(label, storage):
    root = storage.location
    for folder, directories, files in os.walk(root, followlinks=False):
        directories.sort()
        for filename in sorted(files):
            path = os.path.join(folder, filename)
            try:
                stat = os.lstat(path)
            except OSError:
                continue  # deleted meanwhile
            name = os.path.relpath(path, root).replace(os.sep, "/")
            yield Stored(
                label=label,
                name=name,
                size=stat.st_size,
                modified=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
                read_head=lambda path=path: read_local(path),
            )


def read_local(path):
    if os.path.islink(path):
        return b""  # not followed: where it points is not ours to read
    with open(path, "rb") as file:
        return file.read(HEAD_BYTES)


def walk_bucket(label, storage):
    prefix = storage.location.strip("/")
    prefix = f"{prefix}/" if prefix else ""
    for item in storage.bucket.objects.filter(Prefix=prefix):
        if item.key.endswith("/"):
            continue  # a "folder" marker some tools make
        yield Stored(
            label=label,
            name=item.key[len(prefix) :],
            size=item.size,
            modified=item.last_modified,
            read_head=lambda key=item.key: read_object(storage, key),
        )


def read_object(storage, key):
    response = storage.bucket.Object(key).get(Range=f"bytes=0-{HEAD_BYTES - 1}")
    return response["Body"].read()


def extensions(name):
    """Every dot-separated part after the first: "a.php.jpg" -> ["php", "jpg"]."""
    return [part.lower() for part in PurePosixPath(name).name.split(".")[1:]]


def content_problem(name, head):
    """Why `head` (a file's first bytes) does not fit `name`, or ""."""
    parts = extensions(name)
    extension = parts[-1] if parts else ""
    expected = MAGIC.get(extension)
    if expected is not None:
        matches = head.startswith(expected) and (extension != "webp" or head[8:12] == b"WEBP")
        if not matches:
            return gettext("named .%(extension)s, but its content is not; it starts: %(start)s") % {
                "extension": extension,
                "start": preview(head, 60),
            }
        code = CODE_IN_BINARY.search(head)
    elif sniff(head) == "executable":  # documents' check: a Windows, Linux or Mac program
        return gettext("is a program; it starts: %(start)s") % {"start": preview(head, 60)}
    else:
        code = CODE_IN_TEXT.search(head)
    if code:
        return gettext("holds code (%(code)s)") % {"code": code.group(0).decode("latin-1")}
    return ""


def preview(head, limit=120):
    """The first bytes as one line of text: white space as spaces, the rest as "·"."""
    text = " ".join(head[:limit].decode("utf-8", "replace").split())
    return "".join(ch if ch.isprintable() else "·" for ch in text)


@check
def stored_files(context):
    owned, stems = owned_names(), photo_stems()
    for key, (label, storage) in places().items():
        try:
            for stored in walk(label, storage):
                context.scanned["files"] += 1
                issue = file_issue(stored, owned[key], context.now)
                if issue is None or (
                    issue.kind == Finding.Kind.ORPHAN and is_rendition_of_photo(stored.name, stems)
                ):
                    continue
                yield issue
        except STORAGE_ERRORS:
            logger.exception("integrity: could not list %s", label)
            context.scanned["storage errors"] += 1


def is_rendition_of_photo(name, stems):
    parts = PurePosixPath(name).parts
    return len(parts) == 3 and parts[0] == "renditions" and parts[1] in stems


def file_issue(stored, owned, now):
    """The one issue (the most serious) of a stored file, or None."""
    name = PurePosixPath(stored.name).name
    where = f"{stored.label}/{stored.name}"
    key = (stored.size,)
    if name.lower() in PLACEHOLDERS and stored.size == 0:
        return None
    parts = extensions(name)
    if name.lower() in SCRIPT_NAMES or SCRIPT_EXTENSIONS.intersection(parts):
        try:
            head = stored.read_head()
        except (*STORAGE_ERRORS, ValueError):
            head = b""
        return Issue(
            kind=Finding.Kind.SCRIPT_FILE,
            severity=Finding.Severity.HIGH,
            where=where,
            object_repr=name,
            excerpt=file_excerpt(stored, preview(head)),
            key=key,
        )
    try:
        problem = content_problem(name, stored.read_head())
    except (*STORAGE_ERRORS, ValueError):
        logger.exception("integrity: could not read %s", where)
        problem = ""
    if problem:
        return Issue(
            kind=Finding.Kind.MISMATCH,
            severity=Finding.Severity.HIGH,
            where=where,
            object_repr=name,
            excerpt=file_excerpt(stored, problem),
            key=key,
        )
    if stored.name not in owned and stored.modified < now - ORPHAN_GRACE:
        return Issue(
            kind=Finding.Kind.ORPHAN,
            severity=Finding.Severity.LOW,
            where=where,
            object_repr=name,
            excerpt=file_excerpt(stored, gettext("no record uses this file")),
            key=key,
        )
    return None


def file_excerpt(stored, text):
    return gettext("%(size)s bytes, changed %(when)s: %(text)s") % {
        "size": stored.size,
        "when": timezone.localtime(stored.modified).strftime("%Y-%m-%d %H:%M"),
        "text": text,
    }
