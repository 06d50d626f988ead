"""The throw-away demo sites the benchmark runs on: seeded, with logged-in sessions, on the
db backend and, when redis-server is installed, on the redis backend; and running
bench/run.py --worker in a site's environment."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.live import free_port, manage, site_env

BASE_DIR = Path(__file__).resolve().parent.parent
RUN = BASE_DIR / "bench" / "run.py"
SLUG = "bench-artikel"
CATEGORY = "pemerintahan"
PAGE_PATH = "/profil/visi-dan-misi/"
DOCUMENTS = 24  # published documents in the listing (two pages of it)


# A page two levels down (unless the demo has it) and documents for the listing, each a
# small real PDF: the listing shows what a bureau's has, not an empty page.
PAGES_AND_DOCUMENTS = f"""
import datetime
from django.core.files.base import ContentFile
from django.utils import timezone
from documents.models import Document
from pages.models import Page

def page(parent, title, slug):
    found = Page.objects.filter(url_path=(parent.url_path if parent else "/") + slug + "/").first()
    if found:
        return found
    node = Page(title=title, slug=slug, status="published", published_at=timezone.now(),
                body="<p>" + "Visi pemerintah provinsi untuk pelayanan publik. " * 40 + "</p>")
    if parent is None:
        return Page.objects.add_root(instance=node)
    parent.refresh_from_db()
    return Page.objects.add_child(parent, instance=node)

profil = page(None, "Profil", "profil")
page(profil, "Visi dan Misi", "visi-dan-misi")
assert Page.objects.get(url_path="{PAGE_PATH}").is_published()
pdf = b"%PDF-1.4\\n1 0 obj<<>>endobj\\ntrailer<<>>\\n%%EOF\\n"
kinds = [k for k, _ in Document.Kind.choices]
for n in range({DOCUMENTS} - Document.objects.published().count()):
    Document.objects.create(
        title=f"Peraturan Gubernur Nomor {{n + 1}} Tahun 2026 tentang Pelayanan Publik",
        number=f"{{n + 1}}/2026", date=datetime.date(2026, 1 + n % 12, 1 + n % 28),
        kind=kinds[n % len(kinds)], issuer="Biro Hukum", is_published=True,
        description="Ringkasan dokumen untuk pembaca. " * 5, file_type="pdf",
        file=ContentFile(pdf, name=f"dokumen-{{n}}.pdf"), file_size=len(pdf),
    )
"""


def prepare(tmp, readers, **extra):
    """A seeded demo site under tmp with `readers` logged-in sessions; its env and facts."""
    env = site_env(tmp, BEHIND_PROXY="true", BENCHMARK_VIEW="true", **extra)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "-v0")
    manage(env, "shell", "-c", PAGES_AND_DOCUMENTS)
    cookie_file, title_file = tmp / "cookies.txt", tmp / "title.txt"
    manage(env, "shell", "-c", (
        "import time\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from importlib import import_module\n"
        "from accounts.models import UserSession\n"
        "from django.middleware.csrf import CSRF_ALLOWED_CHARS\n"
        "from django.utils.crypto import get_random_string\n"
        "from articles.models import Article\n"
        "a = Article.objects.published().order_by('-published_at').first()\n"
        f"Article.objects.filter(pk=a.pk).update(slug='{SLUG}')\n"
        f"open('{title_file}', 'w').write(a.title)\n"
        "User = get_user_model()\n"
        f"users = User.objects.bulk_create([User(username=f'pembaca{{i}}', "
        f"email=f'pembaca{{i}}@example.com', password='!') for i in range({readers})])\n"
        "Store = import_module(settings.SESSION_ENGINE).SessionStore\n"
        "lines, rows = [], []\n"
        "for user in User.objects.filter(username__startswith='pembaca'):\n"
        "    s = Store()\n"
        "    s['_auth_user_id'] = str(user.pk)\n"
        "    s['_auth_user_backend'] = settings.AUTHENTICATION_BACKENDS[-1]\n"
        "    s['_auth_user_hash'] = user.get_session_auth_hash()\n"
        # What the login form's sign-in adds (accounts/sessions.py): readers signed in
        # within the hour, whose views write nothing until an hour has passed.
        "    s['_signed_in_at'] = s['_seen_at'] = time.time()\n"
        "    s.create()\n"
        "    rows.append(UserSession(session_key=s.session_key, user=user, "
        "created_at=timezone.now(), last_seen=timezone.now(), address='127.0.0.1'))\n"
        # A signed-in browser also carries the CSRF cookie it got with the login form.
        "    csrf = get_random_string(32, CSRF_ALLOWED_CHARS)\n"
        "    lines.append(f'{settings.SESSION_COOKIE_NAME}={s.session_key}; "
        "{settings.CSRF_COOKIE_NAME}={csrf}')\n"
        "UserSession.objects.bulk_create(rows)\n"
        f"open('{cookie_file}', 'w').write(chr(10).join(lines))\n"
    ))  # fmt: skip
    return {"env": env, "cookies": cookie_file, "title": title_file.read_text()}


def in_site(site, *args):
    """Run bench/run.py --worker ... in the site's environment; its output, or an error."""
    result = subprocess.run(
        [sys.executable, str(RUN), "--worker", *args],
        cwd=BASE_DIR, env=site["env"], capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    if result.returncode:
        return f"(failed, exit {result.returncode})\n{result.stdout}{result.stderr[-3000:]}"
    return result.stdout


def start_redis(tmp):
    binary = shutil.which("redis-server")
    if not binary:
        return None, None
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp)],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}/0", process


def backends(tmp, readers):
    """Yield (name, prepared site) for the db backend, then redis if it is installed."""
    (tmp / "db").mkdir()
    yield "db", prepare(tmp / "db", readers)
    redis_url, redis_process = start_redis(tmp)
    if not redis_url:
        print("redis-server not installed: the redis backend is not measured.")
        return
    try:
        (tmp / "redis").mkdir()
        yield (
            "redis",
            prepare(tmp / "redis", readers, REDIS_URL=redis_url, VIEW_COUNTER_BACKEND="redis"),
        )
    finally:
        redis_process.terminate()
        redis_process.wait()
