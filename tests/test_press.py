"""Press releases under embargo: journalists get them at approval and read them on the
embargo page; the public sees nothing before the embargo time, everything at it."""

import re
import time
from datetime import datetime, timedelta
from html.parser import HTMLParser
from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.utils import timezone

from articles.models import Article, ArticleDailyViews
from audit.models import Entry
from digest import periods
from digest import services as digest
from mailing.models import Delivery, Subscriber
from press.models import Journalist

from .factories import make_article, make_category, make_reader, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles", "press_roles")]

WIB = timezone.get_fixed_timezone(7 * 60)
MORNING = datetime(2026, 12, 2, 8, 0, tzinfo=WIB)
TEN = datetime(2026, 12, 2, 10, 0, tzinfo=WIB)


@pytest.fixture
def press_roles(roles):
    """The journalists' and lists' permissions of the Editor role, as press's and
    mailing's data migrations grant them (put back after a transactional test)."""
    for app, name in (("press", "0002_roles"), ("mailing", "0002_roles")):
        state = MigrationLoader(connection).project_state((app, name))
        import_module(f"{app}.migrations.{name}").grant(state.apps, None)


class Clock:
    """Now, for the database's rows and checks (timezone.now) and for the page cache's
    schedule and signatures (time.time) alike."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, moment):
        self.moment = moment
        self.monkeypatch.setattr(timezone, "now", lambda: self.moment)
        self.monkeypatch.setattr(time, "time", lambda: self.moment.timestamp())


@pytest.fixture
def clock(monkeypatch, settings):
    settings.SITE_URL = "https://humas.example.go.id"
    settings.PAGE_CACHE_SECONDS = 24 * 3600  # only the version may retire a copy here
    clock = Clock(monkeypatch)
    clock.set(MORNING)
    return clock


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def editor():
    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def journalist(email, *, approved=True, active=True, subscribed=True, confirmed=True):
    reader = make_reader(email=email)
    entry = Journalist.objects.create(
        user=reader, outlet="Suara Merdeka", active=active,
        approved_at=timezone.now() if approved else None,
    )  # fmt: skip
    if subscribed:
        Subscriber.objects.create(
            list_key="press", email=email, user=reader, consent_text="Setuju.",
            consent_at=timezone.now(), confirmed_at=timezone.now() if confirmed else None,
        )  # fmt: skip
    return entry


def release(**fields):
    fields.setdefault("kind", Article.Kind.PRESS_RELEASE)
    fields.setdefault("title", "Gubernur Luncurkan Kartu Tani Digital")
    fields.setdefault("lead", "Petani menerima kartu baru mulai pekan depan.")
    fields.setdefault("body", "<p>Kartu tani digital menggantikan kartu lama.</p>")
    fields.setdefault("status", Article.Status.REVIEW)
    return make_article(**fields)


class FormFields(HTMLParser):
    """What a browser would submit from the form with id `form_id`, unchanged."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.select = self.textarea = None
        self.options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value", "on")
                return
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select" and "name" in attrs:
            self.select = (attrs["name"], "multiple" in attrs)
            self.options = []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and "name" in attrs:
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if chosen:
                self.fields[name] = chosen if multiple else chosen[-1]
            elif not multiple and self.options:
                self.fields[name] = self.options[0][0]  # what a browser shows first
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    """The editor opens the release in the admin and approves it for `at` (WIB); what
    waits for the commit (the first batch of mail) runs."""

    def approve(client, article, *, at):
        url = f"/admin/articles/article/{article.pk}/change/"
        parser = FormFields("article_form")
        parser.feed(client.get(url).content.decode())
        data = {
            **parser.fields,
            "status": "published",
            "published_at_0": at.strftime("%Y-%m-%d"),
            "published_at_1": at.strftime("%H:%M:%S"),
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        assert response.status_code == 302, (
            response.context["adminform"].form.errors,
            [f.formset.errors for f in response.context["inline_admin_formsets"]],
        )
        article.refresh_from_db()
        return article

    return approve


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


# Done when: a release embargoed until 10:00 reaches journalists at approval and the
# public at 10:00, not before.


def test_a_release_embargoed_until_ten_reaches_journalists_at_approval_and_the_public_at_ten(
    clock, approve
):
    journalist("ani@kantorberita.id")
    journalist("budi@koran.id")
    article = release()
    public = Client()
    assert public.get(article.get_absolute_url()).status_code == 404
    approve(logged_in(editor()), article, at=TEN)
    assert article.is_scheduled and article.published_at == TEN
    # At approval (08:00): each journalist has the release, marked with its embargo.
    assert recipients() == ["ani@kantorberita.id", "budi@koran.id"]
    for message in mail.outbox:
        assert message.subject == (
            "[EMBARGO hingga 2 Desember 2026 10.00 WIB] Gubernur Luncurkan Kartu Tani Digital"
        )
        assert f"https://humas.example.go.id/pers/embargo/{article.pk}/" in message.body
        assert "Kartu tani digital menggantikan kartu lama." in message.body
    # The public: nothing at 08:00, nor at 09:59:59.
    for moment in (MORNING, TEN - timedelta(seconds=1)):
        clock.set(moment)
        assert public.get(article.get_absolute_url()).status_code == 404
        assert "Kartu Tani Digital" not in public.get("/").content.decode()
    # At 10:00, by itself (no save), the release is public.
    clock.set(TEN)
    assert public.get(article.get_absolute_url()).status_code == 200
    assert "Kartu Tani Digital" in public.get("/").content.decode()
    # And the journalists got it once.
    call_command("send_mailings", verbosity=0)
    assert len(mail.outbox) == 2


def test_every_journalist_gets_a_release_exactly_once(
    clock, approve, django_capture_on_commit_callbacks
):
    for n in range(4):
        journalist(f"wartawan{n}@media.id")
    article = release()
    editors = logged_in(editor())
    approve(editors, article, at=TEN)
    # Approved again, edited, re-saved; cron runs, twice.
    approve(editors, article, at=TEN)
    article.title = "Gubernur Luncurkan Kartu Tani Digital (ralat)"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    call_command("send_mailings", verbosity=0)
    call_command("send_mailings", verbosity=0)
    assert recipients() == [f"wartawan{n}@media.id" for n in range(4)]
    assert Delivery.objects.filter(message_key=f"press:{article.pk}").count() == 4


def test_approval_sends_a_first_batch_and_cron_sends_the_rest(clock, settings, approve):
    settings.PRESS_SEND_AT_APPROVAL = 2
    for n in range(5):
        journalist(f"wartawan{n}@media.id")
    approve(logged_in(editor()), release(), at=TEN)
    assert len(mail.outbox) == 2
    call_command("send_mailings", verbosity=0)
    assert recipients() == [f"wartawan{n}@media.id" for n in range(5)]


def test_unapproved_journalists_and_unconfirmed_subscriptions_get_nothing(clock, approve):
    journalist("disetujui@media.id")
    journalist("menunggu@media.id", approved=False)
    journalist("nonaktif@media.id", active=False)
    journalist("belum-konfirmasi@media.id", confirmed=False)
    journalist("tidak-berlangganan@media.id", subscribed=False)
    gone = journalist("berhenti@media.id")
    Client().post(Subscriber.objects.get(user=gone.user).unsubscribe_path())
    # A reader who is not press, with a confirmed subscription somehow.
    reader = make_reader(email="pembaca@example.com")
    Subscriber.objects.create(
        list_key="press", email=reader.email, user=reader, consent_text="x",
        consent_at=timezone.now(), confirmed_at=timezone.now(),
    )  # fmt: skip
    closed = journalist("akun-ditutup@media.id")
    closed.user.is_active = False
    closed.user.save()
    approve(logged_in(editor()), release(), at=TEN)
    call_command("send_mailings", verbosity=0)
    assert recipients() == ["disetujui@media.id"]


def test_a_release_published_at_once_goes_to_journalists_once(clock, approve):
    journalist("ani@kantorberita.id")
    article = approve(logged_in(editor()), release(), at=MORNING)
    assert article.is_published()
    (message,) = mail.outbox
    assert message.subject == "[Siaran Pers] Gubernur Luncurkan Kartu Tani Digital"
    assert "EMBARGO" not in message.body
    assert f"https://humas.example.go.id{article.get_absolute_url()}" in message.body
    call_command("send_mailings", verbosity=0)
    assert len(mail.outbox) == 1


def test_a_news_article_goes_to_nobody(clock, approve):
    journalist("ani@kantorberita.id")
    approve(logged_in(editor()), release(kind=Article.Kind.NEWS), at=TEN)
    call_command("send_mailings", verbosity=0)
    assert mail.outbox == []


def test_the_release_mail_has_the_unsubscribe_headers_and_link(clock):
    entry = journalist("ani@kantorberita.id")
    subscriber = Subscriber.objects.get(user=entry.user)
    release(status="published", published_at=TEN)
    call_command("send_mailings", verbosity=0)
    (message,) = mail.outbox
    url = f"https://humas.example.go.id{subscriber.unsubscribe_path()}"
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body


def test_a_release_taken_back_before_its_turn_is_not_sent(clock):
    journalist("ani@kantorberita.id")
    article = release(status="published", published_at=TEN)
    call_command("send_mailings", "--dry-run", verbosity=0)
    from press import services

    services.queue(article)
    article.status = Article.Status.DRAFT
    article.save()
    call_command("send_mailings", verbosity=0)
    assert mail.outbox == []
    assert Delivery.objects.get().status == "skipped"


def test_a_journalist_approved_during_the_embargo_still_gets_the_release(clock):
    article = release(status="published", published_at=TEN)
    call_command("send_mailings", verbosity=0)
    assert mail.outbox == []
    journalist("baru@media.id")
    call_command("send_mailings", verbosity=0)
    assert recipients() == ["baru@media.id"]
    assert Delivery.objects.get().message_key == f"press:{article.pk}"


def test_an_old_release_edited_later_is_not_sent_to_new_journalists(clock):
    article = release(status="published", published_at=MORNING - timedelta(days=30))
    journalist("baru@media.id")
    article.title = "Judul diperbaiki"
    article.save()
    call_command("send_mailings", verbosity=0)
    assert mail.outbox == []


# The embargo page


def test_the_embargo_page_is_for_approved_journalists_and_staff_only(clock):
    article = release(status="published", published_at=TEN)
    url = f"/pers/embargo/{article.pk}/"
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/akun/masuk/?next=")
    refused = [
        make_reader(),
        journalist("menunggu@media.id", approved=False).user,
        journalist("nonaktif@media.id", active=False).user,
        make_user(is_staff=True),  # staff without the newsroom's rights
    ]
    for user in refused:
        response = logged_in(user).get(url)
        assert response.status_code == 403
        assert "Kartu Tani" not in response.content.decode()
    # Who may not read learns nothing either about which numbers are releases.
    assert logged_in(make_reader()).get("/pers/embargo/999999/").status_code == 403
    for user in (journalist("ani@kantorberita.id").user, editor()):
        page = logged_in(user).get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "EMBARGO hingga Rabu, 2 Desember 2026, 10.00 WIB" in body
        assert "Kartu tani digital menggantikan kartu lama." in body
        assert '<meta name="robots" content="noindex, nofollow">' in body
        assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert "private" in page.headers["Cache-Control"]
        assert "no-store" in page.headers["Cache-Control"]


def test_the_embargo_page_is_never_cached(clock):
    article = release(status="published", published_at=TEN)
    reader = logged_in(journalist("ani@kantorberita.id").user)
    url = f"/pers/embargo/{article.pk}/"
    assert "Kartu Tani Digital" in reader.get(url).content.decode()
    # A change that sends no signal (the page cache would not hear of it) shows at once.
    Article.objects.filter(pk=article.pk).update(title="Kartu Nelayan Digital")
    assert "Kartu Nelayan Digital" in reader.get(url).content.decode()


def test_the_embargo_page_in_english(clock):
    article = release(status="published", published_at=TEN)
    reader = logged_in(journalist("ani@kantorberita.id").user)
    reader.cookies["django_language"] = "en"
    body = reader.get(f"/pers/embargo/{article.pk}/").content.decode()
    assert "EMBARGO until Wednesday, 2 December 2026, 10.00 WIB" in body


def test_the_embargo_page_sends_to_the_public_page_once_the_embargo_is_over(clock):
    article = release(status="published", published_at=TEN)
    reader = logged_in(journalist("ani@kantorberita.id").user)
    clock.set(TEN + timedelta(minutes=1))
    response = reader.get(f"/pers/embargo/{article.pk}/")
    assert response.status_code == 302 and response.url == article.get_absolute_url()


def test_the_embargo_page_shows_only_approved_releases(clock):
    reader = logged_in(journalist("ani@kantorberita.id").user)
    for article in (
        release(status="review"),
        release(status="draft"),
        release(status="published", published_at=TEN, kind=Article.Kind.NEWS),
    ):
        assert reader.get(f"/pers/embargo/{article.pk}/").status_code == 404


# Signing up on /pers/


def test_a_reader_asks_to_be_press_and_confirms_and_an_editor_approves(clock, approve):
    reader = make_reader(email="citra@radio.id")
    client = logged_in(reader)
    page = client.get("/pers/")
    assert page.status_code == 200 and "Daftar sebagai pers" in page.content.decode()
    response = client.post("/pers/", {"outlet": "  Radio   Suara Jateng ", "consent": "on"})
    assert response.status_code == 302 and response.url == "/surat/cek-email/"
    entry = Journalist.objects.get(user=reader)
    assert entry.outlet == "Radio Suara Jateng" and entry.approved_at is None
    (confirmation,) = mail.outbox
    subscriber = Subscriber.objects.get(list_key="press")
    assert "citra@radio.id" in subscriber.consent_text and subscriber.user == reader
    link = re.search(
        r"https://humas\.example\.go\.id(/surat/konfirmasi/[^/\s]+/)", confirmation.body
    )
    client.post(link[1])
    assert Subscriber.objects.get().is_active
    # Not yet approved: no releases, no embargo page.
    article = release(status="published", published_at=TEN)
    call_command("send_mailings", verbosity=0)
    assert len(mail.outbox) == 1
    assert client.get(f"/pers/embargo/{article.pk}/").status_code == 403
    assert "Menunggu persetujuan editor" in client.get("/pers/").content.decode()
    # The editor approves in the admin; the next cron run sends the release under embargo.
    editors = logged_in(editor())
    listing = editors.get("/admin/press/journalist/", {"approved": "no"})
    assert "citra@radio.id" in listing.content.decode()
    editors.post("/admin/press/journalist/", {"action": "approve", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.approved_at is not None and entry.approved_by is not None
    assert Entry.objects.filter(event="press.journalist_approved").count() == 1
    call_command("send_mailings", verbosity=0)
    assert mail.outbox[-1].to == ["citra@radio.id"] and "EMBARGO" in mail.outbox[-1].subject
    page = client.get("/pers/").content.decode()
    assert "Disetujui" in page and f"/pers/embargo/{article.pk}/" in page


def test_the_press_page_asks_visitors_to_sign_in(client):
    page = client.get("/pers/")
    assert page.status_code == 200
    assert "/akun/masuk/?next=/pers/" in page.content.decode()
    assert client.post("/pers/", {"outlet": "X", "consent": "on"}).status_code == 200
    assert not Journalist.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"outlet": "Koran"},
        {"outlet": "   ", "consent": "on"},
        {"outlet": "x" * 500, "consent": "on"},
    ],
)
def test_a_bad_press_form_says_why_and_saves_nothing(clock, data):
    client = logged_in(make_reader())
    response = client.post("/pers/", data)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert not Journalist.objects.exists() and not Subscriber.objects.exists()
    assert mail.outbox == []


def test_the_press_form_is_rate_limited(clock, settings):
    settings.MAILING_SUBSCRIBES_PER_ADDRESS_PER_HOUR = 1
    logged_in(make_reader()).post("/pers/", {"outlet": "Koran", "consent": "on"})
    response = logged_in(make_reader()).post("/pers/", {"outlet": "Koran", "consent": "on"})
    assert response.status_code == 429
    assert "Terlalu banyak" in response.content.decode()
    assert Journalist.objects.count() == 1


def test_an_editor_marks_a_reader_as_press_by_the_email_of_their_account(clock):
    reader = make_reader(email="dewi@tv.id")
    editors = logged_in(editor())
    response = editors.post(
        "/admin/press/journalist/add/",
        {"account_email": "DEWI@tv.id", "outlet": "TV Jateng", "active": "on"},
    )
    assert response.status_code == 302
    entry = Journalist.objects.get()
    assert entry.user == reader and entry.is_approved
    again = editors.post(
        "/admin/press/journalist/add/",
        {"account_email": "nobody@tv.id", "outlet": "TV", "active": "on"},
    )
    assert again.status_code == 200
    assert "Tidak ada akun aktif" in again.content.decode()
    assert Journalist.objects.count() == 1


def test_writers_cannot_manage_journalists(clock):
    writer = make_user(is_staff=True)
    writer.groups.add(Group.objects.get(name="Penulis"))
    assert logged_in(writer).get("/admin/press/journalist/").status_code == 403
    admin_role = make_user(is_staff=True)
    admin_role.groups.add(Group.objects.get(name="Admin"))
    assert logged_in(admin_role).get("/admin/press/journalist/").status_code == 200
    assert logged_in(admin_role).get("/admin/mailing/delivery/").status_code == 200


# Before its time, the release is nowhere public


EMBARGOED_TITLE = "Embargo Zamrud Katulistiwa"


def public_urls(article):
    month = f"/arsip/{TEN:%Y}/{TEN.month}/"
    return [
        "/", article.category.get_absolute_url(), "/tag/zamrud/", "/arsip/", month,
        "/cari/?q=zamrud", "/feed/", "/feed/atom/",
        f"{article.category.get_absolute_url()}feed/",
        f"{article.category.get_absolute_url()}feed/atom/",
        "/sitemap.xml", "/sitemap-news.xml", "/populer/",
        f"/penulis/{article.author_id}/",
    ]  # fmt: skip


def test_an_embargoed_release_leaks_nowhere_before_its_time_and_appears_at_it(
    clock, client, settings
):
    settings.VIEW_COUNT_MODE = "beacon"  # the one JSON endpoint that takes an article
    author = make_user(is_staff=True, display_name="Humas")
    category = make_category(name="Pertanian")
    make_article(title="Berita lain yang sudah terbit", category=category, author=author,
                 published_at=MORNING - timedelta(days=1), tags=["zamrud"])  # fmt: skip
    article = release(
        title=EMBARGOED_TITLE, lead="Zamrud lead", body="<p>Zamrud di badan rilis.</p>",
        status="published", published_at=TEN, category=category, author=author,
        tags=["zamrud"],
    )  # fmt: skip
    # Read often already (by journalists' previews, say): it would top most-read.
    ArticleDailyViews.objects.create(article=article, day=MORNING.date(), views=10_000)
    urls = public_urls(article)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert EMBARGOED_TITLE not in body and article.slug not in body, url
    # The month's count on the archive page does not count it either.
    assert 'Desember 2026</a> <span class="meta">(1)' in client.get("/arsip/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.post(f"{article.get_absolute_url()}dibaca/").status_code == 404
    comment = client.post(f"{article.get_absolute_url()}komentar/", {"body": "Bocor?"})
    assert (
        comment.status_code in (302, 403, 404) and EMBARGOED_TITLE not in comment.content.decode()
    )
    clock.set(TEN - timedelta(seconds=1))
    for url in urls:
        assert EMBARGOED_TITLE not in client.get(url).content.decode(), url
    # 10:00: every page cached above shows it, with no save in between.
    clock.set(TEN)
    assert client.get(article.get_absolute_url()).status_code == 200
    for url in urls:
        if url in ("/populer/", "/arsip/"):
            continue  # checked below: titles, and a month's count
        body = client.get(url).content.decode()
        assert article.slug in body, url
    assert EMBARGOED_TITLE in client.get("/populer/").content.decode()
    assert 'Desember 2026</a> <span class="meta">(2)' in client.get("/arsip/").content.decode()


def test_the_press_page_and_the_embargo_page_take_a_fixed_number_of_queries(
    clock, django_assert_max_num_queries
):
    """Releases under embargo are listed in one query, not one per release."""
    reader = logged_in(journalist("ani@kantorberita.id").user)
    releases = [
        release(status="published", published_at=TEN + timedelta(hours=n)) for n in range(6)
    ]
    with django_assert_max_num_queries(12):
        page = reader.get("/pers/")
    assert page.content.decode().count("/pers/embargo/") == 6
    with django_assert_max_num_queries(12):
        assert reader.get(f"/pers/embargo/{releases[0].pk}/").status_code == 200


def test_the_readers_digest_leaves_out_a_release_until_its_embargo_time(clock):
    """The digest's own tests send whole periods (tests/test_digest.py); here, the
    articles of the embargo's day and week as the digest reads them, before and at 10:00."""
    category = make_category()
    article = release(status="published", published_at=TEN, category=category)
    for frequency in ("daily", "weekly"):
        period = periods.period_of(frequency, TEN.date())
        clock.set(TEN - timedelta(seconds=1))
        assert article not in digest.articles_in(period, [category])
        clock.set(TEN)
        assert article in digest.articles_in(period, [category])
