"""Menus edited in the admin: the header navigation and the footer's columns. Each item
points to exactly one target: a page, a category, a document section or an address."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Category
from pages.models import Page


class Menu(models.Model):
    class Location(models.TextChoices):
        HEADER = "header", _("Header navigation")
        FOOTER_1 = "footer-1", _("Footer, column 1")
        FOOTER_2 = "footer-2", _("Footer, column 2")
        FOOTER_3 = "footer-3", _("Footer, column 3")
        FOOTER_4 = "footer-4", _("Footer, column 4")

    location = models.CharField(_("location"), max_length=20, choices=Location.choices, unique=True)
    title = models.CharField(
        _("title"), max_length=80, help_text=_("The heading of a footer column.")
    )

    class Meta:
        ordering = ("location",)
        verbose_name = _("menu")
        verbose_name_plural = _("menus")

    def __str__(self):
        return f"{self.get_location_display()}: {self.title}"


class DocumentSection(models.TextChoices):
    """The document kinds of /dokumen/ (the documents app), as their ?jenis= values."""

    ALL = "semua", _("All documents")
    PRESS = "siaran-pers", _("Press releases")
    REGULATIONS = "peraturan", _("Regulations")
    REPORTS = "laporan", _("Reports")
    ANNOUNCEMENTS = "pengumuman", _("Announcements")
    INFOGRAPHICS = "infografis", _("Infographics")
    OTHER = "lainnya", _("Other documents")


def documents_url(section):
    try:
        base = reverse("documents:index")
    except NoReverseMatch:  # the documents app names its index otherwise, or not yet
        base = "/dokumen/"
    return base if section == DocumentSection.ALL else f"{base}?jenis={section}"


def url_problem(url):
    """Why `url` may not be a menu's link, or None: http(s) addresses and paths on this
    site only (no javascript:, data:, or //other-host)."""
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return _("An address cannot contain spaces or control characters.")
    if url.startswith("/"):
        if url.startswith("//") or "\\" in url:
            return _("A path on this site starts with a single “/”, e.g. /dokumen/.")
        return None
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return _("Only addresses starting with http://, https:// or / are allowed.")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return _("This is not a valid web address.")
    return None


class MenuItem(models.Model):
    menu = models.ForeignKey(
        Menu, on_delete=models.CASCADE, related_name="items", verbose_name=_("menu")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("submenu of"),
        help_text=_("Header only: shows this item in the submenu of another item."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    label = models.CharField(
        _("label"), max_length=80, blank=True, help_text=_("The target's title when empty.")
    )
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("page"),
    )  # fmt: skip
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("category"),
    )  # fmt: skip
    document_section = models.CharField(
        _("document section"), max_length=20, choices=DocumentSection.choices, blank=True
    )
    url = models.CharField(
        _("address"),
        max_length=500,
        blank=True,
        help_text=_("https://… for another site, or a path on this one such as /dokumen/."),
    )
    new_tab = models.BooleanField(
        _("open in a new tab"), default=False, help_text=_("For addresses of other sites.")
    )

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(page__isnull=False, category__isnull=True, document_section="", url="")
                    | Q(page__isnull=True, category__isnull=False, document_section="", url="")
                    | (
                        Q(page__isnull=True, category__isnull=True, url="")
                        & ~Q(document_section="")
                    )
                    | (
                        Q(page__isnull=True, category__isnull=True, document_section="")
                        & ~Q(url="")
                    )
                ),
                name="menuitem_one_target",
                violation_error_message=_(
                    "Choose exactly one target: a page, a category, a document section or "
                    "an address."
                ),
            ),
        ]

    def __str__(self):
        return self.label or self.default_label()

    def default_label(self):
        if self.page_id:
            return self.page.title
        if self.category_id:
            return self.category.name
        if self.document_section:
            return str(DocumentSection(self.document_section).label)
        return self.url

    def target_url(self):
        if self.page_id:
            return self.page.url_path
        if self.category_id:
            return self.category.get_absolute_url()
        if self.document_section:
            return documents_url(self.document_section)
        return self.url

    def clean(self):
        targets = [
            self.page_id is not None,
            self.category_id is not None,
            bool(self.document_section),
            bool(self.url),
        ]
        if sum(targets) != 1:
            raise ValidationError(
                _(
                    "Choose exactly one target: a page, a category, a document section or "
                    "an address."
                ),
                code="one_target",
            )
        if self.url:
            problem = url_problem(self.url)
            if problem:
                raise ValidationError({"url": problem}, code="bad_url")
        if self.parent_id is not None:
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {"parent": _("Submenus have one level: choose a top-level item.")},
                    code="too_deep",
                )
            if self.parent.menu_id != self.menu_id or self.parent_id == self.pk:
                raise ValidationError(
                    {"parent": _("Choose another item of the same menu.")}, code="other_menu"
                )
