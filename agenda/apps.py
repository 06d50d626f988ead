from django.apps import AppConfig
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda")

    def ready(self):
        from humas import pagecache

        from . import models

        # The public agenda (day, week, an event's page, the .ics feeds) shows events,
        # their leaders and their coverage's articles (humas/pagecache/; docs/caching.md).
        # Articles are watched by articles/apps.py, a scheduled one coming due included.
        for model in (models.Event, models.Coverage, models.Leader):
            pagecache.watch(model)

        # Leaders added to or removed from an event send no post_save (the relation's
        # rows are bulk-written), so they are watched through m2m_changed.
        def leaders_changed(sender, action, **kwargs):
            if action in ("post_add", "post_remove", "post_clear"):
                pagecache.changed()

        m2m_changed.connect(
            leaders_changed,
            sender=models.Event.leaders.through,
            weak=False,
            dispatch_uid="pagecache:agenda.Event.leaders",
        )
