"""Demo register of public information (Daftar Informasi Publik): the PPID's units and one
item of each class, so /ppid/daftar-informasi/ and its exports have something to show.
seed_demo runs it; safe to run again (items are found by title)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ppid.models import InformationItem, Unit

UNITS = ("PPID Utama Biro Humas", "Bagian Layanan Informasi Publik")
ITEMS = [
    {
        "title": "Laporan Kinerja Instansi Pemerintah (LKjIP) Biro Humas",
        "summary": "Capaian kinerja tahunan Biro Humas terhadap sasaran strategis.",
        "unit": 0, "official": "Kepala Biro Humas", "place": "Semarang",
        "form": InformationItem.Form.BOTH, "media": "Situs web, arsip",
        "retention": "10 tahun", "classification": InformationItem.Classification.PERIODIC,
    },
    {
        "title": "Informasi peringatan dini bencana dari pemerintah provinsi",
        "summary": "Siaran informasi keadaan darurat yang mengancam hajat hidup orang banyak.",
        "unit": 0, "official": "Kepala Bagian Pemberitaan", "place": "Semarang",
        "form": InformationItem.Form.ELECTRONIC, "media": "Situs web, media sosial",
        "retention": "5 tahun", "classification": InformationItem.Classification.IMMEDIATE,
    },
    {
        "title": "Daftar kontrak pengadaan barang dan jasa Biro Humas",
        "summary": "Kontrak pengadaan beserta nilai dan penyedianya.",
        "unit": 1, "official": "Pejabat Pembuat Komitmen", "place": "Semarang",
        "form": InformationItem.Form.PRINTED, "media": "Arsip",
        "retention": "10 tahun", "classification": InformationItem.Classification.ON_REQUEST,
    },
    {
        "title": "Rekaman rapat koordinasi pengamanan kunjungan kepala negara",
        "summary": "Notulen dan rekaman rapat pengamanan kunjungan.",
        "unit": 1, "official": "Kepala Biro Humas", "place": "Semarang",
        "form": InformationItem.Form.ELECTRONIC, "media": "Arsip elektronik",
        "retention": "5 tahun", "classification": InformationItem.Classification.EXEMPT,
        "legal_basis": "Pasal 17 huruf c UU 14/2008: informasi yang dapat membahayakan "
        "pertahanan dan keamanan negara.",
        "consequence_test": "Membuka rencana pengamanan dapat dimanfaatkan untuk mengganggu "
        "keselamatan kepala negara.",
    },
]  # fmt: skip


class Command(BaseCommand):
    help = "Create a demo register of public information (PPID). Existing items are kept."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be made.")

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            made = self.seed(options["verbosity"])
            if dry_run:
                transaction.set_rollback(True)
        if options["verbosity"] >= 1 and made:
            verb = "Would create" if dry_run else "Created"
            self.stdout.write(f"{verb} {made} PPID register items.")

    def seed(self, verbosity) -> int:
        units = [
            Unit.objects.get_or_create(name=name, defaults={"order": order})[0]
            for order, name in enumerate(UNITS)
        ]
        made = 0
        for fields in ITEMS:
            if InformationItem.objects.filter(title=fields["title"]).exists():
                continue
            item = InformationItem(
                **{**fields, "unit": units[fields["unit"]]}, year=timezone.localdate().year
            )
            item.full_clean()
            item.save()
            made += 1
            if verbosity >= 2:
                self.stdout.write(f"  {item}")
        return made
