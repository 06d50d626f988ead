"""Fault drills: the real site (gunicorn, SQLite or PostgreSQL, Redis) while things break.

A worker SIGKILLed in the middle of a comment or a photo upload, Redis restarted,
PostgreSQL stopped and started, the media disk full. Each drill states what must hold
afterwards; docs/faults.md has the commands and the results.
"""

import io
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import uuid
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, ImageDraw

import humas.cache
from articles import images
from articles.models import Photo

from ..factories import (
    jpeg_bytes,
    make_article,
    make_category,
    make_photo,
    make_photographer,
    make_reader,
    make_user,
)
from ..live import fetch, free_port, gunicorn_master, manage, site_env, worker_pids
from ..services import IN_CI, PostgreSQL, start_redis

CSRF_TOKEN = "faultdrill" * 3 + "ok"  # 32 letters: a CSRF secret the form sends back as is
BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36"

SETUP = """
import json
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from accounts.models import User
from articles.models import Article, Category, Photographer

def session(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value

category = Category.objects.create(name="Pemerintahan")
article = Article.objects.create(
    title="Uji gangguan", slug="uji-gangguan", dateline="SEMARANG", body="<p>Isi.</p>",
    category=category, status="published", published_at=timezone.now(),
)
readers = [
    User.objects.create_user(
        f"pembaca{i}", f"pembaca{i}@example.com", "kata-sandi-panjang",
        email_verified_at=timezone.now(),
    )
    for i in range(READERS)
]
staff = User.objects.create_user("fotografer", "foto@example.com", "kata-sandi-panjang",
                                 is_staff=True)
staff.groups.add(Group.objects.get(name="Fotografer"))
photographer = Photographer.objects.create(name="Handy", user=staff)
print(json.dumps({
    "slug": article.slug,
    "readers": [session(reader) for reader in readers],
    "staff": session(staff),
    "photographer": photographer.pk,
}))
"""


@pytest.fixture(scope="module")
def template_site(tmp_path_factory):
    """A migrated SQLite database and collected static files, made once for the module."""
    tmp_path = tmp_path_factory.mktemp("template")
    env = site_env(tmp_path, REDIS_URL="")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    return tmp_path


def prepare_site(tmp_path, template, *, readers=12, **extra):
    """A site with one article, verified readers and a photographer on the staff
    (Fotografer role), and their login sessions. SQLite (a copy of the template's
    database) unless DATABASE_URL is given; no Redis unless REDIS_URL is (even in CI's
    run with a REDIS_URL of its own)."""
    extra = {"REDIS_URL": "", "STATIC_ROOT": str(template / "static"), **extra}
    env = site_env(tmp_path, BEHIND_PROXY="true", **extra)
    if "DATABASE_URL" in extra:
        manage(env, "migrate", "--noinput", "-v0")
    else:
        shutil.copy(template / "site.sqlite3", tmp_path / "site.sqlite3")
    return env, django_shell(env, SETUP.replace("READERS", str(readers)))


def django_shell(env, code):
    """Run `code` in manage.py shell; returns what it printed as JSON on its last line."""
    out = manage(env, "shell", "-c", code).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- a client that can stop half-way --------------------------------------------------


class RawRequest:
    """An HTTP request written by hand on a socket, so that it can stop half-way through
    its body, as a phone on a weak connection does."""

    def __init__(self, base, method, path, *, body=b"", headers=None):
        self.sock = socket.create_connection(("127.0.0.1", urlsplit(base).port), timeout=30)
        self.body, self.sent = body, 0
        lines = [
            f"{method} {path} HTTP/1.1",
            "Host: 127.0.0.1",
            f"Content-Length: {len(body)}",
            "Connection: close",
            f"User-Agent: {BROWSER}",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())

    def send(self, upto=None):
        """Send the body up to byte `upto` (all of it by default); False if the server
        hung up first."""
        upto = len(self.body) if upto is None else upto
        try:
            self.sock.sendall(self.body[self.sent : upto])
        except OSError:
            return False
        self.sent = upto
        return True

    def response(self):
        """(status, body) of the answer, or (None, "") if the connection was dropped."""
        chunks = []
        try:
            while chunk := self.sock.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
        finally:
            self.sock.close()
        raw = b"".join(chunks)
        if not raw:
            return None, ""
        head, _, body = raw.partition(b"\r\n\r\n")
        return int(head.split()[1]), body.decode(errors="replace")


def form_post(base, path, fields, *, session):
    body = urlencode({"csrfmiddlewaretoken": CSRF_TOKEN, **fields}).encode()
    return RawRequest(
        base, "POST", path, body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session}; csrftoken={CSRF_TOKEN}",
        },
    )  # fmt: skip


def multipart_post(base, path, fields, files, *, session):
    boundary = f"humas-{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in {"csrfmiddlewaretoken": CSRF_TOKEN, **fields}.items()
    ]
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return RawRequest(
        base, "POST", path, body=b"".join(parts),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": f"sessionid={session}; csrftoken={CSRF_TOKEN}",
        },
    )  # fmt: skip


def the_worker(master):
    """The pid of the single worker (the drills run gunicorn with one, so the worker
    that reads a request is known), waiting for it to be (re)started."""
    deadline = time.monotonic() + 20
    while not (pids := worker_pids(master.pid)):
        assert time.monotonic() < deadline, "gunicorn started no worker"
        time.sleep(0.02)
    return pids[0]


def kill_worker(master, base):
    """SIGKILL the worker, as the OOM killer or a crash would; return once gunicorn has
    started a new one and it answers."""
    pid = the_worker(master)
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: worker_pids(master.pid) not in ([], [pid]), interval=0.02)
    wait_for(lambda: fetch(f"{base}/healthz")[0] == 200, interval=0.05)
    return pid


def warm_up(base, slug):
    """Have a new worker render the article once (uncounted: a bot), so that a drill's
    timings are those of a warm worker, not of its first request."""
    assert fetch(f"{base}/berita/{slug}/", **{"User-Agent": "curl/8"})[0] == 200


def wait_for(condition, timeout=20, interval=0.002):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(interval)


# --- 1. a worker killed in the middle of a request ------------------------------------


def big_photo(width=3000, height=2000):
    """A JPEG large enough that checking it and making its renditions takes a while."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 97):
        draw.line([(x, 0), (width - x, height)], fill=(x % 255, 90, 200), width=7)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def media_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


REFERENCED = """
import json
from articles.models import Photo
names = set()
for image, renditions in Photo.objects.values_list("image", "renditions"):
    names.add(image)
    names.update(r["name"] for r in renditions)
print(json.dumps({"photos": Photo.objects.count(), "names": sorted(names)}))
"""


def orphans(env, media_root):
    """(number of Photo rows, files under MEDIA_ROOT that belong to no Photo row)."""
    state = django_shell(env, REFERENCED)
    return state["photos"], sorted(set(media_files(media_root)) - set(state["names"]))


def sweep(env, *args):
    return manage(env, "clean_orphan_media", *args).stdout


def test_photo_upload_killed_mid_request_leaves_no_row_and_the_sweep_removes_its_files(
    tmp_path, template_site
):
    env, site = prepare_site(tmp_path, template_site, readers=0)
    media = tmp_path / "media"
    photo = big_photo()
    fields = {"alt_text": "Gubernur meninjau jembatan", "caption": "",
              "photographer": site["photographer"], "focal_x": "0.5", "focal_y": "0.5"}  # fmt: skip

    def upload():
        return multipart_post(
            base, "/admin/articles/photo/add/", fields, {"upload": ("jembatan.jpg", photo)},
            session=site["staff"],
        )  # fmt: skip

    def renditions_written():
        return (media / "renditions").exists() and any((media / "renditions").rglob("*.*"))

    with gunicorn_master(env, workers=1, log_path=tmp_path / "gunicorn.log") as (base, master):
        # While the body is still arriving: nothing is stored.
        request = upload()
        request.send(len(request.body) // 2)
        time.sleep(0.3)
        kill_worker(master, base)
        assert request.response() == (None, "")
        assert orphans(env, media) == (0, [])
        assert media_files(media) == []

        # Sent whole, while the view reads and checks it, before it stores anything.
        request = upload()
        request.send()
        time.sleep(0.05)
        kill_worker(master, base)
        assert request.response() == (None, "")
        assert orphans(env, media) == (0, [])
        assert media_files(media) == []

        # While the view writes the renditions: the transaction dies with the worker,
        # and so does the clean-up of the files written so far.
        request = upload()
        request.send()
        wait_for(renditions_written)
        kill_worker(master, base)
        assert request.response() == (None, "")
        rows, left = orphans(env, media)
        assert rows == 0
        assert any(name.startswith("photos/") for name in left)
        assert any(name.startswith("renditions/") for name in left)

        # The sweep: a dry run lists them, the default keeps files younger than an hour
        # (an upload may still be under way), and --older-than 0 deletes them all.
        listed = sweep(env, "--dry-run", "--older-than", "0", "-v2")
        assert all(f"would delete {name}" in listed for name in left)
        assert f"{len(left)} orphan files would be deleted." in listed
        assert "0 orphan files deleted." in sweep(env)
        assert orphans(env, media) == (0, left)
        assert f"{len(left)} orphan files deleted." in sweep(env, "--older-than", "0")
        assert media_files(media) == []

        # The site still takes the upload, and the sweep keeps what a row references.
        request = upload()
        assert request.send()
        status, _ = request.response()
        assert status == 302
        assert "0 orphan files deleted." in sweep(env, "--older-than", "0")
        rows, left = orphans(env, media)
        assert (rows, left) == (1, [])
        assert len(media_files(media)) == 10  # the photo and its 9 renditions
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()


@pytest.mark.django_db
def test_the_sweep_deletes_only_old_photo_files_that_no_photo_references(settings):
    photo = make_photo()
    kept = [photo.image.name, *(r["name"] for r in photo.renditions)]
    root = settings.MEDIA_ROOT
    orphaned = ["photos/2026/01/mati.jpg", "renditions/mati/fit-480x320-50-50.webp"]
    young = "renditions/baru/fit-480x320-50-50.webp"  # an upload that may still commit
    elsewhere = "ekspor/laporan.csv"  # not the photo desk's
    for name in [*orphaned, young, elsewhere]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    two_hours_ago = time.time() - 2 * 3600
    for name in [*kept, *orphaned, elsewhere]:
        os.utime(root / name, (two_hours_ago, two_hours_ago))

    out = io.StringIO()
    call_command("clean_orphan_media", "--dry-run", "-v2", stdout=out)
    assert out.getvalue().splitlines() == [
        *(f"would delete {name}" for name in sorted(orphaned)),
        "2 orphan files would be deleted.",
    ]
    assert media_files(root) == sorted([*kept, *orphaned, young, elsewhere])
    out = io.StringIO()
    call_command("clean_orphan_media", stdout=out)
    assert out.getvalue() == "2 orphan files deleted.\n"
    assert media_files(root) == sorted([*kept, young, elsewhere])


CHECK_COMMENTS = """
import json
from django.db import connection
from django.db.models import Sum
from articles.models import Article, Comment, ViewMark

with connection.cursor() as cursor:
    cursor.execute("PRAGMA integrity_check")
    (integrity,) = cursor.fetchone()
    cursor.execute("PRAGMA foreign_key_check")
    broken = cursor.fetchall()
article = Article.objects.get(slug="uji-gangguan")
print(json.dumps({
    "integrity": integrity,
    "foreign_key_errors": len(broken),
    "comments": sorted(
        [c.user.username, c.body, c.article_id == article.pk, c.status]
        for c in Comment.objects.select_related("user")
    ),
    "views": [
        article.view_count,
        article.daily_views.aggregate(total=Sum("views"))["total"] or 0,
        ViewMark.objects.filter(article=article).count(),
    ],
}))
"""


def test_comment_killed_mid_request_is_stored_whole_or_not_at_all(tmp_path, template_site):
    delays = (0, 0.001, 0.002, 0.003, 0.005, 0.01)  # after the last byte, in seconds
    env, site = prepare_site(tmp_path, template_site, readers=2 + len(delays))
    path = f"/berita/{site['slug']}/komentar/"
    readers = site["readers"]

    def comment(n):
        return form_post(base, path, {"body": f"Komentar nomor {n} dari pembaca."},
                         session=readers[n])  # fmt: skip

    def article_page(n):
        return RawRequest(base, "GET", f"/berita/{site['slug']}/",
                          headers={"Cookie": f"sessionid={readers[n]}"})  # fmt: skip

    with gunicorn_master(env, workers=1, log_path=tmp_path / "gunicorn.log") as (base, master):
        # While the body is still arriving.
        request = comment(0)
        request.send(len(request.body) // 2)
        time.sleep(0.2)
        kill_worker(master, base)
        assert request.response() == (None, "")

        # In the view, waiting for the database: we hold SQLite's write lock, so its
        # transaction cannot begin (and the post cannot finish) before the kill.
        database = sqlite3.connect(tmp_path / "site.sqlite3", isolation_level=None)
        database.execute("BEGIN IMMEDIATE")
        request = comment(1)
        request.send()
        time.sleep(0.5)
        kill_worker(master, base)
        database.execute("ROLLBACK")
        database.close()
        assert request.response() == (None, "")

        # Kills spread over the view, from before it starts to after it answers; and the
        # same for a logged-in reader's page view, which is counted in a transaction.
        answered = {}
        for n, delay in enumerate(delays, start=2):
            for make, kind in ((comment, "comment"), (article_page, "page")):
                warm_up(base, site["slug"])
                request = make(n)
                request.send()
                time.sleep(delay)
                kill_worker(master, base)
                answered[n, kind] = request.response()[0]

        state = django_shell(env, CHECK_COMMENTS)
        assert state["integrity"] == "ok"
        assert state["foreign_key_errors"] == 0
        stored = {username: (body, same_article) for username, body, same_article, _status
                  in state["comments"]}  # fmt: skip
        assert "pembaca0" not in stored and "pembaca1" not in stored
        for n in range(2, 2 + len(delays)):
            # Answered means stored; not answered, it may have been killed after the
            # commit. Either way a stored comment is whole.
            if answered[n, "comment"] == 302:
                assert f"pembaca{n}" in stored
            if f"pembaca{n}" in stored:
                assert stored[f"pembaca{n}"] == (f"Komentar nomor {n} dari pembaca.", True)
        # Every counted view has its reader mark and its daily bucket, or none of them.
        total, daily, marks = state["views"]
        assert total == daily == marks
        assert total >= sum(
            1 for (_n, kind), status in answered.items() if kind == "page" and status == 200
        )

        # Readers whose answer never came send the form again: nothing is left locked,
        # and a comment stored before the kill is not stored twice (the double-submit
        # rule), so every reader has exactly one.
        for n in range(len(readers)):
            request = comment(n)
            request.send()
            assert request.response()[0] == 302
        state = django_shell(env, CHECK_COMMENTS)
        assert sorted(username for username, *_ in state["comments"]) == sorted(
            f"pembaca{n}" for n in range(len(readers))
        )
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log
    assert log.count("was sent SIGKILL") == 2 + 2 * len(delays)


# --- 2. Redis restarted -----------------------------------------------------------------

LOGGED_IN = 'action="/akun/keluar/"'  # the account menu's "Log out" button
PUBLIC_PAGES = (
    "/",
    "/berita/uji-gangguan/",
    "/kategori/pemerintahan/",
    "/populer/",
    "/cari/?q=uji",
)


def read(base, path, *, ip="198.51.100.1", session=None, ua=BROWSER):
    headers = {"User-Agent": ua, "X-Forwarded-For": ip}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    return fetch(base + path, **headers)


def view_count(tmp_path):
    with sqlite3.connect(tmp_path / "site.sqlite3") as database:
        return database.execute(
            "SELECT view_count FROM articles_article WHERE slug = 'uji-gangguan'"
        ).fetchone()[0]


def shown_count(html):
    return int(re.search(r"dibaca : ([\d.]+)<", html).group(1).replace(".", ""))


def test_redis_restart_loses_only_the_unflushed_views_and_keeps_readers_logged_in(
    tmp_path, template_site
):
    redis_url, redis_process = start_redis(tmp_path)
    port = urlsplit(redis_url).port
    try:
        env, site = prepare_site(
            tmp_path, template_site, readers=1, REDIS_URL=redis_url, VIEW_COUNTER_BACKEND="redis"
        )
        reader = site["readers"][0]
        article = "/berita/uji-gangguan/"
        with gunicorn_master(env, workers=2, log_path=tmp_path / "gunicorn.log") as (base, _):
            for i in range(5):
                assert read(base, article, ip=f"198.51.100.{i}")[0] == 200
            assert "5 views moved" in manage(env, "flush_views").stdout
            for i in range(5, 8):  # counted after the last flush: buffered in Redis only
                assert read(base, article, ip=f"198.51.100.{i}")[0] == 200
            assert "3 buffered views" in manage(env, "flush_views", "--dry-run").stdout
            status, _, html = read(base, article, session=reader)
            assert status == 200 and LOGGED_IN in html
            assert shown_count(html) == 9  # 5 flushed, 3 buffered, and this reader's own

            redis_process.kill()  # a crash: no chance to save anything (and none is asked)
            redis_process.wait()
            during = {path: read(base, path, ip="203.0.113.9") for path in PUBLIC_PAGES}
            during["reader"] = read(base, article, session=reader)
            health = fetch(f"{base}/healthz")
            assert health[0] == 503 and '"cache": "error' in health[2]
            # The cache (humas.cache.TolerantRedisCache) answers "not found" meanwhile:
            # every page is rendered from the database, and the reader stays logged in.
            for path, (status, _, html) in during.items():
                assert status == 200, path
                assert "Traceback" not in html
            assert LOGGED_IN in during["reader"][2]

            redis_url, redis_process = start_redis(tmp_path, port=port)
            # The very next requests are served again, without restarting gunicorn.
            for path in PUBLIC_PAGES:
                assert read(base, path, ua="curl/8.5")[0] == 200, path  # not counted
            assert fetch(f"{base}/healthz")[0] == 200
            # Sessions are written through to the database (cached_db): the reader is
            # still logged in, though Redis came back empty.
            status, _, html = read(base, article, session=reader)
            assert status == 200 and LOGGED_IN in html

            # The reader's mark (seen within VIEW_DEDUP_SECONDS) went with Redis too, so
            # this view counted again.
            assert shown_count(html) == 5 + 1
            # Views count again at once, and the page shows the database's count plus the
            # new buffer (no stale total from before the restart).
            for i in range(20, 24):
                status, _, html = read(base, article, ip=f"198.51.100.{i}")
                assert status == 200
            assert shown_count(html) == 5 + 1 + 4
            # The 3 views buffered before the crash (and the reader's) are lost, no more:
            # the 5 flushed before stay, and the 5 counted since are added.
            assert "5 views moved" in manage(env, "flush_views").stdout
            assert view_count(tmp_path) == 10
    finally:
        redis_process.kill()
        redis_process.wait()


@pytest.mark.django_db
def test_with_the_tolerant_cache_pages_are_served_while_redis_is_down(
    client, settings, caplog, monkeypatch
):
    """humas.cache.TolerantRedisCache, in this process, with no Redis behind it."""
    monkeypatch.setattr(humas.cache, "_last_logged", 0.0)  # log this outage, however recent
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "humas.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Saving content moves the pages' content version on: with no Redis, that is skipped.
    article = make_article(title="Uji gangguan", category=make_category(name="Pemerintahan"))
    for path in ("/", article.get_absolute_url(), "/kategori/pemerintahan/", "/populer/"):
        assert client.get(path).status_code == 200, path
    client.force_login(make_reader())  # the session is in the database too (cached_db)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and LOGGED_IN in response.content.decode()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["cache"] == "error: no round trip"
    assert "Redis cache unavailable, carrying on without it" in caplog.text


# --- 3. PostgreSQL restarted ------------------------------------------------------------


def test_postgresql_stop_fails_requests_cleanly_and_its_return_needs_no_restart(
    tmp_path, template_site
):
    database = PostgreSQL()
    try:
        env, site = prepare_site(tmp_path, template_site, readers=1, DATABASE_URL=database.url)
        reader = site["readers"][0]
        article = "/berita/uji-gangguan/"
        with gunicorn_master(env, workers=2, log_path=tmp_path / "gunicorn.log") as (base, _):
            for path in PUBLIC_PAGES * 2:  # both workers now hold a database connection
                assert read(base, path)[0] == 200, path
            assert read(base, article, session=reader)[0] == 200

            # Restarted between two requests: each worker's connection is dead, and is
            # found so before use (CONN_HEALTH_CHECKS) and replaced. No request fails.
            database.stop()
            database.start()
            for path in ("/arsip/", "/cari/?q=jembatan", "/healthz") * 3:
                assert read(base, path)[0] == 200, path

            database.stop()
            # Pages that need the database: our 500 page, no traceback, no details.
            for path, session in (
                ("/cari/?q=gubernur", None),
                (article, reader),
                ("/arsip/2020/01/", None),
            ):
                status, _, html = read(base, path, session=session)
                assert status == 500, path
                assert "Terjadi gangguan" in html
                assert "Traceback" not in html and "psycopg" not in html
                assert str(database.port) not in html
            health = fetch(f"{base}/healthz")
            assert health[0] == 503 and '"database": "error: OperationalError"' in health[2]
            # Anonymous pages that the worker answering has in its cache are still served.
            for path in PUBLIC_PAGES:
                status, _, html = read(base, path)
                assert status == 200 or (status == 500 and "Terjadi gangguan" in html), path

            database.start()
            # The very next requests succeed, on both workers, without restarting gunicorn.
            for _ in range(3):
                for path in ("/cari/?q=jembatan", "/arsip/", "/healthz"):
                    assert read(base, path)[0] == 200, path
                status, _, html = read(base, article, session=reader)
                assert status == 200 and LOGGED_IN in html
    finally:
        database.remove()


# --- 4. the media disk full -------------------------------------------------------------


@pytest.fixture
def small_media_disk(tmp_path, settings):
    """MEDIA_ROOT on a 2 MB tmpfs of its own (needs root); unmounted afterwards."""
    disk = tmp_path / "media-disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        message = f"cannot mount a small tmpfs for MEDIA_ROOT: {mounted.stderr.strip()}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    settings.MEDIA_ROOT = disk
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def fill(disk, *, leave):
    """Fill the disk with one file until `leave` bytes are free."""
    stat = os.statvfs(disk)
    (disk / "filler").write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - leave))


def noisy_photo(size=(900, 600)):
    """A photo that compresses badly: its files take room (some 300 KB in all)."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


@pytest.fixture
def photo_desk(client, roles):
    """A logged-in photographer (Fotografer role) and their credit."""
    user = make_user(is_staff=True)
    user.groups.add(roles["Fotografer"])
    client.force_login(user)
    return client, make_photographer(name="Handy", user=user)


def upload_photo(client, photographer, content):
    return client.post(
        "/admin/articles/photo/add/",
        {
            "upload": SimpleUploadedFile("jembatan.jpg", content, "image/jpeg"),
            "alt_text": "Gubernur meninjau jembatan",
            "caption": "",
            "photographer": photographer.pk,
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )


DISK_FULL = "Disk media penuh: foto tidak tersimpan. Beri tahu administrator situs."


@pytest.mark.django_db
@pytest.mark.parametrize("room", ["none", "photo-only"])
def test_a_full_media_disk_gives_the_form_back_with_a_clear_message_and_stores_nothing(
    small_media_disk, photo_desk, caplog, room
):
    client, photographer = photo_desk
    content = noisy_photo()
    stored_size = len(images.clean_upload(ContentFile(content, name="x.jpg")).content)
    # "none": not even the photo fits; "photo-only": the photo does, its renditions not.
    fill(small_media_disk, leave=16 * 1024 if room == "none" else stored_size + 64 * 1024)
    response = upload_photo(client, photographer, content)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["upload"] == [DISK_FULL]
    assert DISK_FULL in response.content.decode()
    assert not Photo.objects.exists()
    assert media_files(small_media_disk) == ["filler"]
    assert "could not store an uploaded photo" in caplog.text
    assert ("in make_renditions" in caplog.text) == (room == "photo-only")
    # Room made, the same upload goes through.
    (small_media_disk / "filler").unlink()
    assert upload_photo(client, photographer, content).status_code == 302
    assert Photo.objects.count() == 1


@pytest.mark.django_db
def test_the_bulk_upload_lists_the_photos_a_full_disk_refused(small_media_disk, photo_desk):
    client, photographer = photo_desk
    fill(small_media_disk, leave=160 * 1024)  # room for a small photo, not for a noisy one
    response = client.post(
        "/admin/articles/photo/unggah/",
        {
            "files": [
                SimpleUploadedFile("kecil.jpg", jpeg_bytes((640, 400))),
                SimpleUploadedFile("besar.jpg", noisy_photo()),
            ],
            "photographer": photographer.pk,
            "alt_text": "Kegiatan di Gedung Gradhika",
        },
    )
    assert response.status_code == 200
    assert response.context["refused"] == [("besar.jpg", [DISK_FULL])]
    assert [photo.image.name for photo in response.context["saved"]] == [
        photo.image.name for photo in Photo.objects.all()
    ]
    photo = Photo.objects.get()
    assert set(media_files(small_media_disk)) == {
        "filler",
        photo.image.name,
        *(r["name"] for r in photo.renditions),
    }


@pytest.mark.django_db
def test_other_storage_errors_give_a_generic_message(settings, photo_desk):
    client, photographer = photo_desk
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "photos").write_text("a file where the folder should be")
    response = upload_photo(client, photographer, jpeg_bytes())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["upload"] == [
        "Foto tidak dapat disimpan. Coba lagi; jika terjadi lagi, beri tahu administrator situs."
    ]
    assert not Photo.objects.exists()
