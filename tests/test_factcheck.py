"""Hoax clarifications (factcheck/): written with the article in the admin, shown with a
verdict box and ClaimReview structured data, listed at /klarifikasi/."""

import json
import re
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from factcheck.models import Clarification

from .factories import make_article, make_category, make_user
from .test_admin import gallery_management

pytestmark = pytest.mark.django_db

KIND = Article.Kind.CLARIFICATION
XSS = "</script><script>alert(1)</script>"


def make_clarification(article=None, **fields):
    if article is None:
        article = make_article(kind=KIND, title="Klarifikasi: pesan berantai bansos")
    fields.setdefault("claim", "Bantuan sosial Rp 2 juta dibagikan lewat tautan di WhatsApp.")
    fields.setdefault("platform", Clarification.Platform.WHATSAPP)
    fields.setdefault("verdict", Clarification.Verdict.HOAX)
    fields.setdefault("evidence", "Dinas Sosial memastikan tidak ada program tersebut.")
    fields.setdefault("first_seen", date(2026, 3, 1))
    return Clarification.objects.create(article=article, **fields)


def json_ld_blocks(html):
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in found]


def claim_review_of(html):
    reviews = [block for block in json_ld_blocks(html) if block.get("@type") == "ClaimReview"]
    assert len(reviews) == 1, reviews
    return reviews[0]


# -- the model ----------------------------------------------------------------------


def test_links_must_be_web_addresses_one_per_line():
    clarification = make_clarification()
    clarification.sources = "https://dinsos.jatengprov.go.id/rilis\n\nhttp://example.org/a"
    clarification.full_clean()
    for bad in (
        "javascript:alert(1)",
        "ftp://example.org/x",
        "www.example.org",
        "data:text/html,x",
    ):
        clarification.sources = f"https://example.org/ok\n{bad}"
        with pytest.raises(ValidationError) as error:
            clarification.full_clean()
        assert "Baris 2 bukan alamat web" in str(error.value.message_dict["sources"])


def test_a_claim_from_elsewhere_says_where_in_the_form_and_in_the_database():
    clarification = make_clarification()
    clarification.platform = Clarification.Platform.OTHER
    with pytest.raises(ValidationError) as error:
        clarification.full_clean()
    assert "platform_detail" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        make_clarification(platform=Clarification.Platform.OTHER, platform_detail="")


def test_an_unknown_verdict_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_clarification(verdict="palsu-banget")


def test_every_verdict_has_a_rating_from_one_to_five():
    assert set(Clarification.RATINGS) == set(Clarification.Verdict.values)
    assert Clarification.RATINGS[Clarification.Verdict.HOAX] == 1
    assert Clarification.RATINGS[Clarification.Verdict.TRUE] == 5
    assert all(1 <= value <= 5 for value in Clarification.RATINGS.values())


# -- the article page: verdict box and ClaimReview --------------------------------------


def test_the_article_page_shows_the_verdict_and_valid_claim_review(client, settings):
    settings.SITE_URL = "https://humas.jatengprov.go.id"
    clarification = make_clarification(
        claim_links="https://web.archive.org/web/2026/https://example.com/hoaks\nhttps://x.com/a/1",
        sources="https://dinsos.jatengprov.go.id/rilis",
    )
    article = clarification.article
    html = client.get(article.get_absolute_url()).content.decode()

    assert 'class="verdict-box verdict-box-false"' in html
    assert '<span class="verdict-badge verdict-false">Hoaks</span>' in html
    assert "Bantuan sosial Rp 2 juta" in html
    assert "pertama terlihat 1 Maret 2026" in html
    assert 'href="https://dinsos.jatengprov.go.id/rilis"' in html
    assert 'href="https://x.com/a/1" rel="nofollow noopener noreferrer"' in html

    review = claim_review_of(html)
    # What Google's ClaimReview guidelines require, with the types schema.org gives them.
    assert review["@context"] == "https://schema.org"
    assert review["url"] == f"https://humas.jatengprov.go.id{article.get_absolute_url()}"
    assert review["claimReviewed"] == clarification.claim
    assert review["datePublished"] == timezone.localtime(article.published_at).isoformat()
    assert review["datePublished"].endswith("+07:00")
    assert review["author"] == {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": "https://humas.jatengprov.go.id/",
    }
    rating = review["reviewRating"]
    assert rating == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Hoaks",
    }
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["datePublished"] == "2026-03-01"
    assert [a["url"] for a in claim["appearance"]] == clarification.claim_link_list()
    assert all(a["@type"] == "CreativeWork" for a in claim["appearance"])
    assert claim["firstAppearance"]["url"].startswith("https://web.archive.org/")
    # The NewsArticle block stays beside it.
    assert {b["@type"] for b in json_ld_blocks(html)} == {"NewsArticle", "ClaimReview"}


def test_a_claim_without_addresses_names_the_platform_it_circulated_on(client):
    clarification = make_clarification(
        platform=Clarification.Platform.OTHER,
        platform_detail="Grup Telegram warga",
        verdict=Clarification.Verdict.TRUE,
        first_seen=None,
    )
    html = client.get(clarification.article.get_absolute_url()).content.decode()
    claim = claim_review_of(html)["itemReviewed"]
    assert claim["appearance"] == [
        {
            "@type": "CreativeWork",
            "publisher": {"@type": "Organization", "name": "Grup Telegram warga"},
        }
    ]
    assert "firstAppearance" not in claim and "datePublished" not in claim
    assert claim_review_of(html)["reviewRating"]["ratingValue"] == 5
    assert '<span class="verdict-badge verdict-true">Benar</span>' in html


def test_a_hostile_claim_cannot_break_out_of_the_structured_data(client):
    claim = f"Pesan {XSS} & <b>tebal</b>"
    clarification = make_clarification(claim=claim, evidence=f"Bukti {XSS}")
    html = client.get(clarification.article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert html.count("</script>") == html.count("<script")  # no script element closed early
    assert claim_review_of(html)["claimReviewed"] == claim  # the JSON still says it all
    assert "\\u003c/script\\u003e" in html


def test_the_english_page_keeps_the_indonesian_verdict_in_structured_data(client):
    clarification = make_clarification(verdict=Clarification.Verdict.MISLEADING)
    client.get("/bahasa/en/")
    html = client.get(clarification.article.get_absolute_url()).content.decode()
    assert ">Misleading</span>" in html
    rating = claim_review_of(html)["reviewRating"]
    assert rating["alternateName"] == "Menyesatkan" and rating["ratingValue"] == 2


def test_a_news_article_has_no_verdict_and_asks_nothing_of_clarifications(client):
    """Prevents a query for the clarification on articles of other kinds."""
    article = make_article(title="Berita biasa")
    make_clarification()
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.get_absolute_url()).content.decode()
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "factcheck_clarification" in q["sql"]]
    assert "verdict-box" not in html and "ClaimReview" not in html


def test_editing_a_verdict_retires_the_cached_page_at_once(client):
    clarification = make_clarification()
    url = clarification.article.get_absolute_url()
    assert ">Hoaks</span>" in client.get(url).content.decode()
    assert ">Hoaks</span>" in client.get("/klarifikasi/").content.decode()
    clarification.verdict = Clarification.Verdict.SATIRE
    clarification.save()
    assert ">Satire atau parodi</span>" in client.get(url).content.decode()
    assert ">Satire atau parodi</span>" in client.get("/klarifikasi/").content.decode()


# -- the listing ------------------------------------------------------------------------


def test_the_listing_shows_published_clarifications_only(client, django_assert_max_num_queries):
    """Prevents a query per clarification for its verdict on /klarifikasi/."""
    category = make_category()
    shown = [
        make_clarification(
            make_article(kind=KIND, title=f"Klarifikasi nomor {i}", category=category)
        )
        for i in range(5)
    ]
    make_clarification(make_article(kind=KIND, title="Konsep klarifikasi", status="draft"))
    make_clarification(
        make_article(
            kind=KIND,
            title="Klarifikasi terjadwal",
            published_at=timezone.now() + timedelta(hours=2),
        )
    )
    make_article(title="Berita biasa di daftar")
    with django_assert_max_num_queries(8):
        response = client.get("/klarifikasi/")
    html = response.content.decode()
    assert response.status_code == 200
    for clarification in shown:
        assert clarification.article.title in html
    assert html.count('class="verdict-badge verdict-false"') == 5
    for absent in ("Konsep klarifikasi", "Klarifikasi terjadwal", "Berita biasa di daftar"):
        assert absent not in html
    assert '<h1 class="page-title">Klarifikasi Hoaks</h1>' in html
    assert "<script" not in html.split("</head>")[1]  # no script needed in the page body


def test_the_listing_is_paginated_and_tolerates_junk_pages(client):
    category = make_category()
    for i in range(14):
        make_clarification(make_article(kind=KIND, title=f"Klarifikasi ke-{i}", category=category))
    first = client.get("/klarifikasi/").content.decode()
    assert first.count('class="clarification-item"') == 12
    assert 'href="?page=2" rel="next"' in first
    second = client.get("/klarifikasi/", {"page": "2"}).content.decode()
    assert second.count('class="clarification-item"') == 2
    assert client.get("/klarifikasi/", {"page": "abc"}).status_code == 200


def test_a_clarification_without_its_claim_yet_is_listed_without_a_badge(client):
    make_article(kind=KIND, title="Klarifikasi tanpa isi")
    html = client.get("/klarifikasi/").content.decode()
    assert "Klarifikasi tanpa isi" in html and "verdict-badge" not in html


# -- the admin --------------------------------------------------------------------------

ROLES_MIGRATION = ("factcheck", "0002_roles")


@pytest.fixture
def newsroom_roles(roles):
    """The roles with the clarifications' permissions (as factcheck's migration grants
    them; put back if a transactional test emptied the tables)."""
    state = MigrationLoader(connection).project_state(ROLES_MIGRATION)
    import_module("factcheck.migrations.0002_roles").grant(state.apps, None)
    return roles


def staff_client(role):
    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client, user


def clarification_management(total=1, initial=0):
    return {
        "clarification-TOTAL_FORMS": str(total),
        "clarification-INITIAL_FORMS": str(initial),
        "clarification-MIN_NUM_FORMS": "0",
        "clarification-MAX_NUM_FORMS": "1",
    }


def article_form(**overrides):
    data = {
        "kind": KIND,
        "title": "Klarifikasi: video banjir lama",
        "dateline": "SEMARANG",
        "lead": "Video itu direkam tahun 2021.",
        "body": "<p>Penjelasan lengkap.</p>",
        "category": make_category().pk,
        "tags": "",
        "featured_photo": "",
        "photo_credit_text": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "workflow_comment": "",
        "takedown_reason": "",
        "slug": "",
        "author": "",
        **gallery_management(),
        **clarification_management(),
        "clarification-0-claim": "Banjir besar melanda Semarang hari ini.",
        "clarification-0-platform": "tiktok",
        "clarification-0-platform_detail": "",
        "clarification-0-first_seen": "2026-02-10",
        "clarification-0-claim_links": "https://www.tiktok.com/@akun/video/1",
        "clarification-0-verdict": "misinformasi",
        "clarification-0-evidence": "Video yang sama diunggah pada 2021.",
        "clarification-0-sources": "https://bpbd.jatengprov.go.id/laporan-2021",
    }
    data.update(overrides)
    return data


def test_a_writer_writes_the_claim_and_verdict_with_the_article(newsroom_roles):
    client, writer = staff_client("Penulis")
    add_page = client.get("/admin/articles/article/add/").content.decode()
    assert 'name="clarification-0-claim"' in add_page
    response = client.post("/admin/articles/article/add/", article_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(title="Klarifikasi: video banjir lama")
    assert article.kind == KIND and article.author == writer
    clarification = article.clarification
    assert clarification.verdict == "misinformasi" and clarification.platform == "tiktok"
    assert clarification.first_seen == date(2026, 2, 10)
    change_page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Banjir besar melanda Semarang hari ini." in change_page


def test_an_editor_publishes_a_clarification_and_readers_see_it(newsroom_roles):
    client, _editor = staff_client("Editor")
    form = article_form(status="published")
    assert client.post("/admin/articles/article/add/", form).status_code == 302
    article = Article.objects.get(title="Klarifikasi: video banjir lama")
    html = Client().get("/klarifikasi/").content.decode()
    assert article.title in html and ">Misinformasi</span>" in html
    review = claim_review_of(Client().get(article.get_absolute_url()).content.decode())
    assert review["reviewRating"]["ratingValue"] == 2


def test_a_hostile_link_is_refused_in_indonesian_and_nothing_is_saved(newsroom_roles):
    client, _editor = staff_client("Editor")
    form = article_form(**{"clarification-0-sources": "javascript:alert(document.cookie)"})
    response = client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    assert "Baris 1 bukan alamat web yang diawali http:// atau https://." in (
        response.content.decode()
    )
    assert not Article.objects.exists() and not Clarification.objects.exists()


def test_publishing_a_clarification_without_its_claim_is_refused(newsroom_roles):
    client, _editor = staff_client("Editor")
    form = article_form(status="published", **clarification_management(total=0))
    response = client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    assert "Klarifikasi hoaks memerlukan klaim, putusan, dan bukti" in response.content.decode()
    assert not Article.objects.exists()


def test_a_claim_on_a_news_article_is_refused(newsroom_roles):
    client, _editor = staff_client("Editor")
    response = client.post("/admin/articles/article/add/", article_form(kind="berita"))
    assert response.status_code == 200
    assert "Klaim dan putusan hanya untuk artikel berjenis" in response.content.decode()
    assert not Article.objects.exists()


def test_a_news_article_page_in_the_admin_has_no_clarification_inline(newsroom_roles):
    client, _editor = staff_client("Editor")
    news = make_article(title="Berita biasa")
    page = client.get(f"/admin/articles/article/{news.pk}/change/").content.decode()
    assert "clarification-TOTAL_FORMS" not in page
    clarification = make_clarification()
    page = client.get(f"/admin/articles/article/{clarification.article.pk}/change/")
    assert "clarification-TOTAL_FORMS" in page.content.decode()


def test_a_form_posted_without_the_inline_keeps_the_clarification(newsroom_roles):
    client, _editor = staff_client("Editor")
    clarification = make_clarification()
    article = clarification.article
    form = article_form(
        title=article.title,
        category=article.category_id,
        slug=article.slug,
        status="published",
        published_at_0=timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        published_at_1=timezone.localtime(article.published_at).strftime("%H:%M:%S"),
        lead="Ringkasan baru.",
    )
    form = {k: v for k, v in form.items() if not k.startswith("clarification-")}
    response = client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.lead == "Ringkasan baru."
    assert Clarification.objects.get(pk=clarification.pk).claim == clarification.claim
