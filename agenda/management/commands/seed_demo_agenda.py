"""A demo week of the leaders' agenda around today: public events of the governor, the
vice governor and the regional secretary, one internal meeting, and coverage assigned
to the demo writer (and photographed by the demo editor), one of them linked to a
published demo article. seed_demo runs it; safe to run again (events are found by
title)."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from agenda import dates
from agenda.models import Coverage, Event, Leader
from articles.models import Article

# (days from today, start, hours, title, place, leaders' order, public, description, notes)
EVENTS = [
    (-1, time(9), 2, "Peluncuran Kartu Tani Digital", "Pendopo Kabupaten Grobogan", [1], True,
     "Peluncuran kartu tani digital bersama kelompok tani se-Kabupaten Grobogan.", ""),
    (0, time(8), 2, "Rapat Koordinasi Pengendalian Inflasi Daerah",
     "Gedung Gradhika Bhakti Praja, Semarang", [1, 3], True,
     "Rapat bersama bupati dan wali kota se-Jawa Tengah tentang harga bahan pokok.", ""),
    (0, time(13), 3, "Kunjungan Kerja ke Kabupaten Kendal", "Kawasan Industri Kendal", [2], True,
     "Meninjau kesiapan tenaga kerja lokal di kawasan industri.", ""),
    (0, time(16), 1, "Rapat Persiapan Kunjungan Kerja Presiden", "Ruang Rapat Gubernur", [1, 3],
     False, "", "Internal: rute dan pengamanan dibahas bersama Biro Umum. Jangan diumumkan."),
    (1, time(9), 3, "Rapat Paripurna DPRD Provinsi Jawa Tengah", "Gedung Berlian, Semarang", [3],
     True, "Penyampaian Laporan Keterangan Pertanggungjawaban Gubernur.", ""),
    (2, time(19, 30), 4, "Malam Budaya Jawa Tengah", "Taman Budaya Raden Saleh, Semarang", [1, 2],
     True, "Pentas seni dari 35 kabupaten/kota, terbuka untuk umum.", ""),
]  # fmt: skip


class Command(BaseCommand):
    help = "Create a demo agenda around today, with coverage. Existing events are kept."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be made.")

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            made = self.seed(options["verbosity"])
            if dry_run:
                transaction.set_rollback(True)
        if options["verbosity"] >= 1 and made:
            verb = "Would create" if dry_run else "Created"
            self.stdout.write(f"{verb} {made} agenda events.")

    def seed(self, verbosity) -> int:
        leaders = {leader.order: leader for leader in Leader.objects.filter(active=True)}
        User = get_user_model()
        writer = User.objects.filter(username="penulis", is_staff=True).first()
        photographer = User.objects.filter(username="editor", is_staff=True).first()
        article = Article.objects.published().order_by("-published_at").first()
        today = dates.today()
        made = 0
        for days, start, hours, title, place, orders, public, description, notes in EVENTS:
            if Event.objects.filter(title=title).exists():
                continue
            begins = datetime.combine(today + timedelta(days=days), start, tzinfo=dates.wib())
            event = Event(
                title=title,
                start=begins,
                end=begins + timedelta(hours=hours),
                place=place,
                is_public=public,
                description=description,
                notes=notes,
            )
            event.full_clean()
            event.save()
            event.leaders.set([leaders[order] for order in orders if order in leaders])
            made += 1
            if verbosity >= 2:
                self.stdout.write(f"  {event} ({begins:%Y-%m-%d %H:%M} WIB)")
            if writer or photographer:
                coverage = Coverage(
                    event=event,
                    writer=writer,
                    photographer=photographer,
                    status=Coverage.Status.PUBLISHED if days < 0 else Coverage.Status.ASSIGNED,
                    article=article if days < 0 else None,
                )
                coverage.full_clean()
                coverage.save()
        return made
