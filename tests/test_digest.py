"""The readers' email digest (digest/): opting in at /langganan/ with consent, per
category, daily or weekly in WIB, sent by `manage.py send_digest` at most once per
period through mailing's batches with the one-click unsubscribe headers."""

import re
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from articles.models import Article
from digest import periods, services
from mailing.models import Delivery, Subscriber

from .factories import make_article, make_category, make_reader

pytestmark = pytest.mark.django_db

WIB = timezone.get_fixed_timezone(7 * 60)
SITE = "https://humas.example.go.id"
# Tuesday 2 December 2026, 06:00 WIB: the daily run's time.
TUESDAY = datetime(2026, 12, 2, 6, 0, tzinfo=WIB)
MONDAY = datetime(2026, 11, 30, 6, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Humas Jateng"


def freeze(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def form(email="warga@example.com", categories=(), frequency="daily", consent="on", **extra):
    data = {"email": email, "categories": [c.pk for c in categories], "frequency": frequency}
    if consent:
        data["consent"] = consent
    return {**data, **extra}


def subscribe(client, **fields):
    """Subscribe through the form and confirm with the link in the mail."""
    fields.setdefault("email", "warga@example.com")
    mail.outbox.clear()
    response = client.post("/langganan/", form(**fields))
    assert response.status_code == 302, response.content.decode()
    link = re.search(rf"{re.escape(SITE)}(/surat/konfirmasi/[^/\s]+/)", mail.outbox[-1].body)[1]
    assert client.post(link).status_code == 200
    mail.outbox.clear()
    return Subscriber.objects.get(list_key="digest", email__iexact=fields["email"])


def send(frequency="daily", *args):
    out = StringIO()
    call_command("send_digest", "--frequency", frequency, *args, stdout=out)
    return out.getvalue()


def digests():
    return [message for message in mail.outbox if message.subject.startswith("Ringkasan berita")]


def test_a_visitor_opts_in_with_consent_recorded_and_gets_nothing_until_confirmed(
    monkeypatch,
):
    freeze(monkeypatch, TUESDAY)
    economy, health = make_category(name="Ekonomi"), make_category(name="Kesehatan")
    make_article(category=economy, published_at=at(date(2026, 12, 1), 9))
    client = Client()

    page = client.get("/langganan/")
    assert page.status_code == 200
    assert "Ekonomi" in page.content.decode() and "Saya setuju" in page.content.decode()
    response = client.post("/langganan/", form(categories=[economy, health], frequency="weekly"))

    assert response.status_code == 302 and response.headers["Location"] == "/surat/cek-email/"
    subscriber = Subscriber.objects.get(list_key="digest")
    assert subscriber.options == {
        "categories": sorted([economy.pk, health.pk]),
        "frequency": "weekly",
    }
    assert subscriber.consent_text.startswith("Saya setuju menerima ringkasan berita Humas Jateng")
    assert "Ekonomi, Kesehatan" in subscriber.consent_text
    assert "Mingguan" in subscriber.consent_text
    assert subscriber.consent_at == TUESDAY
    assert subscriber.confirmed_at is None
    assert len(mail.outbox) == 1 and "/surat/konfirmasi/" in mail.outbox[0].body

    subscriber.options["frequency"] = "daily"
    subscriber.save()
    send("daily")
    assert digests() == []
    assert not Delivery.objects.exists()


def test_the_form_refuses_what_is_missing_or_forged_in_indonesian_and_saves_nothing():
    category = make_category()
    client = Client()
    cases = [
        (form(categories=[category], consent=""), "Centang kotak persetujuan"),
        (form(categories=[]), "Pilih setidaknya satu kategori"),
        (form(categories=[category], frequency="hourly"), "Pilih frekuensi dari daftar"),
        (form(categories=[category], email="bukan-email"), "alamat email yang valid"),
        ({**form(), "categories": ["999999"]}, "Pilih kategori dari daftar"),
        ({**form(), "categories": ["x'; DROP TABLE"]}, "Pilih kategori dari daftar"),
        ({**form(), "categories": [str(n) for n in range(300)]}, "Pilih kategori dari daftar"),
        ({}, "Masukkan alamat email"),
    ]
    for data, message in cases:
        response = client.post("/langganan/", data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), message
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_too_many_requests_for_one_address_are_refused_with_a_message():
    category = make_category()
    client = Client()
    for _ in range(3):
        assert client.post("/langganan/", form(categories=[category])).status_code == 302

    response = client.post("/langganan/", form(categories=[category]))

    assert response.status_code == 429
    assert "Coba lagi besok" in response.content.decode()


def test_a_signed_in_reader_subscribes_and_later_changes_the_choices(monkeypatch):
    freeze(monkeypatch, TUESDAY)
    economy, health = make_category(name="Ekonomi"), make_category(name="Kesehatan")
    reader = make_reader(email="pembaca@example.com")
    client = Client()
    client.force_login(reader)
    assert 'value="pembaca@example.com"' in client.get("/langganan/").content.decode()

    subscriber = subscribe(client, email="pembaca@example.com", categories=[economy])
    assert subscriber.user == reader

    page = client.get("/langganan/").content.decode()
    assert "pembaca@example.com" in page and subscriber.unsubscribe_path() in page
    response = client.post("/langganan/", {"categories": [health.pk], "frequency": "weekly"})

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.options == {"categories": [health.pk], "frequency": "weekly"}
    assert subscriber.consent_text.startswith("Saya setuju")  # the record stays
    refused = client.post("/langganan/", {"categories": [], "frequency": "weekly"})
    assert refused.status_code == 400


def test_someone_elses_address_typed_by_a_signed_in_reader_is_not_linked_to_them():
    category = make_category()
    client = Client()
    client.force_login(make_reader(email="pembaca@example.com"))

    client.post("/langganan/", form(email="orang.lain@example.com", categories=[category]))

    assert Subscriber.objects.get(email="orang.lain@example.com").user is None


def test_the_daily_digest_holds_yesterday_in_wib_and_carries_the_unsubscribe_headers(
    monkeypatch,
):
    freeze(monkeypatch, TUESDAY)
    category = make_category(name="Ekonomi")
    monday = date(2026, 12, 1)
    make_article(
        title="Minggu malam", category=category, published_at=at(date(2026, 11, 30), 23, 59)
    )
    make_article(title="Senin dini hari", category=category, published_at=at(monday, 0, 0))
    make_article(title="Senin larut", category=category, published_at=at(monday, 23, 59))
    make_article(title="Selasa dini hari", category=category, published_at=at(TUESDAY.date(), 0, 5))
    subscriber = subscribe(Client(), categories=[category])

    output = send("daily")

    assert "digest:daily:2026-12-01" in output
    [message] = digests()
    assert message.to == ["warga@example.com"]
    assert "1 Desember 2026" in message.subject
    assert "Senin dini hari" in message.body and "Senin larut" in message.body
    assert "Minggu malam" not in message.body and "Selasa dini hari" not in message.body
    assert f"{SITE}/berita/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe == f"<{SITE}{subscriber.unsubscribe_path()}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert subscriber.unsubscribe_url() in message.body
    assert "(harian; kategori: Ekonomi)" in message.body
    delivery = Delivery.objects.get()
    assert delivery.message_key == "digest:daily:2026-12-01"
    assert delivery.status == Delivery.Status.SENT


def test_the_weekly_digest_holds_last_monday_to_sunday_for_weekly_subscribers_only(
    monkeypatch,
):
    freeze(monkeypatch, MONDAY)  # Monday 30 November 2026, 06:00 WIB
    category = make_category()
    make_article(
        title="Minggu lalu sekali", category=category, published_at=at(date(2026, 11, 22), 23)
    )
    make_article(title="Senin lalu", category=category, published_at=at(date(2026, 11, 23), 0, 1))
    make_article(title="Minggu kemarin", category=category, published_at=at(date(2026, 11, 29), 22))
    make_article(title="Senin ini", category=category, published_at=at(date(2026, 11, 30), 5))
    weekly = subscribe(
        Client(), email="mingguan@example.com", categories=[category], frequency="weekly"
    )
    subscribe(Client(), email="harian@example.com", categories=[category], frequency="daily")

    send("weekly")

    [message] = digests()
    assert message.to == [weekly.email]
    assert "23\u201329 November 2026" in message.subject
    assert "Senin lalu" in message.body and "Minggu kemarin" in message.body
    assert "Minggu lalu sekali" not in message.body and "Senin ini" not in message.body
    assert Delivery.objects.get().message_key == "digest:weekly:2026-W48"


def test_each_subscriber_gets_only_their_categories_and_no_mail_without_any(monkeypatch):
    freeze(monkeypatch, TUESDAY)
    economy, health, sport = (make_category(name=n) for n in ("Ekonomi", "Kesehatan", "Olahraga"))
    yesterday = date(2026, 12, 1)
    make_article(title="Inflasi turun", category=economy, published_at=at(yesterday, 9))
    make_article(title="Vaksin gratis", category=health, published_at=at(yesterday, 10))
    subscribe(Client(), email="a@example.com", categories=[economy])
    subscribe(Client(), email="b@example.com", categories=[economy, health])
    subscribe(Client(), email="c@example.com", categories=[sport])

    send("daily")

    bodies = {message.to[0]: message.body for message in digests()}
    assert set(bodies) == {"a@example.com", "b@example.com"}
    assert "Inflasi turun" in bodies["a@example.com"]
    assert "Vaksin gratis" not in bodies["a@example.com"]
    assert "Inflasi turun" in bodies["b@example.com"] and "Vaksin gratis" in bodies["b@example.com"]
    assert not Delivery.objects.filter(subscriber__email="c@example.com").exists()


def test_a_period_is_mailed_exactly_once_however_often_the_command_runs(monkeypatch):
    freeze(monkeypatch, TUESDAY)
    category = make_category()
    make_article(category=category, published_at=at(date(2026, 12, 1), 9))
    subscribe(Client(), categories=[category])

    send("daily")
    send("daily")
    send("daily", "--date", "2026-12-01")

    assert len(digests()) == 1
    assert Delivery.objects.count() == 1


def test_unsubscribing_stops_the_digest(monkeypatch):
    freeze(monkeypatch, TUESDAY)
    category = make_category()
    make_article(category=category, published_at=at(date(2026, 12, 1), 9))
    client = Client()
    subscriber = subscribe(client, categories=[category])
    send("daily")
    [message] = digests()
    link = message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix(SITE)

    # The mail program's one-click POST, without cookies or CSRF token (RFC 8058).
    Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})

    freeze(monkeypatch, TUESDAY + timedelta(days=1))
    make_article(category=category, published_at=at(date(2026, 12, 2), 9))
    mail.outbox.clear()
    send("daily")
    assert digests() == []
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_nothing_is_queued_or_sent_for_a_period_without_articles(monkeypatch):
    freeze(monkeypatch, TUESDAY)
    category = make_category()
    make_article(category=category, published_at=at(date(2026, 11, 29), 9))
    make_article(category=category, status=Article.Status.DRAFT)
    subscribe(Client(), categories=[category])

    output = send("daily")

    assert "0 articles" in output
    assert digests() == []
    assert not Delivery.objects.exists()


def test_an_embargoed_release_never_appears_before_its_time(monkeypatch):
    """Approved on Monday evening with an embargo until Tuesday 10:00: not in Monday's
    digest (sent Tuesday 06:00), nor in the week's; in Tuesday's, sent Wednesday."""
    freeze(monkeypatch, TUESDAY)
    category = make_category()
    monday = date(2026, 12, 1)
    make_article(title="Berita biasa", category=category, published_at=at(monday, 9))
    make_article(
        title="Siaran pers embargo",
        kind=Article.Kind.PRESS_RELEASE,
        category=category,
        published_at=at(TUESDAY.date(), 10),
    )
    make_article(
        title="Siaran pers menunggu",
        kind=Article.Kind.PRESS_RELEASE,
        category=category,
        status=Article.Status.REVIEW,
        published_at=at(monday, 12),
    )
    subscribe(Client(), email="harian@example.com", categories=[category])
    subscribe(Client(), email="mingguan@example.com", categories=[category], frequency="weekly")

    send("daily")
    with pytest.raises(CommandError, match="not over yet"):
        send("daily", "--date", "2026-12-02")
    with pytest.raises(CommandError, match="not over yet"):
        send("weekly", "--date", "2026-12-01")

    [message] = digests()
    assert "Berita biasa" in message.body
    assert "Siaran pers" not in message.body

    freeze(monkeypatch, datetime(2026, 12, 3, 6, 0, tzinfo=WIB))
    mail.outbox.clear()
    send("daily")
    [message] = digests()
    assert "Siaran pers embargo" in message.body
    assert "Siaran pers menunggu" not in message.body


def test_an_article_taken_down_after_queueing_is_left_out_and_nothing_left_sends_nothing(
    monkeypatch,
):
    freeze(monkeypatch, TUESDAY)
    category = make_category()
    article = make_article(category=category, published_at=at(date(2026, 12, 1), 9))
    subscribe(Client(), categories=[category])
    period = periods.period_of("daily", date(2026, 12, 1))
    assert services.queue(period).added == 1
    article.status = Article.Status.UNPUBLISHED
    article.save()

    services.send(period)

    assert digests() == []
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED


def test_the_command_refuses_a_bad_date_and_a_dry_run_queues_nothing(monkeypatch):
    freeze(monkeypatch, TUESDAY)
    category = make_category()
    make_article(category=category, published_at=at(date(2026, 12, 1), 9))
    subscribe(Client(), categories=[category])

    with pytest.raises(CommandError, match="not a date"):
        send("daily", "--date", "2026-13-45")
    with pytest.raises(CommandError, match="not over yet"):
        send("weekly", "--date", "9999-12-31")
    output = send("daily", "--dry-run")

    assert "1 articles, 1 subscribers" in output and "Dry run" in output
    assert not Delivery.objects.exists() and digests() == []


def test_queueing_a_period_costs_the_same_few_queries_for_any_number_of_subscribers(
    monkeypatch, django_assert_max_num_queries
):
    """Two reads and mailing's enqueue, not a query per subscriber or per article."""
    freeze(monkeypatch, TUESDAY)
    categories = [make_category() for _ in range(3)]
    for n in range(12):
        make_article(category=categories[n % 3], published_at=at(date(2026, 12, 1), 8, n))
    subscribers = [
        Subscriber(
            list_key="digest",
            email=f"warga{n}@example.com",
            options={"categories": [categories[n % 3].pk], "frequency": "daily"},
            consent_text="Saya setuju.",
            consent_at=TUESDAY,
            confirmed_at=TUESDAY,
        )
        for n in range(120)
    ]
    Subscriber.objects.bulk_create(subscribers)
    period = periods.last_complete("daily")

    # The period's categories, the subscribers, then mailing's enqueue: a read, a
    # savepoint, a count, the insert, a count, its release.
    with django_assert_max_num_queries(8):
        queued = services.queue(period)

    assert queued.added == 120 and queued.articles == 12


def test_the_subscription_page_reads_the_categories_once(django_assert_max_num_queries):
    """The category checkboxes in one query, however many categories (and the page
    version, read for the footer's kept data: site settings, menus)."""
    for _ in range(15):
        make_category()
    client = Client()
    client.get("/langganan/")

    with django_assert_max_num_queries(3):
        response = client.get("/langganan/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_a_junk_options_record_counts_as_no_category(monkeypatch):
    freeze(monkeypatch, TUESDAY)
    category = make_category()
    make_article(category=category, published_at=at(date(2026, 12, 1), 9))
    Subscriber.objects.create(
        list_key="digest", email="aneh@example.com", consent_text="Setuju.", consent_at=TUESDAY,
        confirmed_at=TUESDAY, options={"categories": "semua", "frequency": "daily"},
    )  # fmt: skip

    send("daily")

    assert digests() == []


def test_the_demo_footer_links_to_the_subscription_page(client):
    call_command("seed_demo_pages", stdout=StringIO())

    assert 'href="/langganan/"' in client.get("/").content.decode()
