"""WhatsApp-ready text (whatsapp/): one article's and the day's, for staff only."""

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from whatsapp import text

from .factories import make_article, make_category, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

WIB = timezone.get_fixed_timezone(7 * 60)


def staff(role="Editor", **fields):
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def freeze(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def textarea(response):
    html = response.content.decode()
    start = html.index(">", html.index("<textarea")) + 1
    return html[start : html.index("</textarea>", start)]


def test_title_is_bold_and_its_markup_characters_cannot_break_it(settings):
    settings.SITE_URL = "https://humas.example.id"
    article = make_article(title="Harga *cabai* naik_turun ~ `kode`", lead="Ringkasan.")

    message = text.article_text(article)

    neutral = "*Harga \u2217cabai\u2217 naik\u02cdturun \u223c \u02cbkode\u02cb*"
    assert message.startswith(f"{neutral}\n\nRingkasan.\n\n")
    assert message.count("*") == 2
    assert f"https://humas.example.id/berita/{article.slug}/" in message


def test_lead_is_plain_text_and_a_long_one_is_cut_at_a_word_with_an_ellipsis(settings):
    settings.SITE_URL = "https://humas.example.id"
    words = " ".join(["pembangunan"] * 60)  # 719 characters
    article = make_article(title="Jalan tol", lead=f"<b>Gubernur</b> &amp; DPRD {words}")

    lead = text.article_text(article).split("\n\n")[1]

    assert lead.startswith("Gubernur & DPRD pembangunan")
    assert "<b>" not in lead
    assert lead.endswith("pembangunan…")  # a whole word, then the ellipsis
    assert len(lead) <= text.LEAD_LIMIT


def test_hashtags_are_camel_case_letters_and_digits_without_repeats_at_most_five():
    names = ["jawa tengah", "Jawa-Tengah", "COVID-19", "2025", "#!?", "pemilu", "ÿ", "a b", "zz"]

    assert text.hashtags(names) == ["#JawaTengah", "#COVID19", "#Pemilu", "#Ÿ", "#AB"]


def test_article_text_ends_with_hashtags_from_its_tags(settings):
    settings.SITE_URL = "https://humas.example.id"
    article = make_article(title="Vaksinasi", tags=["kesehatan", "jawa tengah"])

    assert text.article_text(article).endswith("\n\n#JawaTengah #Kesehatan")


def test_a_text_that_would_be_too_long_loses_hashtags_first_then_lead(settings):
    settings.SITE_URL = "https://humas.example.id/" + "portal" * 30  # a 205-character link
    tags = [f"{'kata' * 24}{n}" for n in range(5)]  # five hashtags of 99 characters
    article = make_article(title="J" * 200, lead="kata " * 120, tags=tags)

    message = text.article_text(article)

    assert text.length(message) <= text.TEXT_LIMIT
    paragraphs = message.split("\n\n")
    assert len(paragraphs[1]) >= text.LEAD_MINIMUM
    assert 0 < paragraphs[-1].count("#") < 5


def test_length_counts_as_whatsapp_does_an_emoji_is_two():
    assert text.length("Selamat 🎉") == 10
    assert text.shorten("🎉" * 10, 5) == "🎉🎉…"


def test_staff_get_the_article_text_page_with_a_copy_button(settings):
    settings.SITE_URL = "https://humas.example.id"
    article = make_article(title="Bendungan baru", tags=["air"])

    response = signed_in(staff()).get(reverse("whatsapp:article", args=[article.pk]))

    assert response.status_code == 200
    assert textarea(response).startswith("*Bendungan baru*")
    html = response.content.decode()
    assert "data-copy-from" in html and "whatsapp/copy.js" in html
    assert "readonly" in html  # selectable without JavaScript
    assert response.headers["Cache-Control"].startswith("max-age=0")  # admin_view: never cached


def test_no_one_but_staff_who_may_view_articles_gets_the_text():
    article = make_article()
    url = reverse("whatsapp:article", args=[article.pk])

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous.headers["Location"]
    reader = signed_in(make_user()).get(url)
    assert reader.status_code in (302, 403)
    assert "textarea" not in reader.content.decode()
    staff_without_rights = signed_in(make_user(is_staff=True)).get(url)
    assert staff_without_rights.status_code == 403
    assert signed_in(make_user(is_staff=True)).get(reverse("whatsapp:daily")).status_code == 403


def test_a_scheduled_article_has_no_text_until_its_time():
    article = make_article(
        title="Siaran pers embargo",
        kind=Article.Kind.PRESS_RELEASE,
        published_at=timezone.now() + timedelta(hours=2),
    )

    response = signed_in(staff()).get(reverse("whatsapp:article", args=[article.pk]))

    assert response.status_code == 200
    assert "<textarea" not in response.content.decode()
    assert "Siaran pers embargo" in response.content.decode()  # the staff's own page
    assert "WIB" in response.content.decode()


def test_a_writer_learns_nothing_of_another_writers_draft():
    draft = make_article(title="Draf rahasia", status=Article.Status.DRAFT)
    writer = staff("Penulis")
    own = make_article(title="Draf sendiri", status=Article.Status.DRAFT, author=writer)
    client = signed_in(writer)

    other = client.get(reverse("whatsapp:article", args=[draft.pk]))
    mine = client.get(reverse("whatsapp:article", args=[own.pk]))

    assert other.status_code == 404 and "Draf rahasia" not in other.content.decode()
    assert mine.status_code == 200 and "Draf sendiri" in mine.content.decode()
    assert "<textarea" not in mine.content.decode()


def test_the_admin_links_to_the_texts():
    article = make_article()
    client = signed_in(staff())

    change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    changelist = client.get(reverse("admin:articles_article_changelist"))

    assert reverse("whatsapp:article", args=[article.pk]) in change.content.decode()
    assert reverse("whatsapp:daily") in changelist.content.decode()


def test_the_public_page_shows_the_link_to_staff_only_never_in_the_shared_copy():
    article = make_article()
    link = reverse("whatsapp:article", args=[article.pk])
    editor = signed_in(staff())

    # Staff first: the shared copy is rendered on their request.
    assert link in editor.get(article.get_absolute_url()).content.decode()
    assert link not in Client().get(article.get_absolute_url()).content.decode()
    assert link not in signed_in(make_user()).get(article.get_absolute_url()).content.decode()
    assert link in editor.get(article.get_absolute_url()).content.decode()


def test_the_days_text_lists_that_day_in_wib_and_nothing_not_yet_public(monkeypatch, settings):
    settings.SITE_URL = "https://humas.example.id"
    settings.SITE_NAME = "Humas Jateng"
    now = freeze(monkeypatch, datetime(2026, 3, 17, 10, 0, tzinfo=WIB))
    today = now.date()
    category = make_category()

    def at(day, hour, minute=0):
        return datetime.combine(day, time(hour, minute), tzinfo=WIB)

    make_article(
        title="Kemarin malam", category=category, published_at=at(date(2026, 3, 16), 23, 30)
    )
    make_article(title="Tengah malam", category=category, published_at=at(today, 0, 10))
    make_article(title="Pagi ini", category=category, published_at=at(today, 8))
    make_article(
        title="Embargo pukul 11",
        category=category,
        kind=Article.Kind.PRESS_RELEASE,
        published_at=at(today, 11),
    )
    make_article(title="Draf", category=category, status=Article.Status.DRAFT)

    response = signed_in(staff()).get(reverse("whatsapp:daily"))

    assert response.status_code == 200
    body = textarea(response)
    assert body.startswith("*Berita Humas Jateng, Selasa, 17 Maret 2026*\n\n*Tengah malam*\n")
    assert body.index("Tengah malam") < body.index("Pagi ini")
    for absent in ("Kemarin malam", "Embargo pukul 11", "Draf"):
        assert absent not in body
    yesterday = signed_in(staff()).get(reverse("whatsapp:daily"), {"day": "2026-03-16"})
    assert "Kemarin malam" in textarea(yesterday)

    freeze(monkeypatch, at(today, 11, 1))
    assert "Embargo pukul 11" in textarea(signed_in(staff()).get(reverse("whatsapp:daily")))


def test_a_long_day_is_split_into_numbered_parts_within_the_limit(monkeypatch, settings):
    settings.SITE_URL = "https://humas.example.id"
    freeze(monkeypatch, datetime(2026, 3, 17, 20, 0, tzinfo=WIB))
    category = make_category()
    for n in range(30):
        make_article(
            title=f"Berita ke-{n:02d} tentang pembangunan daerah yang panjang judulnya",
            category=category,
            published_at=datetime(2026, 3, 17, 8, n, tzinfo=WIB),
        )

    parts = text.daily_texts(date(2026, 3, 17))

    assert len(parts) > 1
    for number, part in enumerate(parts, start=1):
        assert text.length(part) <= text.TEXT_LIMIT
        assert part.split("\n\n")[0].endswith(f"* ({number}/{len(parts)})")
    joined = "".join(parts)
    for n in range(30):
        assert joined.count(f"Berita ke-{n:02d} ") == 1


def test_the_day_form_refuses_a_bad_or_future_date_in_indonesian(monkeypatch):
    freeze(monkeypatch, datetime(2026, 3, 17, 10, 0, tzinfo=WIB))
    client = signed_in(staff())

    bad = client.get(reverse("whatsapp:daily"), {"day": "17/03/2026'<script>"})
    future = client.get(reverse("whatsapp:daily"), {"day": "9999-12-31"})
    empty = client.get(reverse("whatsapp:daily"), {"day": ""})

    assert bad.status_code == 400
    assert "Masukkan tanggal" in bad.content.decode()
    assert "<script>" not in bad.content.decode()
    assert future.status_code == 400
    assert "hari ini atau sebelumnya" in future.content.decode()
    assert empty.status_code == 400


def test_a_day_without_articles_says_so(monkeypatch):
    freeze(monkeypatch, datetime(2026, 3, 17, 10, 0, tzinfo=WIB))

    response = signed_in(staff()).get(reverse("whatsapp:daily"), {"day": "2020-01-01"})

    assert response.status_code == 200
    assert "<textarea" not in response.content.decode()
    assert "Tidak ada artikel" in response.content.decode()


def test_the_days_page_reads_its_articles_in_one_query(monkeypatch, django_assert_max_num_queries):
    """One query for the day's articles, however many: no query per article (tags,
    category)."""
    freeze(monkeypatch, datetime(2026, 3, 17, 20, 0, tzinfo=WIB))
    category = make_category()
    for n in range(30):
        make_article(
            category=category, tags=["a", "b"], published_at=datetime(2026, 3, 17, 8, n, tzinfo=WIB)
        )
    client = signed_in(staff())
    client.get(reverse("whatsapp:daily"))

    with django_assert_max_num_queries(5):  # session, user, permissions (2), articles
        response = client.get(reverse("whatsapp:daily"))
    assert response.status_code == 200


def test_the_article_page_reads_the_article_and_its_tags_once(django_assert_max_num_queries):
    """The article with its category, and its tags in one query: nothing per tag."""
    article = make_article(tags=[f"tag {n}" for n in range(8)])
    client = signed_in(staff())
    url = reverse("whatsapp:article", args=[article.pk])
    client.get(url)

    with django_assert_max_num_queries(6):  # session, user, permissions (2), article, tags
        response = client.get(url)
    assert response.status_code == 200
