"""Mailing lists: double opt-in, one-click unsubscribe (RFC 8058), batched sending that
never sends one message twice to one person. The mail server is a real SMTP server on
127.0.0.1 (tests/smtpserver.py) where a test needs refusals or a dropped connection."""

import io
import re
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from audit.models import Entry
from mailing import registry, services
from mailing.models import Delivery, Subscriber

from .smtpserver import SMTPServer

pytestmark = pytest.mark.django_db

LIST = "uji"
CONSENT = "Saya setuju menerima surat uji dari Humas."


@pytest.fixture(autouse=True)
def _test_list(monkeypatch, settings):
    """A list of the tests' own: its mail names the message key."""
    settings.SITE_URL = "https://humas.example.go.id"

    def render(delivery):
        return EmailMessage(f"Pesan {delivery.message_key}", "Isi pesan.")

    monkeypatch.setitem(
        registry._lists, LIST, registry.MailingList(key=LIST, title="Surat Uji", render=render)
    )


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        yield server


def visitor_request(ip="203.0.113.10"):
    return RequestFactory().post("/langganan/", REMOTE_ADDR=ip)


def subscribe(email, ip="203.0.113.10", **kwargs):
    kwargs.setdefault("consent_text", CONSENT)
    services.subscribe(list_key=LIST, email=email, request=visitor_request(ip), **kwargs)


def link_in(message, name):
    return re.search(rf"https://humas\.example\.go\.id(/surat/{name}/[^/\s]+/)", message.body)[1]


def confirmed(email, **fields):
    return Subscriber.objects.create(
        list_key=LIST, email=email, consent_text=CONSENT, consent_at=timezone.now(),
        confirmed_at=timezone.now(), **fields,
    )  # fmt: skip


def assert_list_headers(message, subscriber):
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://humas.example.go.id/surat/berhenti/")
    assert subscriber.unsubscribe_path() in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# Double opt-in


def test_subscribing_sends_a_confirmation_and_nothing_else_until_confirmed(client):
    subscribe("Warga@Example.com", options={"kategori": [3]})
    (message,) = mail.outbox
    assert message.to == ["Warga@Example.com"]
    assert "Konfirmasi" in message.subject and "Surat Uji" in message.subject
    assert CONSENT in message.body
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None and subscriber.options == {"kategori": [3]}
    assert subscriber.consent_text == CONSENT and subscriber.consent_at is not None
    # Nothing is queued for, nor sent to, an address that has not confirmed.
    assert services.enqueue(list_key=LIST, message_key="uji:1") == 0
    assert services.send_pending().claimed == 0
    assert len(mail.outbox) == 1


def test_the_confirmation_link_asks_first_and_confirms_on_the_button(client):
    subscribe("warga@example.com")
    url = link_in(mail.outbox[0], "konfirmasi")
    page = client.get(url)
    assert page.status_code == 200
    assert CONSENT in page.content.decode()
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in page.headers["Cache-Control"]
    # A mail scanner opening the link has confirmed nothing.
    assert Subscriber.objects.get().confirmed_at is None
    assert client.post(url).status_code == 200
    assert Subscriber.objects.get().confirmed_at is not None
    # Twice is harmless.
    assert client.post(url).status_code == 200
    assert services.enqueue(list_key=LIST, message_key="uji:1") == 1


def test_an_expired_confirmation_link_is_refused(client, monkeypatch, settings):
    subscribe("warga@example.com")
    url = link_in(mail.outbox[0], "konfirmasi")
    later = time.time() + settings.MAILING_CONFIRM_DAYS * 24 * 3600 + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)  # the clock
    response = client.post(url)
    assert response.status_code == 400
    assert "tidak sah" in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is None


@pytest.mark.parametrize(
    "token",
    ["", "abc", "eyJzIjoxfQ:1uX:forged", "x" * 300, "%00"],
)
def test_a_forged_confirmation_link_is_refused(client, token):
    subscribe("warga@example.com")
    real = link_in(mail.outbox[0], "konfirmasi").split("/")[3]
    for attempt in (token, real[:-2] + "xx"):
        response = client.post(f"/surat/konfirmasi/{attempt}/")
        assert response.status_code in (400, 404)
    assert Subscriber.objects.get().confirmed_at is None


def test_a_confirmation_link_for_another_list_entry_cannot_be_rewritten():
    subscribe("satu@example.com")
    subscribe("dua@example.com")
    data = signing.loads(
        link_in(mail.outbox[0], "konfirmasi").split("/")[3], salt="mailing.confirm"
    )
    assert data["e"] == "satu@example.com"
    # The unsubscribe token, signed with another salt, does not confirm anything.
    other = Subscriber.objects.get(email="dua@example.com")
    assert Client().post(f"/surat/konfirmasi/{other.unsubscribe_token()}/").status_code == 400
    assert not Subscriber.objects.filter(confirmed_at__isnull=False).exists()


def test_a_confirmed_address_gets_a_notice_instead_and_nothing_changes():
    """No enumeration: the visitor's side is the same call with the same result; only the
    address's owner learns, by mail, that it was already subscribed."""
    subscriber = confirmed("warga@example.com", options={"kategori": [1]})
    assert subscribe("WARGA@example.com", options={"kategori": [9]}) is None
    (message,) = mail.outbox
    assert "sudah berlangganan" in message.subject.lower()
    assert "/surat/konfirmasi/" not in message.body
    assert subscriber.unsubscribe_path() in message.body
    assert_list_headers(message, subscriber)
    subscriber.refresh_from_db()
    assert subscriber.options == {"kategori": [1]}
    assert Subscriber.objects.count() == 1


def test_an_address_is_on_a_list_once_whatever_its_letter_case():
    subscribe("warga@example.com")
    subscribe("Warga@EXAMPLE.com")
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 2  # the link is sent again, for a subscription not yet confirmed


def test_subscribing_is_rate_limited_per_address_and_per_email(settings):
    settings.MAILING_SUBSCRIBES_PER_ADDRESS_PER_HOUR = 2
    settings.MAILING_SUBSCRIBES_PER_EMAIL_PER_DAY = 2
    subscribe("a@example.com")
    subscribe("b@example.com")
    with pytest.raises(services.SubscribeRefused) as refused:
        subscribe("c@example.com")
    assert "Terlalu banyak" in refused.value.message
    # From other networks, one inbox is still not flooded with confirmation mails.
    subscribe("korban@example.com", ip="198.51.100.1")
    subscribe("korban@example.com", ip="198.51.100.2")
    with pytest.raises(services.SubscribeRefused):
        subscribe("KORBAN@example.com", ip="198.51.100.3")
    assert len(mail.outbox) == 4


# Unsubscribing


def test_one_click_unsubscribe_is_a_post_without_csrf_and_can_be_repeated():
    subscriber = confirmed("warga@example.com")
    browser = Client(enforce_csrf_checks=True)
    url = subscriber.unsubscribe_path()
    response = browser.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    first = subscriber.unsubscribed_at
    assert first is not None
    assert browser.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == first
    assert services.enqueue(list_key=LIST, message_key="uji:1") == 0


def test_opening_the_unsubscribe_link_only_asks(client):
    subscriber = confirmed("warga@example.com")
    page = client.get(subscriber.unsubscribe_path())
    assert page.status_code == 200
    assert '<form method="post">' in page.content.decode()
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None


def test_the_unsubscribe_link_never_expires(client, monkeypatch):
    subscriber = confirmed("warga@example.com")
    url = subscriber.unsubscribe_path()
    later = time.time() + 5 * 365 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.post(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_a_forged_unsubscribe_link_changes_nothing(client):
    subscriber = confirmed("warga@example.com")
    token = subscriber.unsubscribe_token()
    forged = signing.dumps({"s": subscriber.pk}, salt="something-else")
    for attempt in (token[:-3] + "abc", forged, "junk"):
        assert client.post(f"/surat/berhenti/{attempt}/").status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None


def test_an_old_confirmation_link_does_not_undo_a_later_unsubscribe(client, monkeypatch):
    subscribe("warga@example.com")
    url = link_in(mail.outbox[0], "konfirmasi")
    client.post(url)
    subscriber = Subscriber.objects.get()
    later = timezone.now() + timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.post(subscriber.unsubscribe_path())
    assert client.post(url).status_code == 400
    subscriber.refresh_from_db()
    assert not subscriber.is_active


def test_subscribing_again_after_unsubscribing_needs_a_new_confirmation(client, monkeypatch):
    subscriber = confirmed("warga@example.com")
    client.post(subscriber.unsubscribe_path())
    later = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    subscribe("warga@example.com", consent_text="Persetujuan baru.")
    (message,) = mail.outbox
    subscriber.refresh_from_db()
    assert not subscriber.is_active and subscriber.consent_text == "Persetujuan baru."
    client.post(link_in(message, "konfirmasi"))
    subscriber.refresh_from_db()
    assert subscriber.is_active


# Sending


def test_every_list_mail_carries_the_unsubscribe_headers():
    subscribers = [confirmed(f"w{n}@example.com") for n in range(3)]
    assert services.enqueue(list_key=LIST, message_key="uji:1") == 3
    report = services.send_pending()
    assert report.sent == 3
    by_address = {message.to[0]: message for message in mail.outbox}
    for subscriber in subscribers:
        assert_list_headers(by_address[subscriber.email], subscriber)
        assert by_address[subscriber.email].subject == "Pesan uji:1"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_the_headers_reach_the_wire(smtp):
    subscriber = confirmed("warga@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    services.send_pending()
    (message,) = smtp.messages
    assert message["List-Unsubscribe"].strip() == (
        f"<https://humas.example.go.id{subscriber.unsubscribe_path()}>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_mailto_unsubscribe_is_added_when_configured(settings):
    settings.MAILING_UNSUBSCRIBE_MAILTO = "berhenti@example.go.id"
    confirmed("warga@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    services.send_pending()
    assert (
        mail.outbox[0]
        .extra_headers["List-Unsubscribe"]
        .endswith(", <mailto:berhenti@example.go.id?subject=unsubscribe>")
    )


def test_queueing_a_message_twice_makes_one_delivery_each():
    confirmed("a@example.com")
    assert services.enqueue(list_key=LIST, message_key="uji:1") == 1
    confirmed("b@example.com")
    assert services.enqueue(list_key=LIST, message_key="uji:1") == 1  # only the newcomer
    assert services.enqueue(list_key=LIST, message_key="uji:1") == 0
    assert Delivery.objects.count() == 2
    call_command("send_mailings", verbosity=0)
    call_command("send_mailings", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


def test_a_refused_recipient_is_marked_failed_and_the_others_get_theirs(smtp):
    for n in range(5):
        confirmed(f"w{n}@example.com")
    smtp.refused = {"w2@example.com"}
    services.enqueue(list_key=LIST, message_key="uji:1")
    report = services.send_pending()
    assert (report.sent, report.failed) == (4, 1)
    assert sorted(smtp.recipients()) == [f"w{n}@example.com" for n in (0, 1, 3, 4)]
    failed = Delivery.objects.get(status="failed")
    assert failed.subscriber.email == "w2@example.com"
    assert "550" in failed.error
    assert smtp.connections == 1  # one connection for the whole batch


def test_a_lost_mail_server_leaves_the_rest_for_the_next_run(smtp):
    """The server goes away while the third mail is sent: that one may have arrived, so
    it stays "sending" for staff; the last two wait for the next run."""
    for n in range(5):
        confirmed(f"w{n}@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    smtp.drop_after = 2
    report = services.send_pending()
    assert (report.sent, report.uncertain, report.returned) == (2, 1, 2)
    assert Delivery.objects.filter(status="pending").count() == 2
    uncertain = Delivery.objects.get(status="sending")
    assert uncertain.subscriber.email == "w2@example.com"
    assert "may have arrived" in uncertain.error
    smtp.drop_after = None
    call_command("send_mailings", verbosity=0)
    call_command("send_mailings", verbosity=0)
    assert sorted(smtp.recipients()) == [f"w{n}@example.com" for n in (0, 1, 3, 4)]
    assert Delivery.objects.filter(status="sent").count() == 4


def test_an_unreachable_mail_server_sends_nothing_and_keeps_everything(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    confirmed("warga@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    call_command("send_mailings", verbosity=0, stderr=io.StringIO())
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and "mail server" in delivery.error


def test_a_crash_between_claim_and_send_never_leads_to_a_second_send(smtp):
    """The worker claims the batch (committed as "sending") and dies before sending:
    the next runs leave those deliveries alone; at most once, as a release must be."""
    confirmed("a@example.com")
    confirmed("b@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    claimed = services.claim(1)  # ... and the process is killed here
    assert [d.status for d in claimed] == ["sending"]
    call_command("send_mailings", verbosity=0)
    call_command("send_mailings", verbosity=0)
    assert len(smtp.messages) == 1
    stuck = Delivery.objects.get(status="sending")
    assert stuck.pk == claimed[0].pk and stuck.sent_at is None


def test_staff_see_stuck_deliveries_and_may_queue_one_again(admin_client, smtp):
    confirmed("a@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    (stuck,) = services.claim(10)
    listing = admin_client.get("/admin/mailing/delivery/", {"status__exact": "sending"})
    assert listing.status_code == 200 and "a@example.com" in listing.content.decode()
    response = admin_client.post(
        "/admin/mailing/delivery/",
        {"action": "queue_again", "_selected_action": [stuck.pk]},
    )
    assert response.status_code == 302
    call_command("send_mailings", verbosity=0)
    assert smtp.recipients() == ["a@example.com"]
    assert Entry.objects.filter(event="mailing.delivery_requeued").count() == 1


def test_a_subscriber_gone_before_the_send_is_skipped():
    subscriber = confirmed("warga@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    Client().post(subscriber.unsubscribe_path())
    assert services.send_pending().skipped == 1
    assert mail.outbox == []
    assert Delivery.objects.get().status == "skipped"


def test_send_mailings_dry_run_sends_nothing(capsys):
    confirmed("warga@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    call_command("send_mailings", "--dry-run")
    assert "uji:1: 1 pending" in capsys.readouterr().out
    assert mail.outbox == []
    assert Delivery.objects.get().status == "pending"


def test_send_mailings_goes_batch_by_batch():
    for n in range(7):
        confirmed(f"w{n}@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    call_command("send_mailings", "--batch-size", "3", "--batches", "2", verbosity=0)
    assert len(mail.outbox) == 6
    call_command("send_mailings", "--batch-size", "3", verbosity=0)
    assert len(mail.outbox) == 7


def test_mail_is_written_in_the_language_of_the_page_subscribed_on(client):
    client.cookies["django_language"] = "en"
    with_language = RequestFactory().post("/", REMOTE_ADDR="203.0.113.10")
    with translation.override("en"):
        services.subscribe(
            list_key=LIST, email="reader@example.com", consent_text=CONSENT, request=with_language
        )
    assert mail.outbox[0].subject.startswith("Confirm your subscription")
    assert Subscriber.objects.get().language == "en"


def test_subscriber_admin_lists_and_filters(admin_client):
    confirmed("a@example.com")
    subscribe("b@example.com")
    page = admin_client.get("/admin/mailing/subscriber/", {"confirmed": "no"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "b@example.com" in body and "a@example.com" not in body
    found = admin_client.get("/admin/mailing/subscriber/", {"q": "a@example"})
    assert "a@example.com" in found.content.decode()


# PostgreSQL: two senders at once


def test_two_senders_at_once_send_each_delivery_once_on_postgresql(smtp, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: DATABASE_URL=postgres://... (CI's second pass sets it)")
    for n in range(40):
        confirmed(f"w{n}@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    start = threading.Barrier(2)
    errors = []

    def sender():
        try:
            start.wait()
            while services.send_pending(batch_size=5).claimed:
                pass
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=sender) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert sorted(smtp.recipients()) == sorted(f"w{n}@example.com" for n in range(40))
    assert Delivery.objects.filter(status="sent").count() == 40


def test_send_mailings_first_lets_each_list_queue_what_came_due(monkeypatch):
    confirmed("warga@example.com")

    def queue():
        services.enqueue(list_key=LIST, message_key="uji:terjadwal")

    monkeypatch.setitem(
        registry._lists,
        LIST,
        registry.MailingList(
            key=LIST, title="Surat Uji", render=registry.get(LIST).render, queue=queue
        ),
    )
    call_command("send_mailings", verbosity=0)
    call_command("send_mailings", verbosity=0)
    assert [m.subject for m in mail.outbox] == ["Pesan uji:terjadwal"]


def test_one_message_can_be_sent_on_its_own():
    confirmed("warga@example.com")
    services.enqueue(list_key=LIST, message_key="uji:1")
    services.enqueue(list_key=LIST, message_key="uji:2")
    assert services.send_pending(message_key="uji:2").sent == 1
    assert [m.subject for m in mail.outbox] == ["Pesan uji:2"]
    assert Delivery.objects.get(message_key="uji:1").status == "pending"
