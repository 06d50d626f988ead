"""The integrity watch: published content with spam, hidden links and new outbound
domains, found by `manage.py check_integrity`, reported in the admin and mailed to the
administrators once."""

from io import StringIO

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article, Comment, SiteSettings
from audit.models import Entry
from integrity.models import AllowedDomain, Finding, Pattern, Report, SeenDomain
from integrity.services import RUNNING
from menus.models import Menu, MenuItem
from pages.models import Page

from .factories import make_article, make_category, make_photo, make_reader, make_user
from .live import free_port
from .test_admin import gallery_management

pytestmark = pytest.mark.django_db

SPAM_LINK = '<a href="https://slot-gacor.example/">slot gacor</a>'


@pytest.fixture
def admins(settings):
    """Who is told: ADMINS, and the active superusers with an email address."""
    settings.ADMINS = [("Tim TI", "ti@example.go.id")]
    settings.SITE_URL = "https://humas.example.go.id"
    make_user(username="kepala", email="kepala@example.go.id", is_staff=True, is_superuser=True)
    return ["ti@example.go.id", "kepala@example.go.id"]


def check(*args):
    out = StringIO()
    call_command("check_integrity", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def findings(kind=None):
    report = Report.objects.first()
    rows = report.findings.all()
    return [f for f in rows if kind is None or f.kind == kind]


def article_form(article, **changes):
    data = {
        "title": article.title,
        "dateline": article.dateline,
        "lead": article.lead,
        "body": article.body,
        "category": article.category_id,
        "tags": "",
        "status": article.status,
        "published_at_0": article.published_at.strftime("%Y-%m-%d") if article.published_at else "",
        "published_at_1": article.published_at.strftime("%H:%M:%S") if article.published_at else "",
        "slug": article.slug,
        **gallery_management(),
    }
    data.update(changes)
    return data


def test_an_injected_slot_gacor_link_and_a_php_file_are_reported_and_mailed(
    admins, admin_client, settings
):
    """The issue's drill: a stolen staff password edits a published article, a web shell
    is dropped into the media folder; the next check reports both and mails the
    administrators, each finding with its admin link."""
    article = make_article(title="Bupati Resmikan Pasar", body="<p>Pasar baru dibuka.</p>")
    check()  # yesterday's check: nothing to report, nobody mailed
    assert findings() == []
    assert mail.outbox == []

    body = f"<p>Pasar baru dibuka.</p><p>Info terbaru {SPAM_LINK} di sini.</p>"
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/", article_form(article, body=body)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert "slot-gacor.example" in article.body  # a link survives the sanitizer
    shell = settings.MEDIA_ROOT / "photos" / "2026" / "05" / "shell.php"
    shell.parent.mkdir(parents=True)
    shell.write_text("<?php system($_GET['c']); ?>")

    output = check()

    assert "3 findings, 3 new" in output
    spam = findings(Finding.Kind.PATTERN)
    assert [(f.object_repr, f.where) for f in spam] == [("Bupati Resmikan Pasar", "body")]
    assert "slot gacor" in spam[0].excerpt
    assert spam[0].admin_url == f"/admin/articles/article/{article.pk}/change/"
    assert spam[0].severity == Finding.Severity.HIGH
    [domain] = findings(Finding.Kind.OUTBOUND)
    assert domain.excerpt.startswith("slot-gacor.example")
    [script] = findings(Finding.Kind.SCRIPT_FILE)
    assert script.where == "media/photos/2026/05/shell.php"
    assert "system($_GET" in script.excerpt

    [message] = mail.outbox
    # ADMINS and every superuser with an address (the one signed in to the admin too).
    assert sorted(message.to) == sorted([*admins, "admin@example.com"])
    assert "3 temuan baru" in message.subject
    assert "Bupati Resmikan Pasar" in message.body
    assert "slot gacor" in message.body
    assert (
        f"https://humas.example.go.id/admin/articles/article/{article.pk}/change/" in message.body
    )
    assert "media/photos/2026/05/shell.php" in message.body
    assert "https://humas.example.go.id/admin/integrity/report/" in message.body


def test_a_second_check_with_nothing_new_mails_nobody(admins):
    make_article(body=f"<p>{SPAM_LINK}</p>")
    check()
    assert len(mail.outbox) == 1
    output = check()
    assert "0 new" in output
    assert len(mail.outbox) == 1
    assert len(findings(Finding.Kind.PATTERN)) == 1  # still in the report, not mailed again
    assert Finding.objects.count() == 1  # one row across both runs


def test_clean_demo_content_gives_an_empty_report(admins):
    call_command("seed_demo", stdout=StringIO())
    check()
    output = check()
    assert Report.objects.count() == 2
    assert findings() == []
    assert "0 findings" in output
    assert mail.outbox == []
    report = Report.objects.first()
    assert report.scanned["articles.article"] >= 28
    assert report.scanned["files"] > 100  # the photos and renditions were looked at


def test_a_reviewed_finding_stays_quiet_until_what_was_found_changes(admins, admin_client):
    article = make_article(body="<p>Daftar slot gacor</p>")
    check()
    spam = findings(Finding.Kind.PATTERN)[0]
    response = admin_client.post(
        "/admin/integrity/finding/",
        {"action": "mark_reviewed", "_selected_action": [spam.pk]},
    )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.reviewed_by.username == "admin" and spam.reviewed_at is not None
    entry = Entry.objects.get(event="integrity.reviewed")
    assert entry.actor.username == "admin"
    assert entry.object_pk == str(spam.pk)

    # Taken down, then put back the same: reviewed, so quiet.
    Article.objects.filter(pk=article.pk).update(body="<p>Bersih.</p>")
    check()
    Article.objects.filter(pk=article.pk).update(body="<p>Daftar slot gacor</p>")
    mail.outbox.clear()
    check()
    assert findings(Finding.Kind.PATTERN)[0].is_reviewed
    assert mail.outbox == []
    # Another phrase: a new finding, mailed.
    Article.objects.filter(pk=article.pk).update(body="<p>Daftar slot gacor, togel</p>")
    check()
    [message] = mail.outbox
    assert "togel" in message.body
    assert not findings(Finding.Kind.PATTERN)[0].is_reviewed


def test_a_finding_that_comes_back_unreviewed_is_mailed_again(admins):
    article = make_article(body="<p>Daftar situs judi online terpercaya</p>")
    check()
    Article.objects.filter(pk=article.pk).update(body="<p>Bersih.</p>")
    check()
    Article.objects.filter(pk=article.pk).update(body="<p>Daftar situs judi online terpercaya</p>")
    mail.outbox.clear()
    check()
    assert len(mail.outbox) == 1


def test_spam_is_found_however_it_is_written_and_ordinary_news_is_not(admins):
    spam = [
        "Main di SLOT-GACOR88 sekarang",
        "link \uff53\uff4c\uff4f\uff54 \uff47\uff41\uff43\uff4f\uff52 resmi",  # full width
        "sl\u200bot gac\u200bor",  # zero-width spaces
        "Prediksi TOGEL hari ini",
        "bocoran RTP live",
    ]
    clean = [
        "Penerbangan dari Bandar Udara Ahmad Yani bertambah",
        "Lomba burung kicau: murai gacor jadi juara",
        "Camat Toto Suparto membuka acara",
        "Slot waktu pendaftaran online dibuka pukul 08.00",
        "Dana desa untuk deposit di bank daerah",
    ]
    spammy = [make_article(title=f"Berita {i}", lead=text) for i, text in enumerate(spam)]
    for i, text in enumerate(clean):
        make_article(title=f"Warta {i}", lead=text)
    check()
    found = {f.object_repr for f in findings(Finding.Kind.PATTERN)}
    assert found == {a.title for a in spammy}


def test_spam_in_captions_comments_settings_and_menus_is_found(admins):
    photo = make_photo(caption="Foto kegiatan", alt_text="Agen judi terpercaya")
    article = make_article(featured_photo=photo)
    Comment.objects.create(
        article=article, user=make_reader(), body="Mantap, main togel di sini", status="approved"
    )
    Comment.objects.create(
        article=article, user=make_reader(), body="Maxwin tiap hari", status="pending"
    )
    SiteSettings.objects.create(address="Jl. Pahlawan 9, deposit pulsa tanpa potongan")
    menu = Menu.objects.create(location="footer-1", title="Tautan")
    MenuItem.objects.create(menu=menu, label="Situs slot resmi", url="https://gov.example/")
    check()
    found = {(f.content_type.model, f.where) for f in findings(Finding.Kind.PATTERN)}
    assert found == {
        ("photo", "alt_text"),
        ("comment", "body"),
        ("sitesettings", "address"),
        ("menuitem", "label"),
    }


def test_drafts_are_not_read_until_published(admins):
    make_article(status=Article.Status.DRAFT, body=f"<p>{SPAM_LINK}</p>")
    check()
    assert findings() == []


def test_a_new_outbound_domain_is_reported_once_and_an_allowed_one_never(admins):
    make_article(body='<p><a href="https://www.kompas.com/berita">Kompas</a></p>')
    check()  # the first check learns the domains in use
    assert findings() == []
    assert list(SeenDomain.objects.values_list("domain", flat=True)) == ["kompas.com"]

    make_article(
        body='<p>Sumber: <a href="https://jatengprov.go.id/x">Pemprov</a>, '
        '<a href="https://www.instagram.com/humasjateng">IG</a>, '
        "https://berita-baru.example/a dan kunjungi promo88.xyz sekarang.</p>"
    )
    check()
    assert sorted(f.excerpt.split(":")[0] for f in findings(Finding.Kind.OUTBOUND)) == [
        "berita-baru.example",
        "promo88.xyz",
    ]
    check()
    assert findings(Finding.Kind.OUTBOUND) == []
    assert sorted(SeenDomain.objects.values_list("domain", flat=True)) == [
        "berita-baru.example",
        "kompas.com",
        "promo88.xyz",
    ]


def test_a_domain_added_to_the_allowlist_in_the_admin_is_not_reported(admins, admin_client):
    response = admin_client.post(
        "/admin/integrity/alloweddomain/add/",
        {"domain": "https://www.Antara-News.example/berita", "include_subdomains": "on"},
    )
    assert response.status_code == 302
    assert AllowedDomain.objects.filter(domain="antara-news.example").exists()
    check()
    make_article(body='<p><a href="https://jateng.antara-news.example/x">Antara</a></p>')
    check()
    assert findings() == []


def test_a_phrase_added_in_the_admin_is_looked_for_and_a_bad_regex_is_refused(admins, admin_client):
    response = admin_client.post(
        "/admin/integrity/pattern/add/",
        {"phrase": "obat kuat", "kind": "other", "is_active": "on"},
    )
    assert response.status_code == 302
    response = admin_client.post(
        "/admin/integrity/pattern/add/",
        {"phrase": "(unclosed", "is_regex": "on", "kind": "other", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "regular expression" in response.content.decode() or "ekspresi" in (
        response.content.decode()
    )
    make_article(title="Iklan", lead="Jual obat-kuat murah")
    check()
    [finding] = findings(Finding.Kind.PATTERN)
    assert finding.severity == Finding.Severity.MEDIUM
    Pattern.objects.filter(phrase="obat kuat").update(is_active=False)
    check()
    assert findings(Finding.Kind.PATTERN) == []


def test_a_hidden_link_stored_in_the_database_is_reported(admins):
    article = make_article(title="Berita Disusupi")
    # A defacer writing to the database directly: not sanitized.
    Article.objects.filter(pk=article.pk).update(
        body='<p>Isi.</p><div style="position: absolute; left: -9999px">'
        '<a href="https://bandar.example/">agen terpercaya</a></div>'
    )
    check()
    [hidden] = findings(Finding.Kind.HIDDEN)
    assert hidden.object_repr == "Berita Disusupi"
    assert "https://bandar.example/ (off-screen)" in hidden.excerpt
    assert hidden.severity == Finding.Severity.HIGH


@pytest.mark.parametrize(
    "html",
    [
        '<span style="display:none">judul <a href="https://x.example/">x</a></span>',
        '<p style="visibility: hidden">teks tersembunyi</p>',
        '<p style="font-size:0">teks</p>',
        '<p style="font-size: 1px">teks</p>',
        '<p style="color:#FFFFFF">putih di atas putih</p>',
        '<div hidden><a href="https://x.example/">x</a></div>',
        '<a aria-hidden="true" href="https://x.example/">x</a>',
        '<font color="white">teks</font>',
        '<div style="height:0;overflow:hidden">teks</div>',
        '<div class="d-none">teks</div>',
    ],
)
def test_every_way_of_hiding_text_is_reported(admins, html):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body=f"<p>Terlihat.</p>{html}")
    check()
    assert len(findings(Finding.Kind.HIDDEN)) == 1


def test_the_article_form_strips_hiding_styles_so_the_link_shows_as_a_new_domain(
    admins, admin_client
):
    article = make_article(title="Lewat Admin")
    check()
    hidden = '<p>Isi.</p><p style="display:none"><a href="https://tersembunyi.example/">x</a></p>'
    response = admin_client.post(
        f"/admin/articles/article/{article.pk}/change/", article_form(article, body=hidden)
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert "display" not in article.body
    check()
    assert findings(Finding.Kind.HIDDEN) == []
    assert [f.excerpt.split(":")[0] for f in findings(Finding.Kind.OUTBOUND)] == [
        "tersembunyi.example"
    ]


def test_a_dry_run_saves_nothing_and_mails_nobody(admins):
    make_article(body=f"<p>{SPAM_LINK}</p>")
    output = check("--dry-run", "-v", "2")
    assert "Dry run: 1 findings, 1 new" in output
    assert "slot gacor" in output
    assert not Report.objects.exists()
    assert not Finding.objects.exists()
    assert mail.outbox == []


def test_no_mail_saves_the_report_without_mailing(admins):
    make_article(body=f"<p>{SPAM_LINK}</p>")
    check("--no-mail")
    assert Report.objects.get().new_count == 1
    assert mail.outbox == []
    check()  # no longer new: already in the last report
    assert mail.outbox == []


def test_the_report_page_shows_the_last_report_to_a_superuser(admins, admin_client):
    make_article(title="Berita Bermasalah", body=f"<p>{SPAM_LINK}</p>")
    check()
    response = admin_client.get("/admin/integrity/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Berita Bermasalah" in html
    assert "slot gacor" in html
    assert "Tandai sudah ditinjau" in html
    finding = findings(Finding.Kind.PATTERN)[0]
    report = Report.objects.first()
    response = admin_client.post(
        f"/admin/integrity/report/{report.pk}/tinjau/", {"finding": [finding.pk]}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.is_reviewed
    assert Entry.objects.filter(event="integrity.reviewed").count() == 1
    html = admin_client.get(response["Location"]).content.decode()
    assert "Berita Bermasalah" not in html  # reviewed ones are hidden unless asked for
    html = admin_client.get(response["Location"] + "?ditinjau=1").content.decode()
    assert "Berita Bermasalah" in html


def test_the_findings_list_filters_by_kind_and_review(admins, admin_client):
    make_article(title="Berita Bermasalah", body=f"<p>{SPAM_LINK}</p>")
    check()
    for query in ({}, {"kind__exact": "pattern"}, {"ditinjau": "0"}, {"laporan": "semua"}):
        response = admin_client.get("/admin/integrity/finding/", query)
        assert response.status_code == 200
        assert "Berita Bermasalah" in response.content.decode()
    response = admin_client.get("/admin/integrity/finding/", {"ditinjau": "1"})
    assert "Berita Bermasalah" not in response.content.decode()


def test_a_writer_cannot_open_the_report_or_mark_findings_reviewed(admins, client, roles):
    make_article(body=f"<p>{SPAM_LINK}</p>")
    check()
    writer = make_user(username="penulis", is_staff=True)
    writer.groups.add(roles["Penulis"])
    client.force_login(writer)
    assert client.get("/admin/integrity/report/").status_code == 403
    assert client.get("/admin/integrity/finding/").status_code == 403
    report = Report.objects.first()
    finding = Finding.objects.get()
    response = client.post(
        f"/admin/integrity/report/{report.pk}/tinjau/", {"finding": [finding.pk]}
    )
    assert response.status_code == 403
    finding.refresh_from_db()
    assert not finding.is_reviewed
    client.logout()
    response = client.get("/admin/integrity/report/")
    assert response.status_code == 302


def test_the_admin_group_sees_the_report(admins, client, roles):
    check()
    member = make_user(username="admin-situs", is_staff=True)
    member.groups.add(roles["Admin"])
    client.force_login(member)
    assert client.get("/admin/integrity/report/").status_code == 200


def test_the_report_page_before_any_check_says_how_to_run_one(admin_client):
    response = admin_client.get("/admin/integrity/report/")
    assert response.status_code == 200
    assert "check_integrity" in response.content.decode()


def test_without_anyone_to_mail_the_check_says_so(settings):
    settings.ADMINS = []
    make_article(body=f"<p>{SPAM_LINK}</p>")
    err = StringIO()
    call_command("check_integrity", stdout=StringIO(), stderr=err)
    assert "ADMINS" in err.getvalue()
    assert mail.outbox == []


def test_one_address_is_mailed_once(settings):
    settings.ADMINS = [("A", "Kepala@Example.go.id"), ("B", "kepala@example.go.id")]
    make_user(username="boss", email="KEPALA@example.go.id", is_superuser=True, is_staff=True)
    make_user(username="old", email="old@example.go.id", is_superuser=True, is_active=False)
    make_article(body=f"<p>{SPAM_LINK}</p>")
    check()
    [message] = mail.outbox
    assert len(message.to) == 1


def test_a_page_published_with_spam_is_found(admins):
    Page.objects.add_root(
        instance=Page(title="Profil", body=f"<p>{SPAM_LINK}</p>", status="published")
    )
    Page.objects.add_root(instance=Page(title="Konsep", body=f"<p>{SPAM_LINK}</p>", status="draft"))
    check()
    assert [f.object_repr for f in findings(Finding.Kind.PATTERN)] == ["Profil"]


def test_category_is_checked(admins):
    make_category(name="Slot Online")
    check()
    assert [f.where for f in findings(Finding.Kind.PATTERN)] == ["name"]


def test_a_mail_server_that_is_down_loses_the_mail_not_the_report(admins, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    make_article(body=f"<p>{SPAM_LINK}</p>")
    err = StringIO()
    call_command("check_integrity", stdout=StringIO(), stderr=err)
    assert "could not be sent" in err.getvalue()
    report = Report.objects.get()
    assert report.new_count == 1
    assert report.mailed_to == 0


def test_a_second_check_does_not_start_while_one_is_running(admins):
    make_article(body=f"<p>{SPAM_LINK}</p>")
    cache.add(RUNNING, "2026-12-02T04:23:00+07:00")  # a check on another app server
    err = StringIO()
    call_command("check_integrity", stdout=StringIO(), stderr=err)
    assert "running since 2026-12-02T04:23:00+07:00" in err.getvalue()
    assert not Report.objects.exists()
    assert mail.outbox == []
    cache.delete(RUNNING)
    check()
    assert Report.objects.count() == 1
    assert cache.get(RUNNING) is None  # the mark goes when the run ends
