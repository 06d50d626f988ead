"""Settings as a fresh process sees them: only the environment decides."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; "
    "print(json.dumps({'engine': d['ENGINE'], 'options': d.get('OPTIONS', {}), "
    "'conn_max_age': d['CONN_MAX_AGE'], 'health': d['CONN_HEALTH_CHECKS'], "
    "'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'debug': s.DEBUG, "
    "'atomic': d.get('ATOMIC_REQUESTS', False)}))"
)


def run_python(code, **env):
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean.update(DJANGO_SETTINGS_MODULE="humas.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_site_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python(PROBE)
    assert result.returncode != 0
    assert "SECRET_KEY is not set: set the SECRET_KEY environment variable" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = run_python(PROBE, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert '"debug": true' in result.stdout


def test_defaults_are_sqlite_tuned_for_concurrent_writers_in_indonesian_time():
    import json

    result = run_python(PROBE, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["options"]["transaction_mode"] == "IMMEDIATE"
    assert config["options"]["timeout"] >= 5
    assert "journal_mode=WAL" in config["options"]["init_command"]
    assert "synchronous=NORMAL" in config["options"]["init_command"]
    assert config["conn_max_age"] > 0 and config["health"] is True
    assert config["atomic"] is False
    assert (config["lang"], config["tz"]) == ("id", "Asia/Jakarta")


def test_sqlite_connection_really_runs_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA synchronous').fetchone()[0], "
        "c.execute('PRAGMA busy_timeout').fetchone()[0])"
    )
    result = run_python(code, SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{tmp_path}/t.db")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "1", "20000"]


def test_database_url_and_redis_url_are_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.EMAIL_BACKEND)"
    )
    result = run_python(
        code,
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/humas",
        REDIS_URL="redis://127.0.0.1:6379/1",
        EMAIL_URL="smtp+tls://user:pass@mail.example.com:587",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "humas",
        "humas.cache.TolerantRedisCache",
        "django.contrib.sessions.backends.cached_db",
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_a_bad_view_counter_backend_is_refused_at_start_up():
    result = run_python(PROBE, SECRET_KEY="x" * 50, VIEW_COUNTER_BACKEND="memcached")
    assert result.returncode != 0
    assert "VIEW_COUNTER_BACKEND must be 'db' or 'redis'" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_dependency_is_pinned_exactly():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (BASE_DIR / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert "==" in line, f"{name}: {line} is not pinned"


def read_po(path):
    """msgid -> msgstr of a .po file (enough of the format for our own catalogs)."""
    import ast

    entries, current, key = {}, {}, None
    for line in [*path.read_text().splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            key, _, value = line.partition(" ")
            key = key.removesuffix("[0]")
            current[key] = ast.literal_eval(value)
        elif line.startswith(("msgid_plural ", "msgstr[")):
            key = None  # plural forms: Indonesian has one, msgstr[0]
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", "")
            current, key = {}, None
    return entries


def test_indonesian_catalog_is_complete_and_compiled():
    import gettext

    po = read_po(BASE_DIR / "locale/id/LC_MESSAGES/django.po")
    untranslated = [msgid for msgid, msgstr in po.items() if not msgstr]
    assert not untranslated, f"untranslated: {untranslated}"
    with open(BASE_DIR / "locale/id/LC_MESSAGES/django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    stale = [msgid for msgid, msgstr in po.items() if catalog.gettext(msgid) != msgstr]
    assert not stale, f"run `make messages`: django.mo is older than django.po for {stale}"


@pytest.mark.parametrize("command", ["check", "makemigrations", "migrate", "runserver"])
def test_manage_py_says_what_to_set_in_one_line(command):
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", command],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "ImproperlyConfigured: SECRET_KEY is not set: set the SECRET_KEY environment variable "
        "(or DEBUG=true for local development)."
    )
