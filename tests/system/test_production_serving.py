"""The demo site as production serves it: gunicorn, DEBUG off, collected static files."""

import re

import pytest

from ..live import fetch, gunicorn, manage, site_env


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("site")
    env = site_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "-v0")
    with gunicorn(env) as base:
        yield base


def test_gunicorn_serves_the_article_page_with_every_element(site):
    status, _, home = fetch(site + "/")
    assert status == 200
    slug = re.search(r'<h2 id="headline-title"><a href="/berita/([^/]+)/"', home).group(1)
    status, headers, html = fetch(f"{site}/berita/{slug}/")
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert re.search(r"\d{1,2} \w+ \d{4} \| \d\d:\d\d WIB", html)
    assert re.search(r"dibaca : [\d.]+<", html)
    assert 'class="card-category"><a href="/kategori/' in html
    assert 'rel="tag"' in html
    assert "Bagikan" in html and "https://wa.me/?text=" in html
    assert re.search(r'<source type="image/webp" srcset="/media/renditions/[^"]+ 480w, ', html)
    assert re.search(
        r'<img src="/media/renditions/[^"]+\.jpg" srcset="[^"]+" sizes="[^"]+" alt="[^"]+" '
        r'width="1200" height="750">',
        html,
    )
    assert re.search(r"Foto : [^<]+ \((Humas|Diskominfo) Jateng\)", html)
    assert '<span class="dateline">' in html
    assert "Daftarkan diri anda terlebih dahulu" in html
    assert "Follow Us" in html
    # Static files come from collectstatic with hashed names, served by WhiteNoise.
    css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html).group(1)
    status, headers, _ = fetch(site + css)
    assert status == 200
    assert "max-age=315360000" in headers["Cache-Control"]
    image = re.search(r'<img src="(/media/renditions/[^"]+)"', html).group(1)
    assert fetch(site + image)[0] == 200


def test_gunicorn_answers_unknown_pages_with_an_indonesian_404_and_no_debug_page(site):
    status, _, html = fetch(site + "/berita/tidak-ada/")
    assert status == 404
    assert "Halaman tidak ditemukan" in html
    assert "Traceback" not in html and "URLconf" not in html


def test_gunicorn_refuses_unknown_hosts(site):
    status, _, _ = fetch(site + "/", Host="evil.example")
    assert status == 400
