"""The newsroom's roles and workflow, through the admin, with each kind of account."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleNote, ArticleRevision, ArticleTransition

from .factories import make_article, make_category, make_photographer, make_user
from .test_admin import gallery_management

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]


def staff(role, **fields):
    user = make_user(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def writer():
    return staff("Penulis", username="penulis", display_name="Penulis Satu")


@pytest.fixture
def editor():
    return staff("Editor", username="editor", display_name="Editor Satu")


def article_form(article=None, **overrides):
    data = {
        "title": article.title if article else "Bendungan Baru Diresmikan",
        "dateline": "SEMARANG",
        "lead": "Ringkasan",
        "body": "<p>Isi berita.</p>",
        "category": article.category_id if article else make_category().pk,
        "tags": "bendungan",
        "featured_photo": "",
        "photo_credit_text": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "workflow_comment": "",
        "takedown_reason": "",
        "slug": article.slug if article else "",
        "author": (article.author_id or "") if article else "",
        **gallery_management(),
    }
    data.update(overrides)
    return data


def change_url(article, action="change"):
    return f"/admin/articles/article/{article.pk}/{action}/"


def test_roles_exist_with_the_right_powers():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Penulis",
        "Editor",
        "Fotografer",
        "Admin",
    }
    assert staff("Editor").has_perm("articles.publish_article")
    writer = staff("Penulis")
    assert writer.has_perm("articles.add_article") and not writer.has_perm(
        "articles.publish_article"
    )
    assert not writer.has_perm("articles.delete_article")
    assert not staff("Fotografer").has_perm("articles.change_article")


def test_writer_drafts_and_submits_for_review(writer):
    client = logged_in(writer)
    response = client.post("/admin/articles/article/add/", article_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert (article.author, article.status) == (writer, "draft")
    response = client.post(change_url(article), article_form(article, status="review"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "review"
    transition = ArticleTransition.objects.get()
    assert (transition.from_status, transition.to_status, transition.by) == (
        "draft",
        "review",
        writer,
    )


@pytest.mark.parametrize("status", ["published", "unpublished"])
def test_a_crafted_post_cannot_make_a_writer_publish(writer, status):
    client = logged_in(writer)
    future = (timezone.localtime() - timedelta(hours=1)).strftime
    response = client.post(
        "/admin/articles/article/add/",
        article_form(
            status=status, published_at_0=future("%Y-%m-%d"), published_at_1=future("%H:%M")
        ),
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not Article.objects.exists()
    article = make_article(author=writer, status="draft")
    client.post(change_url(article), article_form(article, status=status))
    article.refresh_from_db()
    assert article.status == "draft" and article.published_at is None


def test_writer_cannot_touch_another_writers_article(writer):
    other = make_article(author=staff("Penulis"), status="draft", title="Milik Orang Lain")
    client = logged_in(writer)
    for action in ("change", "delete", "history", "revisi", "pratinjau"):
        assert client.get(change_url(other, action)).status_code == 404, action
    assert client.post(change_url(other), article_form(other, title="Dibajak")).status_code == 404
    other.refresh_from_db()
    assert other.title == "Milik Orang Lain"
    html = client.get("/admin/articles/article/").content.decode()
    assert "Milik Orang Lain" not in html


def test_writer_cannot_edit_their_article_once_published(writer):
    article = make_article(author=writer, title="Sudah Terbit")
    client = logged_in(writer)
    response = client.post(
        change_url(article), article_form(article, title="Diubah Diam-diam", status="draft")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Sudah Terbit" and article.status == "published"


def test_writer_has_no_bulk_publish(writer):
    article = make_article(author=writer, status="review")
    client = logged_in(writer)
    html = client.get("/admin/articles/article/").content.decode()
    assert "publish_selected" not in html
    client.post(
        "/admin/articles/article/", {"action": "publish_selected", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == "review"


def test_editor_sends_back_then_schedules_then_it_goes_live(writer, editor, client):
    article = make_article(author=writer, status="review", title="Festival Lampion")
    editors = logged_in(editor)
    response = editors.post(
        change_url(article),
        article_form(article, status="draft", workflow_comment="Tambah kutipan"),
    )
    assert response.status_code == 302
    back = ArticleTransition.objects.get(to_status="draft")
    assert (back.comment, back.by) == ("Tambah kutipan", editor)
    html = logged_in(writer).get(change_url(article)).content.decode()
    assert "Tambah kutipan" in html
    logged_in(writer).post(change_url(article), article_form(article, status="review"))
    later = timezone.localtime() + timedelta(days=1)
    editors.post(
        change_url(article),
        article_form(article, status="published", published_at_0=later.strftime("%Y-%m-%d"),
                     published_at_1=later.strftime("%H:%M:%S")),
    )  # fmt: skip
    article.refresh_from_db()
    assert article.is_scheduled
    assert "Terjadwal" in editors.get("/admin/articles/article/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Festival Lampion" not in client.get("/").content.decode()
    assert (
        "Festival Lampion" not in client.get(article.category.get_absolute_url()).content.decode()
    )
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    statuses = ArticleTransition.objects.order_by("at", "pk").values_list("to_status", flat=True)
    assert list(statuses) == ["draft", "review", "published"]


def test_editor_bulk_publishes_and_unpublishes(editor):
    drafts = [make_article(status="review") for _ in range(2)]
    client = logged_in(editor)
    ids = [a.pk for a in drafts]
    client.post("/admin/articles/article/", {"action": "publish_selected", "_selected_action": ids})
    assert set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"published"}
    client.post(
        "/admin/articles/article/", {"action": "unpublish_selected", "_selected_action": ids}
    )
    assert set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "unpublished"
    }
    assert ArticleTransition.objects.count() == 4


def test_readers_and_photographers_stay_out_of_the_newsroom():
    reader = logged_in(make_user())
    assert reader.get("/admin/").status_code == 302
    photographer = logged_in(staff("Fotografer"))
    assert photographer.get("/admin/articles/photo/").status_code == 200
    assert photographer.get("/admin/articles/article/").status_code == 403
    assert photographer.get("/admin/articles/comment/").status_code == 403


def test_photographer_edits_only_their_own_credit():
    user = staff("Fotografer")
    own = make_photographer(name="Saya Sendiri", user=user)
    other = make_photographer(name="Orang Lain")
    client = logged_in(user)
    data = {"name": "Nama Baru", "agency": "Humas Jateng", "slug": "x", "is_active": "on"}
    assert client.post(f"/admin/articles/photographer/{other.pk}/change/", data).status_code == 403
    assert (
        client.post(
            f"/admin/articles/photographer/{own.pk}/change/", {**data, "user": user.pk}
        ).status_code
        == 302
    )
    other.refresh_from_db()
    assert other.name == "Orang Lain"


def test_every_save_is_a_revision_and_one_can_be_restored(editor):
    article = make_article(title="Judul Pertama", body="<p>Versi satu.</p>")
    client = logged_in(editor)
    first = article_form(
        article, status="published", title="Judul Pertama", body="<p>Versi satu.</p>"
    )
    second = article_form(
        article, status="published", title="Judul Kedua", body="<p>Versi dua.</p>"
    )
    client.post(change_url(article), first)
    client.post(change_url(article), second)
    revisions = list(ArticleRevision.objects.order_by("at", "pk"))
    assert [r.data["title"] for r in revisions] == ["Judul Pertama", "Judul Kedua"]
    html = client.get(change_url(article, "revisi")).content.decode()
    assert "Versi satu." in html and "Versi dua." in html and "title" in html
    response = client.post(change_url(article, "revisi"), {"restore": revisions[0].pk})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("Judul Pertama", "<p>Versi satu.</p>")
    assert ArticleRevision.objects.count() == 3


def test_staff_preview_is_marked_never_counted_and_never_cached(writer, client):
    article = make_article(author=writer, status="draft", title="Masih Draf")
    author = logged_in(writer)
    response = author.get(article.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 Firefox/121.0")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pratinjau" in html and "Masih Draf" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    article.refresh_from_db()
    assert article.view_count == 0
    assert (
        client.get(article.get_absolute_url()).status_code == 404
    )  # the public still sees nothing
    assert logged_in(staff("Penulis")).get(article.get_absolute_url()).status_code == 404


def test_signed_preview_links_work_for_anyone_and_expire(writer, client, monkeypatch):
    article = make_article(author=writer, status="review", title="Untuk Diperiksa Pimpinan")
    redirect = logged_in(writer).get(change_url(article, "pratinjau"))
    url = redirect["Location"]
    assert "?pratinjau=" in url
    response = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 Firefox/121.0")
    assert response.status_code == 200 and "Pratinjau" in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 0
    assert client.get(url[:-3] + "xyz").status_code == 404
    token = workflow.preview_token(make_article(status="draft"))
    assert (
        client.get(f"{article.get_absolute_url()}?pratinjau={token}").status_code == 404
    )  # other article
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + workflow.PREVIEW_MAX_AGE + 60)  # the clock
    assert client.get(url).status_code == 404


def test_corrections_show_on_the_article_with_their_date(editor, client):
    article = make_article(title="Angka Bantuan")
    published = timezone.localtime(article.published_at)
    form = article_form(
        article,
        status="published",
        published_at_0=published.strftime("%Y-%m-%d"),
        published_at_1=published.strftime("%H:%M:%S"),
    )
    response = logged_in(editor).post(
        change_url(article),
        {
            **form,
            "notes-TOTAL_FORMS": "1",
            "notes-0-kind": "correction",
            "notes-0-text": "Jumlah penerima bantuan yang benar adalah 1.200 orang.",
            "notes-0-published_at_0": "2026-11-20",
            "notes-0-published_at_1": "10:00:00",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    note = ArticleNote.objects.get()
    assert note.created_by == editor
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="#ralat"' in html and 'id="ralat"' in html
    assert "Ralat" in html and "20 November 2026 | 10:00 WIB" in html
    assert "1.200 orang" in html


def test_a_taken_down_article_shows_a_notice_with_the_reason(editor, client):
    article = make_article(title="Berita Yang Ditarik")
    workflow.set_status(
        articles=[article], status="unpublished", by=editor, reason="Data belum terverifikasi"
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "Data belum terverifikasi" in html and "Berita Yang Ditarik" in html
    assert "Isi berita" not in html
    never_published = make_article(status="unpublished")
    assert client.get(never_published.get_absolute_url()).status_code == 404


def test_dashboard_shows_the_desk(editor, writer):
    make_article(author=writer, status="review", title="Menunggu Editor")
    make_article(title="Terjadwal Lusa", published_at=timezone.now() + timedelta(days=2))
    make_article(author=editor, status="draft", title="Draf Editor")
    html = logged_in(editor).get("/admin/").content.decode()
    assert "Menunggu Editor" in html and "Terjadwal Lusa" in html and "Draf Editor" in html
    html = logged_in(writer).get("/admin/").content.decode()
    assert "Menunggu Editor" in html and "Terjadwal Lusa" not in html and "Draf Editor" not in html
