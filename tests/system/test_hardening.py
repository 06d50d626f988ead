"""Production settings as an operator sets them: `check --deploy`, HTTPS, the proxy, gunicorn.

Settings are read once per process, so each case runs the real site in its own process
(manage.py or gunicorn) with the environment an operator would give it.
"""

import os
import re
import runpy
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from ..live import BASE_DIR, fetch, gunicorn, manage, site_env

PRODUCTION = {
    "ALLOWED_HOSTS": "humas.example.go.id",
    "SITE_URL": "https://humas.example.go.id",
    "HTTPS": "true",
    "BEHIND_PROXY": "true",
}


def check_deploy(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env=site_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_warns_when_mails_would_link_to_localhost(tmp_path):
    result = check_deploy(tmp_path, **{**PRODUCTION, "SITE_URL": ""})
    assert "mailing.W001" in result.stdout + result.stderr


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_complains_when_https_is_left_off(tmp_path):
    result = check_deploy(tmp_path, ALLOWED_HOSTS="humas.example.go.id")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr


@pytest.fixture(scope="module")
def https_site(tmp_path_factory):
    """The site with HTTPS=true behind a proxy (the proxy's headers are sent by hand)."""
    tmp_path = tmp_path_factory.mktemp("https")
    env = site_env(tmp_path, **{**PRODUCTION, "ALLOWED_HOSTS": "humas.example.go.id,127.0.0.1"})
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log_path=log) as base:
        yield base, log


def test_https_redirects_plain_http_but_not_the_health_check(https_site):
    base, _ = https_site
    request = urllib.request.Request(base + "/cari/?q=banjir")
    opener = urllib.request.build_opener(NoRedirect)
    status, headers = open_status(opener, request)
    assert status == 301
    assert headers["Location"] == base.replace("http://", "https://") + "/cari/?q=banjir"
    assert fetch(base + "/healthz")[0] == 200


def test_https_pages_send_hsts_secure_cookies_and_the_security_headers(https_site):
    base, _ = https_site
    status, headers, html = fetch(base + "/akun/masuk/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookie = headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert 'name="csrfmiddlewaretoken"' in html


def test_forwarded_headers_are_trusted_only_behind_a_proxy(tmp_path):
    env = site_env(tmp_path, HTTPS="true", ALLOWED_HOSTS="127.0.0.1")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    with gunicorn(env, workers=1) as base:
        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(base + "/", headers={"X-Forwarded-Proto": "https"})
        # Anyone can send the header; without BEHIND_PROXY it proves nothing.
        assert open_status(opener, request)[0] == 301


def test_unknown_host_headers_are_refused(https_site):
    base, _ = https_site
    for host in ("evil.example.com", "humas.example.go.id.evil.com", "127.0.0.1:1@evil.com"):
        status, _, body = fetch(base + "/", Host=host, **{"X-Forwarded-Proto": "https"})
        assert status == 400, host
        assert "Traceback" not in body


def test_gunicorn_logs_one_line_per_request_on_stdout(https_site):
    base, log = https_site
    marker = f"/healthz?probe={time.monotonic_ns()}"
    fetch(base + marker, **{"X-Forwarded-For": "203.0.113.9"})
    deadline = time.monotonic() + 5
    while marker not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [line for line in log.read_text().splitlines() if marker in line]
    assert len(lines) == 1
    assert re.fullmatch(
        rf'127\.0\.0\.1 xff="203\.0\.113\.9" "GET {re.escape(marker)} HTTP/1\.1" 200 \d+ '
        r'\d+ms "-" "Python-urllib/[\d.]+"',
        lines[0],
    )


def test_gunicorn_config_sizes_workers_from_the_cores():
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert config["workers"] == os.cpu_count() * 2 + 1
    assert config["timeout"] >= 30 and config["graceful_timeout"] >= 10
    assert config["accesslog"] == "-"


def test_a_graceful_reload_drops_no_request(tmp_path):
    env = site_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    with gunicorn(env, workers=2) as base:
        master = master_pid(base)
        failures, done = [], threading.Event()
        statuses = []

        def hammer():
            while not done.is_set():
                try:
                    statuses.append(fetch(base + "/healthz")[0])
                except OSError as error:
                    failures.append(error)

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        old_workers = workers_of(master)
        os.kill(master, signal.SIGHUP)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            current = workers_of(master)
            if current and not current & old_workers:
                break
            time.sleep(0.2)
        time.sleep(0.5)
        done.set()
        for thread in threads:
            thread.join()
        assert not workers_of(master) & old_workers, "the workers were not replaced"
        assert failures == []
        assert statuses and set(statuses) == {200}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def open_status(opener, request):
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def master_pid(base):
    port = base.rsplit(":", 1)[1]
    for line in subprocess.run(
        ["ps", "-ww", "-eo", "pid,ppid,args"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[1:]:
        pid, ppid, args = line.split(None, 2)
        if "gunicorn" in args and f"127.0.0.1:{port}" in args and int(ppid) == os.getpid():
            return int(pid)
    raise AssertionError("gunicorn master not found")


def workers_of(master):
    children = subprocess.run(
        ["ps", "--ppid", str(master), "-o", "pid="], capture_output=True, text=True
    ).stdout.split()
    return {int(pid) for pid in children}


def test_an_oversized_body_is_refused_before_it_is_read(https_site):
    """Headers announce 300 MB; the site answers 413 without waiting for the body. Not
    signed in, an admin upload page has the public forms' limit (MAX_FORM_MB)."""
    import http.client

    base, _ = https_site
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=10)
    connection.putrequest("POST", "/admin/articles/photo/add/", skip_host=True)
    connection.putheader("Host", "127.0.0.1")
    connection.putheader("X-Forwarded-Proto", "https")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(300 * 1024 * 1024))
    connection.endheaders()
    connection.send(b"--x\r\n" + b"0" * 65536)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 413
    assert "Kiriman terlalu besar" in body and "1 MB" in body


@pytest.mark.django_db
def test_the_size_limit_speaks_the_readers_language(client, settings):
    settings.MAX_FORM_BYTES = 1000
    response = client.post("/akun/daftar/", {"email": "x" * 2000})
    assert response.status_code == 413
    assert "Kiriman terlalu besar" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.post("/akun/daftar/", {"email": "x" * 2000})
    assert "Upload too large" in response.content.decode()
    assert client.post("/akun/daftar/", {"email": "x"}).status_code != 413
