"""YouTube addresses: which ones name a video, and the one address we embed it from.

    video_id(url) -> "dQw4w9WgXcQ"     (raises ValidationError with an editor's message)
    embed_url(video_id) -> the youtube-nocookie.com player, autoplaying

Only the 11-character id is stored: the editor may paste any of YouTube's own address
forms, and nothing else of what they pasted (tracking parameters, playlists, another
host) ever reaches a page.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}
# Paths whose next segment is the id: /shorts/ID, /embed/ID, /live/ID, /v/ID.
ID_PATHS = ("shorts", "embed", "live", "v")
EMBED_HOST = "https://www.youtube-nocookie.com"
MAX_URL_LENGTH = 500


def refuse():
    raise ValidationError(
        _(
            "This is not the address of a YouTube video. Paste the address of the video "
            "from YouTube, such as https://www.youtube.com/watch?v=… or https://youtu.be/…"
        ),
        code="not_youtube",
    )


def video_id(url) -> str:
    """The video id of a YouTube address, or ValidationError."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH or any(c.isspace() for c in url):
        refuse()
    if "://" not in url:  # "youtu.be/ID", as people copy it from the address bar
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError for a port that is not a number
    except ValueError:
        refuse()
    host = (parts.hostname or "").lower()
    # No user:password@, no port: a look-alike such as youtube.com@evil.example is refused.
    if (
        parts.scheme.lower() not in ("http", "https")
        or host not in HOSTS
        or "@" in parts.netloc
        or port is not None
    ):
        refuse()
    segments = [s for s in parts.path.split("/") if s]
    if host == "youtu.be":
        candidate = segments[0] if len(segments) == 1 else ""
    elif segments == ["watch"]:
        values = parse_qs(parts.query).get("v", [])
        candidate = values[0] if len(values) == 1 else ""
    elif len(segments) == 2 and segments[0] in ID_PATHS:
        candidate = segments[1]
    else:
        candidate = ""
    if not VIDEO_ID.fullmatch(candidate):
        refuse()
    return candidate


def embed_url(video_id: str) -> str:
    """The privacy-enhanced player (no cookies until the reader plays), starting at once:
    the reader has already pressed play on our facade."""
    return f"{EMBED_HOST}/embed/{video_id}?autoplay=1"


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"
