"""The links to our pages beside articles (articles.stafflinks): shown to every staff
member without a query; the pages themselves check the permission."""

from django.urls import reverse
from django.utils.translation import gettext as _

from articles.stafflinks import StaffLink


def article_links(user, article_id):
    return [StaffLink(_("WhatsApp text"), reverse("whatsapp:article", args=[article_id]))]


def list_links(user):
    return [StaffLink(_("Daily WhatsApp text"), reverse("whatsapp:daily"))]
