"""Press releases to journalists: who gets them, who may read them under embargo, and
queueing and sending them through mailing (docs/press.md)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from mailing import services as mailing
from mailing.models import Subscriber

from .models import Journalist

logger = logging.getLogger(__name__)

LIST_KEY = "press"


def message_key(article) -> str:
    return f"press:{article.pk}"


def may_read_embargoed(user) -> bool:
    """Approved, active journalists, and newsroom staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff and user.has_perm("articles.view_article"):
        return True
    return Journalist.objects.approved().filter(user=user).exists()


def recipients():
    """The press list's confirmed subscriptions of approved journalists."""
    return (
        Subscriber.objects.on_list(LIST_KEY)
        .active()
        .filter(user__in=Journalist.objects.approved().values("user"))
    )


def releases_due():
    """Press releases approved (scheduled under embargo, or published) whose time is not
    more than PRESS_CATCH_UP_HOURS past: what the journalists are sent. An old release
    edited later is not sent again to journalists who joined since."""
    since = timezone.now() - timedelta(hours=settings.PRESS_CATCH_UP_HOURS)
    return Article.objects.filter(
        kind=Article.Kind.PRESS_RELEASE, status=Article.Status.PUBLISHED, published_at__gt=since
    )


def queue(article) -> int:
    """One delivery per approved journalist with a confirmed subscription; a journalist
    already queued for this release is not queued again (mailing's unique key)."""
    return mailing.enqueue(
        list_key=LIST_KEY, message_key=message_key(article), recipients=recipients()
    )


def queue_due() -> None:
    """send_mailings' hook: queue every due release (catches up after a crash between an
    approval's commit and its queueing, and adds journalists approved since)."""
    for article in releases_due().only("pk"):
        queue(article)


def distribute(article_pk) -> None:
    """Right after an approval commits: queue the release and send a first batch of it
    now, so journalists have it within seconds; send_mailings (cron) does the rest and
    catches up if this is interrupted. Never raises: the approval has been saved."""
    try:
        article = releases_due().filter(pk=article_pk).first()
        if article is None:
            return
        queue(article)
        mailing.send_pending(
            batch_size=settings.PRESS_SEND_AT_APPROVAL, message_key=message_key(article)
        )
    except Exception:
        logger.exception("could not send press release %s at approval", article_pk)


def release_saved(sender, instance, **kwargs):
    """post_save of Article (connected in apps.py; articles never imports press).

    Approving a release, for now or under embargo, queues it for the journalists and
    sends a first batch once the approval is committed; saving it again queues nobody
    twice (mailing's unique key)."""
    if instance.kind == Article.Kind.PRESS_RELEASE and instance.status == Article.Status.PUBLISHED:
        pk = instance.pk
        transaction.on_commit(lambda: distribute(pk))
