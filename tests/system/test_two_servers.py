"""The "several servers" shape of docs/deploy.md, run for real.

nginx, configured from docs/deploy.md (section 2's upstream, section 1's server block),
balances two gunicorn masters that have the same environment and share one PostgreSQL
15, one Redis, one STATIC_ROOT and one MEDIA_ROOT (standing in for NFS or S3). The drill
checks that either server can serve any reader (sessions, view counts and their
deduplication live in the shared services), that nginx serves uploads with their own
headers, and that stopping one server costs no request.

Each request carries `?drill=<tag>`, so each server's access log (gunicorn.conf.py's
format) tells which of them served it, with what status, and what X-Forwarded-For it got.
"""

import http.client
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..live import BASE_DIR, free_port, manage, site_env
from ..services import PostgreSQL, require, start_redis

HOST = "humas.test"
BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36"
BOT = "curl/8.5"  # not a reader: its requests are not counted as views
LOGGED_IN = 'action="/akun/keluar/"'  # the account menu's "Log out" button
HSTS = "max-age=31536000; includeSubDomains"
DOCS = BASE_DIR / "docs" / "deploy.md"

READER = """
from django.utils import timezone
from accounts.models import User
User.objects.create_user("pembaca", "pembaca@example.com", "kata-sandi-panjang-sekali",
                         email_verified_at=timezone.now())
"""


def request(port, path, headers=None, *, method="GET", body=None):
    """(status, headers, body) of one request on a new connection; redirects are not
    followed and cookies are the caller's business (the site's are Secure, which a
    cookie jar would not send over the drill's plain HTTP)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(
            method,
            path,
            body=body,
            headers={"Host": HOST, "User-Agent": BROWSER, **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def set_cookie(headers, name):
    """(value, the whole Set-Cookie header) of the cookie `name` a response sets."""
    for header in headers.get_all("Set-Cookie") or ():
        if header.startswith(f"{name}="):
            return header.split(";")[0].split("=", 1)[1], header
    raise AssertionError(f"no {name} cookie set")


def shown_count(html):
    return int(re.search(r"dibaca : ([\d.]+)<", html).group(1).replace(".", ""))


def wait_for(condition, timeout=20, interval=0.05, message="timed out"):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, message
        time.sleep(interval)
    return result


# --- the servers ---------------------------------------------------------------------


class AppServer:
    """One gunicorn master with 2 workers on a fixed port, so that it can be started
    again where nginx expects it."""

    def __init__(self, name, env, log):
        self.name, self.env, self.log = name, env, log
        self.port = free_port()
        self.process = None

    def start(self):
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                # Without a control socket: both masters would take ~/.gunicorn/gunicorn.ctl,
                # the one path a machine normally has one master for.
                [sys.executable, "-m", "gunicorn", "humas.wsgi",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--no-control-socket"],
                cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(self.answers, message=f"{self.name} did not start; see {self.log}")

    def answers(self):
        assert self.process.poll() is None, f"{self.name} exited; see {self.log}"
        try:
            return self.healthz()[0] == 200
        except OSError:
            return False

    def healthz(self):
        return request(self.port, "/healthz", {"Host": "127.0.0.1"})

    def get(self, path, headers=None):
        """A request straight to this server, with the header nginx would add."""
        return request(self.port, path, {"X-Forwarded-Proto": "https", **(headers or {})})

    def stop(self):
        """SIGTERM, as `systemctl stop` sends: gunicorn lets its workers finish."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def served(self):
        """{drill tag: (status, X-Forwarded-For received)} from the access log."""
        return {
            tag: (int(status), xff)
            for xff, tag, status in re.findall(
                r'xff="([^"]*)" "\w+ \S*?[?&]drill=([\w.-]+) HTTP/[\d.]+" (\d{3})',
                self.log.read_text(),
            )
        }


def nginx_binary():
    """Debian's nginx is in /usr/sbin, which is not on every user's PATH."""
    return (
        shutil.which("nginx")
        or shutil.which("nginx", path="/usr/sbin")
        or require("nginx", "nginx")
    )


def temp_paths(prefix):
    """nginx's temporary directories under `prefix`, not its compiled-in /var/lib/nginx."""
    return "\n".join(
        f"    {kind}_temp_path {prefix}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )


def docs_nginx_blocks():
    """The ```nginx blocks of docs/deploy.md: section 1's site, section 2's upstream."""
    return re.findall(r"```nginx\n(.*?)```", DOCS.read_text(), re.S)


def replace_once(text, old, new):
    assert text.count(old) == 1, f"docs/deploy.md's nginx config no longer has {old!r}"
    return text.replace(old, new)


def balancer_config(prefix, logs, *, port, servers, media_root):
    """nginx.conf for the drill: docs/deploy.md's load-balancer upstream pointing at the
    two app servers, and section 1's HTTPS server block with the line section 2 adds,
    listening on plain HTTP on a loopback port."""
    site, balancer = docs_nginx_blocks()
    upstream = re.search(r"^upstream humas_app \{.*?^\}", balancer, re.S | re.M).group(0)
    for documented, server in zip(("10.0.0.11:8000", "10.0.0.12:8000"), servers, strict=True):
        upstream = replace_once(upstream, documented, f"127.0.0.1:{server.port}")
    next_upstream = re.search(r"proxy_next_upstream [^;]+;", balancer).group(0)

    (https_block,) = [
        block
        for block in re.findall(r"^server \{.*?^\}", site, re.S | re.M)
        if "ssl_certificate" in block
    ]
    server = re.sub(r"^ *(listen|ssl_\w+) .*\n", "", https_block, flags=re.M)
    server = replace_once(server, "server {\n", f"server {{\n    listen 127.0.0.1:{port};\n")
    server = replace_once(server, "humas.jatengprov.go.id;", f"{HOST};")
    server = replace_once(server, "alias /srv/humas/media/;", f"alias {media_root}/;")
    server = replace_once(
        server,
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "# TLS ends here in production; this nginx listens on plain HTTP, so it says\n"
        "        # https itself, as $scheme would on the TLS listener.\n"
        "        proxy_set_header X-Forwarded-Proto https;",
    )
    # Into each location that passes requests to the app (`/admin/` and `/`).
    assert "proxy_pass http://humas_app;\n" in server
    server = server.replace(
        "proxy_pass http://humas_app;\n",
        f"proxy_pass http://humas_app;\n        {next_upstream}\n",
    )
    assert "ssl_" not in server and "listen 443" not in server
    return f"""
# As Debian's nginx.conf: the workers run as www-data, so they must be able to read uploads.
user www-data;
# One worker: one round-robin state, so consecutive requests alternate between the servers.
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {logs}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
{temp_paths(prefix)}
    log_format drill '$request_uri $status upstream=$upstream_addr $upstream_status';
    access_log {logs}/nginx-access.log drill;
{upstream}
{server}
}}
"""


class Farm:
    """nginx in front of two app servers; requests through nginx unless said otherwise."""

    def __init__(self, env, servers, port, logs):
        self.env, self.servers, self.port, self.logs = env, servers, port, logs

    def get(self, path, headers=None, **kwargs):
        return request(self.port, path, headers, **kwargs)

    def where(self, tags):
        """{tag: (server name, status, X-Forwarded-For)} for requests already answered;
        waits for their access-log lines, written just after the response."""

        def found():
            seen = {
                tag: (server.name, *entry)
                for server in self.servers
                for tag, entry in server.served().items()
            }
            return seen if all(tag in seen for tag in tags) else None

        seen = wait_for(found, timeout=5, message=f"not in the access logs: {tags}")
        return {tag: seen[tag] for tag in tags}


@pytest.fixture(scope="module")
def farm(tmp_path_factory):
    """PostgreSQL, Redis, the demo site, two app servers and nginx; stopped at the end."""
    logs = tmp_path_factory.mktemp("two-servers")
    with ExitStack() as stack:
        database = PostgreSQL()  # skipped without root or postgresql-15 (fails in CI)
        stack.callback(database.remove)
        nginx = nginx_binary()
        redis_url, redis_process = start_redis(logs)
        stack.callback(redis_process.wait)
        stack.callback(redis_process.kill)
        # Not pytest's tmp_path (private to root): nginx's workers, as www-data, read the
        # media here. The shared disk that NFS or S3 stands in for.
        shared = Path(tempfile.mkdtemp(prefix="humas-shared-"))
        shared.chmod(0o755)
        stack.callback(shutil.rmtree, shared, ignore_errors=True)
        env = site_env(
            shared,
            DATABASE_URL=database.url,
            REDIS_URL=redis_url,
            VIEW_COUNTER_BACKEND="redis",
            HTTPS="true",
            BEHIND_PROXY="true",
            PROXY_COUNT="1",
            ALLOWED_HOSTS=f"{HOST},127.0.0.1",
            SERVE_MEDIA="false",  # nginx serves /media/, as docs/deploy.md says
        )
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed_demo", "-v0")
        manage(env, "shell", "-c", READER)

        servers = [AppServer(f"app-{n}", env, logs / f"app-{n}.log") for n in (1, 2)]
        for server in servers:
            stack.callback(server.stop)
            server.start()

        port = free_port()
        prefix = shared / "nginx"
        prefix.mkdir()
        (prefix / "nginx.conf").write_text(
            balancer_config(prefix, logs, port=port, servers=servers, media_root=shared / "media")
        )
        command = [nginx, "-p", str(prefix), "-e", str(logs / "nginx-error.log"),
                   "-c", str(prefix / "nginx.conf")]  # fmt: skip
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen([*command, "-g", "daemon off;"])
        stack.callback(process.wait, timeout=10)
        stack.callback(process.terminate)

        def listening():
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", port)) == 0

        wait_for(listening, timeout=10, message="nginx did not start")
        farm = Farm(env, servers, port, logs)
        home = farm.get("/", {"User-Agent": BOT})[2].decode()
        farm.article = re.search(r'href="(/berita/[^/"]+/)"', home).group(1)
        farm.category = re.search(r'href="(/kategori/[^/"]+/)"', home).group(1)
        yield farm


# --- the configuration ---------------------------------------------------------------


def self_signed_certificate(directory):
    """fullchain.pem and privkey.pem for HOST in `directory`, as Let's Encrypt names them."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (directory / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_the_nginx_site_in_docs_deploy_passes_nginx_t(tmp_path):
    """Section 1's block as written, with a throw-away certificate in place of
    Let's Encrypt's, accepted by Debian 12's nginx."""
    nginx = nginx_binary()
    self_signed_certificate(tmp_path)
    site, _ = docs_nginx_blocks()
    site = site.replace("/etc/letsencrypt/live/humas.jatengprov.go.id/", f"{tmp_path}/")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{\ninclude /etc/nginx/mime.types;\n{temp_paths(tmp_path)}\n{site}\n}}\n"
    )
    checked = subprocess.run(
        [nginx, "-t", "-p", tmp_path, "-e", tmp_path / "error.log", "-c", tmp_path / "nginx.conf"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


# --- either server serves any reader ---------------------------------------------------


def test_pages_through_nginx_come_from_both_servers_with_hsts_and_csp(farm):
    pages = {"home": "/", "article": farm.article, "category": farm.category}
    for round_ in range(2):
        for name, path in pages.items():
            status, headers, _ = farm.get(f"{path}?drill=page-{name}-{round_}")
            assert status == 200, path
            assert headers["Strict-Transport-Security"] == HSTS
            assert "default-src 'self'" in headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    served = farm.where([f"page-{name}-{r}" for name in pages for r in range(2)])
    assert {server for server, _, _ in served.values()} == {"app-1", "app-2"}
    # The stylesheet, from the STATIC_ROOT that collectstatic filled (WhiteNoise).
    home = farm.get("/")[2].decode()
    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/[^"]+)"', home).group(1)
    status, headers, _ = farm.get(stylesheet)
    assert status == 200 and headers["Content-Type"].startswith("text/css")


def test_a_reader_who_logs_in_on_one_server_is_logged_in_on_the_other(farm):
    status, headers, html = farm.get("/akun/masuk/?drill=login-form")
    assert status == 200
    csrf, _ = set_cookie(headers, "csrftoken")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html.decode()).group(1)
    body = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": "pembaca@example.com",
            "password": "kata-sandi-panjang-sekali",
        }
    )
    status, headers, _ = farm.get(
        "/akun/masuk/?drill=login",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Origin": f"https://{HOST}",  # a browser sends it; over HTTPS Django requires it
        },
        method="POST",
        body=body,
    )
    assert status == 302 and headers["Location"] == "/"
    session, header = set_cookie(headers, "sessionid")
    assert "Secure" in header and "HttpOnly" in header

    tags = [f"profile-{n}" for n in range(4)]
    for tag in tags:
        status, _, html = farm.get(f"/akun/profil/?drill={tag}", {"Cookie": f"sessionid={session}"})
        assert status == 200  # not a redirect to the login page
        assert LOGGED_IN in html.decode() and "pembaca@example.com" in html.decode()
    served = farm.where(["login", *tags])
    login_server = served["login"][0]
    other = ({"app-1", "app-2"} - {login_server}).pop()
    assert served["login"][1] == 302
    assert [tag for tag in tags if served[tag][:2] == (other, 200)], served
    assert [tag for tag in tags if served[tag][:2] == (login_server, 200)], served


def test_views_counted_through_either_server_show_on_both_after_flush_views(farm):
    manage(farm.env, "flush_views")  # what earlier tests counted: not this test's
    before = shown_count(farm.servers[0].get(farm.article, {"User-Agent": BOT})[2].decode())

    # Four readers (the same address, nginx's, but four browsers): four views.
    for n in range(4):
        agent = BROWSER.replace("Chrome/126.0", f"Chrome/126.0.{n}")
        status, _, _ = farm.get(f"{farm.article}?drill=view-{n}", {"User-Agent": agent})
        assert status == 200
    # One browser claiming two addresses: nginx replaces X-Forwarded-For with the address
    # it sees, so the app sees one reader, counted once, whichever server answers.
    forged = {"User-Agent": BROWSER.replace("Chrome/126.0", "Chrome/127.0")}
    for n, address in enumerate(("203.0.113.1", "203.0.113.2")):
        status, _, _ = farm.get(
            f"{farm.article}?drill=forged-{n}", {**forged, "X-Forwarded-For": address}
        )
        assert status == 200
    served = farm.where([*(f"view-{n}" for n in range(4)), "forged-0", "forged-1"])
    assert {server for server, _, _ in served.values()} == {"app-1", "app-2"}
    assert {served[f"forged-{n}"][2] for n in range(2)} == {"127.0.0.1"}
    assert served["forged-0"][0] != served["forged-1"][0]  # deduplicated across servers

    assert "5 views moved" in manage(farm.env, "flush_views").stdout
    for server in farm.servers:
        html = server.get(farm.article, {"User-Agent": BOT})[2].decode()
        assert shown_count(html) == before + 5, server.name


def test_photos_are_served_by_nginx_from_the_shared_media_with_nosniff_and_a_sandbox(farm):
    html = farm.get(farm.article, {"User-Agent": BOT})[2].decode()
    photo = re.search(r'<img src="(/media/[^"]+)"', html).group(1)
    status, headers, body = farm.get(photo)
    assert status == 200
    assert headers["Content-Type"].startswith("image/")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
    media_root = Path(farm.env["MEDIA_ROOT"])
    assert body == (media_root / photo.removeprefix("/media/")).read_bytes()
    # Not the app's doing: with SERVE_MEDIA off it has no /media/ at all.
    assert farm.servers[0].get(photo)[0] == 404


def test_nginx_refuses_a_body_over_client_max_body_size_before_the_app_sees_it(farm):
    with socket.create_connection(("127.0.0.1", farm.port), timeout=10) as sock:
        sock.sendall(
            f"POST /admin/articles/photo/unggah/?drill=huge HTTP/1.1\r\nHost: {HOST}\r\n"
            f"Content-Length: {300 * 1024 * 1024}\r\n\r\n".encode()
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 413 ")
    assert "drill=huge" not in "".join(s.log.read_text() for s in farm.servers)


def test_nginx_refuses_a_form_over_a_megabyte_outside_the_admin(farm):
    """A 2 MB "comment" never reaches a worker: only /admin/ takes large bodies."""
    with socket.create_connection(("127.0.0.1", farm.port), timeout=10) as sock:
        sock.sendall(
            f"POST /berita/apa-saja/komentar/?drill=form HTTP/1.1\r\nHost: {HOST}\r\n"
            f"Content-Length: {2 * 1024 * 1024}\r\n\r\n".encode()
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 413 ")
    assert "drill=form" not in "".join(s.log.read_text() for s in farm.servers)


def test_each_app_server_answers_its_health_check(farm):
    for server in farm.servers:
        status, headers, body = server.healthz()  # plain HTTP, not redirected
        assert status == 200, server.name
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok"}


# --- one server stopped and started again -------------------------------------------------


class Readers(threading.Thread):
    """Requests through nginx, one after another, until stopped; each one's tag and
    status (or error) recorded."""

    def __init__(self, farm, name):
        super().__init__(daemon=True)
        self.farm, self.name = farm, name
        self.results, self.stopping = [], threading.Event()

    def run(self):
        paths = ["/", self.farm.article, self.farm.category]
        n = 0
        while not self.stopping.is_set():
            tag = f"{self.name}-{n}"
            try:
                status = self.farm.get(f"{paths[n % 3]}?drill={tag}")[0]
            except OSError as error:
                status = repr(error)
            self.results.append((tag, status))
            n += 1


def test_stopping_one_server_fails_no_request_and_it_rejoins_when_started(farm):
    app_1 = farm.servers[0]
    readers = [Readers(farm, f"loop{n}") for n in range(2)]
    for thread in readers:
        thread.start()
    time.sleep(1)
    app_1.stop()  # SIGTERM to the master, and wait until it is gone
    stopped_at = time.monotonic()
    time.sleep(1.5)
    for thread in readers:
        thread.stopping.set()
        thread.join(timeout=20)
    results = [result for thread in readers for result in thread.results]
    failed = [(tag, status) for tag, status in results if status != 200]
    served = farm.where([tag for tag, _ in results])
    by_server = {
        name: sum(1 for s, _, _ in served.values() if s == name) for name in ("app-1", "app-2")
    }
    retried = sum(
        1 for line in (farm.logs / "nginx-access.log").read_text().splitlines()
        if "drill=loop" in line and ", " in line  # upstream=first, second: tried twice
    )  # fmt: skip
    print(f"\nfailover: {len(results)} requests, {len(failed)} failed, served {by_server}, "
          f"{retried} resent by nginx to the other server")  # fmt: skip
    assert failed == []
    assert by_server["app-1"] > 0 and by_server["app-2"] > 0
    assert retried > 0  # nginx did try the stopped server, and moved on

    # From now on the survivor serves everything.
    tags = [f"alone-{n}" for n in range(10)]
    for tag in tags:
        assert farm.get(f"/?drill={tag}")[0] == 200
    assert {server for server, _, _ in farm.where(tags).values()} == {"app-2"}

    # Started again: nginx sends it requests once fail_timeout (10 s) has passed.
    app_1.start()
    n = 0

    def back():
        nonlocal n
        n += 1
        assert farm.get(f"/?drill=back-{n}")[0] == 200
        return farm.where([f"back-{n}"])[f"back-{n}"][0] == "app-1"

    wait_for(back, timeout=20, interval=0.2, message="app-1 got no request after its restart")
    print(f"app-1 served again {time.monotonic() - stopped_at:.1f} s after it stopped")
    tags = [f"shared-{n}" for n in range(6)]
    for tag in tags:
        assert farm.get(f"/?drill={tag}")[0] == 200
    assert {server for server, _, _ in farm.where(tags).values()} == {"app-1", "app-2"}
    for server in farm.servers:
        assert "Traceback" not in server.log.read_text(), server.name
