"""Demo pages (Profil > Visi dan Misi, Struktur Organisasi, Pejabat; Kontak) and the menus
that point to them: a header menu and two footer columns. seed_demo runs it after the
newsroom, whose categories the menus use."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Category
from menus.models import Menu, MenuItem
from pages.models import Page

PAGES = [
    (
        "Profil",
        "profil",
        "<p>Biro Hubungan Masyarakat Sekretariat Daerah melayani informasi publik "
        "pemerintah provinsi: siaran pers, liputan kegiatan pimpinan daerah, dan "
        "pengelolaan kanal informasi resmi.</p>",
        [
            (
                "Visi dan Misi",
                "visi-dan-misi",
                "<h2>Visi</h2><p>Terwujudnya komunikasi publik pemerintah yang terbuka, cepat "
                "dan tepercaya.</p><h2>Misi</h2><ol><li>Menyampaikan informasi kebijakan "
                "secara akurat dan mudah dipahami.</li><li>Membuka saluran dialog dengan "
                "masyarakat.</li><li>Mengelola dokumentasi kegiatan pemerintah.</li></ol>",
            ),
            (
                "Struktur Organisasi",
                "struktur-organisasi",
                "<p>Biro dipimpin oleh seorang Kepala Biro, dibantu tiga bagian:</p><ul>"
                "<li>Bagian Pemberitaan dan Dokumentasi</li><li>Bagian Hubungan Media dan "
                "Kemitraan</li><li>Bagian Layanan Informasi Publik</li></ul>",
            ),
            (
                "Pejabat",
                "pejabat",
                "<p>Daftar pejabat struktural Biro Hubungan Masyarakat beserta riwayat "
                "singkat jabatannya.</p>",
            ),
        ],
    ),
    (
        "Kontak",
        "kontak",
        "<p>Kantor Gubernur, Gedung A lantai 2.</p><p>Layanan informasi hari kerja pukul "
        '08.00-16.00 WIB. Surel: <a href="mailto:humas@example.go.id">'
        "humas@example.go.id</a>.</p>",
        [],
    ),
]


class DryRun(Exception):
    """Raised to roll back everything a --dry-run did."""


class Command(BaseCommand):
    help = (
        "Create demo pages (Profil and its sub-pages, Kontak) and the header and footer "
        "menus. Safe to run again: existing pages and menus are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be created; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        self.verbosity = options["verbosity"]
        self.created = []
        try:
            with transaction.atomic():
                self.seed()
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(
                f"Dry run: would create {len(self.created)} pages and menu items; nothing changed."
            )
            return
        if self.verbosity >= 1:
            self.stdout.write(f"Demo pages and menus: {len(self.created)} items created.")

    def note(self, obj):
        self.created.append(obj)
        if self.verbosity >= 2:
            self.stdout.write(f"  created {obj._meta.verbose_name}: {obj}")

    def page(self, parent, title, slug, body):
        siblings = Page.objects.get_children(parent) if parent else Page.objects.get_root_nodes()
        page = siblings.filter(slug=slug).first()
        if page is None:
            page = Page(title=title, slug=slug, body=body, status=Page.Status.PUBLISHED)
            if parent is None:
                page = Page.objects.add_root(instance=page)
            else:
                page = Page.objects.add_child(parent, instance=page)
                parent.refresh_from_db()
            self.note(page)
        return page

    def seed(self):
        pages = {}
        for title, slug, body, children in PAGES:
            pages[slug] = self.page(None, title, slug, body)
            for child_title, child_slug, child_body in children:
                pages[child_slug] = self.page(pages[slug], child_title, child_slug, child_body)
        if Menu.objects.exists():
            return  # menus someone has already set up are theirs
        header = Menu.objects.create(location=Menu.Location.HEADER, title="Menu utama")
        self.note(header)
        profil = self.item(header, 1, page=pages["profil"])
        for order, slug in enumerate(("visi-dan-misi", "struktur-organisasi", "pejabat"), 1):
            self.item(header, order, page=pages[slug], parent=profil)
        for order, category in enumerate(Category.objects.order_by("order")[:4], start=2):
            self.item(header, order, category=category)
        self.item(header, 6, document_section="semua", label="Dokumen")
        self.item(header, 7, url="/populer/", label="Terpopuler")
        self.item(header, 8, page=pages["kontak"])
        about = Menu.objects.create(location=Menu.Location.FOOTER_1, title="Tentang Kami")
        self.note(about)
        for order, slug in enumerate(("profil", "struktur-organisasi", "kontak"), 1):
            self.item(about, order, page=pages[slug])
        links = Menu.objects.create(location=Menu.Location.FOOTER_2, title="Tautan")
        self.note(links)
        self.item(links, 1, document_section="siaran-pers")
        self.item(links, 2, document_section="peraturan")
        self.item(links, 3, url="/ppid/", label="PPID")
        self.item(links, 4, url="/agenda/", label="Agenda Pimpinan")
        self.item(links, 5, url="/langganan/", label="Langganan Berita")
        self.item(links, 6, url="https://www.indonesia.go.id/", label="Portal Indonesia")

    def item(self, menu, order, **target):
        item = MenuItem(menu=menu, order=order, **target)
        item.full_clean()
        item.save()
        self.note(item)
        return item
