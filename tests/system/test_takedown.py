"""The takedown drill and the edit drill: an editor's change in the admin reaches every
worker at once.

The real site under gunicorn with 4 workers, with its page version in Redis (REDIS_URL)
or in the database (humas_pageversion, SQLite). Every worker first serves, and so keeps
in its memory (humas/pagecache/), the article's page. Then an editor, signed in to
/admin/ in a separate connection as a browser would be, changes the article through the
admin's own forms; the admin runs in whichever worker takes the POST. From the very
next request on, every worker must answer with the change:

- takedown: the change form, status "unpublished" with a reason: 410 and the reason;
- bulk unpublish: the changelist's "Unpublish the selected articles" action: 410;
- edit: the change form with a new title: the new title, never the old one.

Each request carries `?drill=<tag>` (the article page's cache key is its path alone, so
the query string changes nothing) and the access log is written with the worker's pid
(GUNICORN_CMD_ARGS adds `%(p)s`), so the drill knows which worker answered what, checks
that the requests after a change were spread over every worker, and names the worker and
request of any stale answer.
"""

import html
import http.client
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from html.parser import HTMLParser
from itertools import count

import pytest

from ..live import gunicorn_master, manage, site_env, worker_pids
from ..services import start_redis

WORKERS = 4
THREADS = 16
WARM_UP = 200  # requests to make every worker keep the page
AFTER = 50  # requests after the change that must all show it
MAX_AFTER = 200  # more if the first 50 missed a worker, at most this many in all
BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36"
USERNAME, PASSWORD = "redaktur-drill", "kata-sandi-redaktur-yang-panjang-42"
REASON = "Ditarik atas permintaan narasumber: kutipan keliru (drill 7731)."
TITLE = re.compile(r'<h1 id="article-title">(.*?)</h1>', re.S)

SETUP = f"""
import json
from accounts.models import User
from articles.models import Article
User.objects.create_superuser({USERNAME!r}, "redaktur@example.com", {PASSWORD!r})
articles = Article.objects.published().order_by("-published_at")[:3]
print(json.dumps([{{"pk": a.pk, "slug": a.slug, "title": a.title}} for a in articles]))
"""


class Site:
    """The running site: its gunicorn master, base URL, log and the chosen articles."""

    def __init__(self, kind, env, base, master, log, articles):
        self.kind, self.env, self.base, self.master, self.log = kind, env, base, master, log
        self.port = int(base.rsplit(":", 1)[1])
        self.takedown, self.unpublish, self.edit = articles
        self.tags = count()

    def get(self, path, tag):
        """(status, body) of one GET on a connection of its own (Connection: close), so
        that consecutive requests may go to any worker."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "GET",
                f"{path}?drill={tag}",
                headers={"User-Agent": BROWSER, "Connection": "close"},
            )
            response = connection.getresponse()
            return response.status, response.read().decode(errors="replace")
        finally:
            connection.close()

    def readers(self, path, n, label):
        """n requests for `path` from THREADS threads at once:
        [(tag, worker pid, status, body)] in the order they were sent."""
        tags = [f"{label}-{next(self.tags)}" for _ in range(n)]
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            answers = list(pool.map(lambda tag: self.get(path, tag), tags))
        pids = self.served_by(tags)
        return [(tag, pids[tag], *answer) for tag, answer in zip(tags, answers, strict=True)]

    def served_by(self, tags):
        """{tag: pid of the worker that answered it}, from the access log, which a worker
        writes just after its response."""
        deadline = time.monotonic() + 10
        while True:
            log = self.log.read_text()
            found = re.findall(r'^<(\d+)> "GET \S*\?drill=([\w-]+) ', log, re.M)
            seen = {tag: int(pid) for pid, tag in found}
            if all(tag in seen for tag in tags):
                return {tag: seen[tag] for tag in tags}
            missing = [tag for tag in tags if tag not in seen]
            assert time.monotonic() < deadline, f"not in the access log: {missing[:5]}"
            time.sleep(0.05)

    def workers(self):
        pids = set(worker_pids(self.master.pid))
        assert len(pids) == WORKERS, pids
        return pids

    def warm(self, article):
        """Every worker serves the article's page (200), and so keeps it."""
        path = f"/berita/{article['slug']}/"
        answers = self.readers(path, WARM_UP, "warm")
        bad = [(tag, pid, status) for tag, pid, status, _ in answers if status != 200]
        assert not bad, f"{len(bad)} warm-up requests failed: {bad[:5]}"
        assert all(page_title(body) == article["title"] for *_, body in answers)
        served = {pid for _, pid, _, _ in answers}
        assert served == self.workers(), f"warm-up reached only {served} of {self.workers()}"
        return path

    def after_change(self, path, label, wrong):
        """The next AFTER requests (more, up to MAX_AFTER, until every worker has answered
        at least one); fails naming every answer for which wrong(status, body) says why."""
        answers = self.readers(path, AFTER, label)
        while {pid for _, pid, _, _ in answers} != self.workers() and len(answers) < MAX_AFTER:
            answers += self.readers(path, THREADS, label)
        stale = [
            f"request #{n} ({tag}) worker {pid}: {why}"
            for n, (tag, pid, status, body) in enumerate(answers, start=1)
            if (why := wrong(status, body))
        ]
        per_worker = {
            pid: sum(1 for _, p, _, _ in answers if p == pid) for pid in sorted(self.workers())
        }
        print(f"\n{self.kind} {label}: {len(answers)} requests by worker {per_worker}, "
              f"{len(stale)} stale")  # fmt: skip
        assert not stale, f"{len(stale)} of {len(answers)} requests were stale:\n" + "\n".join(
            stale[:20]
        )
        assert all(per_worker.values()), f"a worker answered none of them: {per_worker}"
        assert len(answers) >= AFTER


def page_title(body):
    found = TITLE.search(body)
    return html.unescape(found.group(1).strip()) if found else ""


class FormFields(HTMLParser):
    """What a browser would submit from the form with id `form_id`, unchanged:
    [(name, value)] from its inputs, checked boxes, selected options and textareas."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select = self.textarea = None
        self.options = []  # (value, selected) of the current select

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select":
            self.select, self.options = attrs["name"], []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected]
            self.fields += [(self.select, value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            self.fields.append((name, text.removeprefix("\n")))  # as browsers read it
            self.textarea = None


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect comes back as the response itself (HTTPError 302)


class Editor:
    """A signed-in editor's browser: cookies, CSRF tokens and the admin's forms."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def open(self, path, fields=None):
        """(status, Location, body) of a GET, or of a POST of `fields`, not following
        redirects."""
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"User-Agent": BROWSER, "Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, None, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), error.read().decode(errors="replace")

    def form(self, path, form_id):
        status, _, page = self.open(path)
        assert status == 200, (path, status)
        parser = FormFields(form_id)
        parser.feed(page)
        assert parser.fields, f"no form {form_id!r} on {path}"
        return parser.fields

    def log_in(self):
        # The admin's login is the site's (/admin/login/ sends there).
        fields = dict(self.form("/akun/masuk/?next=/admin/", "login-form"))
        status, location, body = self.open(
            "/akun/masuk/?next=/admin/",
            {**fields, "username": USERNAME, "password": PASSWORD, "next": "/admin/"},
        )
        assert (status, location) == (302, "/admin/"), (status, location, body[-2000:])

    def change(self, article, **changes):
        """Save the article's change form with `changes`, the rest as the form has it."""
        path = f"/admin/articles/article/{article['pk']}/change/"
        fields = [(name, value) for name, value in self.form(path, "article_form")]
        assert all(any(name == field for name, _ in fields) for field in changes), fields
        fields = [(name, changes.get(name, value)) for name, value in fields]
        status, location, body = self.open(path, [*fields, ("_save", "Save")])
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S)
        assert (status, location) == (302, "/admin/articles/article/"), (status, errors)

    def unpublish_selected(self, article):
        """The changelist's bulk action, as the editor picks it from the menu."""
        path = "/admin/articles/article/"
        token = next(v for n, v in self.form(path, "changelist-form") if n == "csrfmiddlewaretoken")
        status, location, body = self.open(
            path,
            {
                "csrfmiddlewaretoken": token,
                "action": "unpublish_selected",
                "select_across": "0",
                "index": "0",
                "_selected_action": str(article["pk"]),
            },
        )
        assert (status, location) == (302, path), (status, body[-2000:])
        _, _, changelist = self.open(path)  # the action's message, shown once
        assert '<li class="info">1 ' in changelist, changelist[-3000:]  # "1 artikel ditarik."


@pytest.fixture(scope="module", params=["redis", "database"])
def site(request, tmp_path_factory):
    """A seeded SQLite site under gunicorn with 4 workers, its page version in Redis or
    in the database; an editor account."""
    tmp = tmp_path_factory.mktemp(f"takedown-{request.param}")
    with ExitStack() as stack:
        extra = {}
        if request.param == "redis":
            redis_url, redis_process = start_redis(tmp)  # fails in CI when missing
            stack.callback(redis_process.wait, timeout=10)
            stack.callback(redis_process.terminate)
            extra = {"REDIS_URL": redis_url}
        env = site_env(
            tmp,
            **extra,
            # The worker's pid first on each access-log line: who answered each request.
            # No control socket: ~/.gunicorn/gunicorn.ctl is one per machine, and other
            # drills' masters may be running.
            GUNICORN_CMD_ARGS="--no-control-socket --access-logformat='%(p)s \"%(r)s\" %(s)s'",
        )
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed_demo", "-v0")
        articles = json.loads(manage(env, "shell", "-c", SETUP).stdout.strip().splitlines()[-1])
        assert len({a["title"] for a in articles}) == 3, articles
        log = tmp / "gunicorn.log"
        base, master = stack.enter_context(gunicorn_master(env, workers=WORKERS, log_path=log))
        yield Site(request.param, env, base, master, log, articles)
    assert "Traceback" not in log.read_text()


@pytest.fixture
def editor(site):
    editor = Editor(site.base)
    editor.log_in()
    return editor


def test_a_takedown_in_the_admin_answers_410_with_its_reason_on_every_worker(site, editor):
    article = site.takedown
    path = site.warm(article)

    editor.change(article, status="unpublished", takedown_reason=REASON)

    def wrong(status, body):
        if status != 410:
            return f"{status}, title {page_title(body)!r}"
        if REASON not in body:
            return "410 without the takedown reason"
        return None

    site.after_change(path, "takedown", wrong)


def test_the_bulk_unpublish_action_answers_410_on_every_worker(site, editor):
    article = site.unpublish
    path = site.warm(article)

    editor.unpublish_selected(article)

    def wrong(status, body):
        if status != 410:
            return f"{status}, title {page_title(body)!r}"
        return None

    site.after_change(path, "bulk-unpublish", wrong)


def test_a_title_edited_in_the_admin_is_served_by_every_worker(site, editor):
    article = site.edit
    path = site.warm(article)
    new_title = f"Judul baru dari redaksi ({site.kind} drill, artikel {article['pk']})"

    editor.change(article, title=new_title)

    def wrong(status, body):
        title = page_title(body)
        if status != 200:
            return f"{status}"
        if title != new_title:
            return f"the old title {title!r}" if title == article["title"] else repr(title)
        if html.escape(article["title"]) in body.split("</title>", 1)[0]:
            return "the old title in <title>"
        return None

    site.after_change(path, "edit", wrong)
