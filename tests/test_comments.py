import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Comment, CommentReport

from .factories import make_article, make_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(title="Jembatan Baru Diresmikan")


@pytest.fixture
def reader(client):
    user = make_reader(display_name="Pembaca Setia")
    client.force_login(user)
    return user


def post(client, article, body, **extra):
    return client.post(f"{article.get_absolute_url()}komentar/", {"body": body}, **extra)


def test_anonymous_reader_sees_no_form_and_cannot_post(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Daftarkan diri anda terlebih dahulu" in html
    assert "<textarea" not in html
    response = post(client, article, "Halo semua")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/?next=/berita/")
    assert not Comment.objects.exists()


def test_unverified_reader_is_told_to_confirm_and_nothing_is_stored(client, article):
    client.force_login(make_reader(verified=False))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Konfirmasikan alamat email Anda sebelum berkomentar" in html
    assert "<textarea" not in html
    response = post(client, article, "Halo semua")
    assert response.status_code == 400
    assert "Konfirmasikan alamat email Anda" in response.content.decode()
    assert not Comment.objects.exists()


def test_comment_waits_for_moderation_and_only_its_author_sees_it(client, article, reader):
    response = post(client, article, "Semoga bermanfaat 👍")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#komentar-{comment.pk}"
    assert (comment.status, comment.user, comment.body) == (
        "pending",
        reader,
        "Semoga bermanfaat 👍",
    )
    html = client.get(response["Location"]).content.decode()
    assert "Komentar Anda akan tampil setelah disetujui editor" in html
    assert "Semoga bermanfaat 👍" in html and "Menunggu moderasi" in html
    other = Client()
    assert "Semoga bermanfaat" not in other.get(article.get_absolute_url()).content.decode()
    other.force_login(make_reader())
    assert "Semoga bermanfaat" not in other.get(article.get_absolute_url()).content.decode()


def test_approved_comment_is_public_at_once(client, article, reader, admin_client):
    post(client, article, "Terima kasih infonya")
    anonymous = Client()
    assert "Terima kasih infonya" not in anonymous.get(article.get_absolute_url()).content.decode()
    comment = Comment.objects.get()
    admin_client.post(
        "/admin/articles/comment/", {"action": "approve", "_selected_action": [comment.pk]}
    )
    html = anonymous.get(article.get_absolute_url()).content.decode()
    assert "Terima kasih infonya" in html
    assert "Pembaca Setia" in html
    assert 'Komentar <span class="count">(1)</span>' in html


def test_trusted_mode_publishes_after_a_first_approved_comment(client, article, reader, settings):
    settings.COMMENT_MODERATION = "trusted"
    post(client, article, "Komentar pertama")
    assert Comment.objects.get().status == "pending"
    Comment.objects.update(status="approved")
    post(client, article, "Komentar kedua")
    assert Comment.objects.get(body="Komentar kedua").status == "approved"
    post(client, article, "Lihat https://a.example https://b.example https://c.example")
    assert Comment.objects.get(body__startswith="Lihat").status == "pending"  # too many links


@pytest.mark.parametrize(
    ("typed", "shown", "absent"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=", "<img src=x"),
        ("klik javascript:alert(1) ya", "klik javascript:alert(1) ya", 'href="javascript'),
        ('<a href="javascript:alert(1)">x</a>', "&lt;a href=", 'href="javascript'),
    ],
)
def test_comments_are_plain_text(client, article, reader, typed, shown, absent):
    post(client, article, typed)
    html = client.get(article.get_absolute_url()).content.decode()
    comments = html[html.index('id="komentar"') :]
    assert shown in comments
    assert absent not in comments


def test_web_addresses_become_links_that_pass_no_reputation(client, article, reader):
    post(client, article, "Info lengkap di https://jatengprov.go.id/berita ya")
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<a href="https://jatengprov.go.id/berita" rel="nofollow ugc noopener">'
        "https://jatengprov.go.id/berita</a>" in html
    )


@pytest.mark.parametrize("body", ["", " ", "a", "  a  \n ", "\u202e\u0000"])
def test_too_short_comments_are_refused(client, article, reader, body):
    response = post(client, article, body)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tulis komentar Anda terlebih dahulu." in html or "Komentar minimal 2 karakter." in html
    assert not Comment.objects.exists()


def test_too_long_comments_are_refused_and_the_text_kept(client, article, reader):
    body = "panjang " * 251  # 2008 characters
    response = post(client, article, body)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Komentar paling banyak 2000 karakter; komentar Anda 2007 karakter." in html
    assert "panjang panjang" in html[html.index("<textarea") :]  # nothing lost
    assert not Comment.objects.exists()
    post(client, article, "x" * 2000)
    assert Comment.objects.get().body == "x" * 2000


def test_nul_and_bidi_overrides_are_removed_and_every_script_kept(client, article, reader):
    post(client, article, "Mantap\u0000 \u202eterbalik\u202c ꦱꦼꦩꦫꦁ مرحبا 🇮🇩👍🏽")
    assert Comment.objects.get().body == "Mantap terbalik ꦱꦼꦩꦫꦁ مرحبا 🇮🇩👍🏽"


def test_posting_needs_the_csrf_token(article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_reader())
    response = post(client, article, "Tanpa token")
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_more_than_five_comments_in_ten_minutes_are_refused(client, article, reader):
    for i in range(5):
        assert post(client, article, f"Komentar nomor {i}").status_code == 302
    response = post(client, article, "Komentar keenam")
    assert response.status_code == 400
    assert "Anda telah mengirim 5 komentar dalam 10 menit terakhir" in response.content.decode()
    assert Comment.objects.count() == 5
    Comment.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=11))
    assert post(client, article, "Komentar keenam").status_code == 302


def test_a_double_submit_stores_one_comment(client, article, reader):
    first = post(client, article, "Kirim dua kali")
    second = post(client, article, "Kirim dua kali")
    assert first["Location"] == second["Location"]
    assert Comment.objects.count() == 1


def test_the_same_text_twice_in_a_row_is_refused(client, article, reader):
    post(client, article, "Sama persis")
    response = post(client, make_article(), "Sama persis")
    assert response.status_code == 400
    assert "Anda baru saja mengirim komentar yang sama." in response.content.decode()
    assert Comment.objects.count() == 1


def test_comments_on_unpublished_articles_are_refused(client, reader):
    draft = make_article(status="draft")
    assert post(client, draft, "Bocoran").status_code == 404
    assert not Comment.objects.exists()


def report(client, comment, reason="abuse"):
    return client.post(f"/komentar/{comment.pk}/laporkan/", {"reason": reason}, follow=True)


def test_readers_report_comments_and_several_reports_send_it_back_to_moderation(article):
    comment = Comment.objects.create(
        article=article, user=make_reader(), body="Kasar", status="approved"
    )
    reporters = [Client() for _ in range(3)]
    for i, client in enumerate(reporters):
        client.force_login(make_reader())
        html = report(client, comment).content.decode()
        assert "Editor akan memeriksa komentar ini." in html
        if i == 0:
            assert "Anda sudah melaporkan komentar ini." in report(client, comment).content.decode()
    assert CommentReport.objects.count() == 3
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert "Kasar" not in Client().get(article.get_absolute_url()).content.decode()


def test_reports_refuse_bad_input(client, article, reader):
    own = Comment.objects.create(article=article, user=reader, body="Punya saya", status="approved")
    other = Comment.objects.create(
        article=article, user=make_reader(), body="Orang lain", status="approved"
    )
    assert (
        "Anda tidak dapat melaporkan komentar Anda sendiri." in report(client, own).content.decode()
    )
    assert "Pilih alasan" in report(client, other, reason="<script>").content.decode()
    hidden = Comment.objects.create(article=article, user=make_reader(), body="x", status="hidden")
    assert client.post(f"/komentar/{hidden.pk}/laporkan/", {"reason": "abuse"}).status_code == 404
    assert not CommentReport.objects.exists()


def test_comment_area_shows_the_count_and_at_most_fifty(client, article):
    author = make_reader()
    Comment.objects.bulk_create(
        Comment(article=article, user=author, body=f"Komentar {i}", status="approved")
        for i in range(60)
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "(60)" in html
    assert html.count('class="comment"') == 50
    assert "Menampilkan 50 komentar terbaru dari 60." in html


@pytest.mark.parametrize("count", [0, 200])
def test_article_query_count_does_not_grow_with_comments(
    client, article, count, django_assert_max_num_queries
):
    """Prevents a query per comment (its author) on the article page."""
    authors = [make_reader() for _ in range(5)]
    Comment.objects.bulk_create(
        Comment(article=article, user=authors[i % 5], body=f"K {i}", status="approved")
        for i in range(count)
    )
    with django_assert_max_num_queries(12):  # cold: see test_queries.py for the exact list
        assert client.get(article.get_absolute_url()).status_code == 200
    client.force_login(authors[0])
    with django_assert_max_num_queries(12):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_editors_moderate_in_the_admin(admin_client, admin_user, article):
    author = make_reader(display_name="Ani")
    spam = Comment.objects.create(article=article, user=author, body="Beli obat murah")
    rude = Comment.objects.create(
        article=article, user=author, body="Kata kasar", status="approved"
    )
    response = admin_client.get("/admin/articles/comment/", {"status__exact": "pending"})
    html = response.content.decode()
    assert "Beli obat murah" in html and "Kata kasar" not in html and "Ani" in html
    admin_client.post(
        "/admin/articles/comment/", {"action": "mark_spam", "_selected_action": [spam.pk]}
    )
    spam.refresh_from_db()
    assert (spam.status, spam.moderated_by) == ("spam", admin_user)
    # Hiding asks for the reason first.
    page = admin_client.post(
        "/admin/articles/comment/", {"action": "hide", "_selected_action": [rude.pk]}
    )
    assert page.status_code == 200 and "Alasan" in page.content.decode()
    rude.refresh_from_db()
    assert rude.status == "approved"
    admin_client.post(
        "/admin/articles/comment/",
        {
            "action": "hide",
            "_selected_action": [rude.pk],
            "apply": "1",
            "reason": "Ujaran kebencian",
        },
    )
    rude.refresh_from_db()
    assert (rude.status, rude.moderation_reason, rude.moderated_by) == (
        "hidden",
        "Ujaran kebencian",
        admin_user,
    )
    assert "Kata kasar" not in Client().get(article.get_absolute_url()).content.decode()


def test_reports_show_in_the_admin(admin_client, article):
    comment = Comment.objects.create(
        article=article, user=make_reader(), body="Hoaks", status="approved"
    )
    CommentReport.objects.create(comment=comment, reporter=make_reader(), reason="hoax")
    html = admin_client.get("/admin/articles/comment/").content.decode()
    assert '<td class="field-report_count">1</td>' in html
    html = admin_client.get(f"/admin/articles/comment/{comment.pk}/change/").content.decode()
    assert "Informasi palsu (hoaks)" in html
    assert admin_client.get("/admin/articles/commentreport/").status_code == 200


def test_readers_cannot_reach_the_admin(client):
    client.force_login(make_reader())
    response = client.get("/admin/articles/comment/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_refused_comment_does_not_leave_its_address_in_the_shared_page(client, article, reader):
    post(client, article, "x")  # refused, and the first rendering of this article
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "komentar/" not in html.replace('id="komentar"', "").replace("#komentar", "")
