"""Mailing lists: double opt-in, one-click unsubscribe, batched deliveries that survive
a restart. Depends on humas and accounts only; the lists' owners (press, digest) plug in.

The API other apps use (keep it stable; docs/mailing.md tells the operators' side):

Lists
    ``mailing.registry.register_renderer(list_key, render, *, title, queue=None)`` in
    the owner's ``AppConfig.ready()``: ``title`` names the list in mails and pages (lazy
    translated), ``render(delivery) -> EmailMessage | None`` makes one delivery's mail
    (None: nothing to send any more, the delivery is skipped); ``queue()``, optional, is
    called at the start of every ``send_mailings`` run to enqueue what came due. Mailing sets the
    recipient, the sender when empty, and the ``List-Unsubscribe`` and
    ``List-Unsubscribe-Post`` headers itself; the renderer puts
    ``delivery.subscriber.unsubscribe_url()`` in the text. The message key tells the
    renderer what to send ("press:<article pk>", "digest:daily:2026-12-02").

Subscribing (``mailing.services``)
    ``subscribe(*, list_key, email, user=None, options=None, consent_text, request)``
    -> None. Sends the confirmation mail (or, to a confirmed subscriber, a "you are
    already subscribed" mail); the caller then shows the same page whatever happened,
    e.g. ``redirect("mailing:check-inbox")``. Raises ``SubscribeRefused`` (its
    ``message`` is for the visitor, answer 429) when the address or the email went over
    the rate limit. ``options`` (JSON) is the list owner's: the digest keeps categories
    and frequency there; it is written for a new or unconfirmed subscription only, never
    over a confirmed one's (an unsubscribe and subscribe again starts afresh).
    ``Subscriber.objects.active()`` (confirmed, not unsubscribed) and
    ``.on_list(list_key)`` are the reads.

Sending (``mailing.services``)
    ``enqueue(*, list_key, message_key, recipients=None) -> int``: one pending Delivery
    per active subscriber of the list (or of ``recipients``, a queryset or iterable of
    Subscriber, of which only the list's active ones count); a (subscriber, message key)
    pair is queued at most once ever, so calling it again adds only newcomers. Returns
    how many were added.
    ``send_pending(*, batch_size=None, render=None, message_key=None) -> SendReport``:
    sends up to ``batch_size`` pending deliveries (of all lists, or of one message;
    ``render`` overrides the registry). ``manage.py send_mailings`` runs it from cron every minute.
"""
