from pathlib import Path

from auditlog.context import disable_auditlog
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audit.events import record, system_user
from wordpress.importer import Importer
from wordpress.wxr import ExportError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2, from Tools -> Export): posts, categories "
        "(flattened), tags, authors (staff accounts without a usable password), photos from "
        "--uploads, and approved comments. Every post is imported in its own transaction; "
        "running it again imports only what is new. Old addresses answer 301 to the new ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file WordPress exported.")
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="A copy of the site's wp-content/uploads directory, for the photos.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be imported; change nothing."
        )
        parser.add_argument(
            "--category-base",
            default="category",
            metavar="BASE",
            help="The old site's category base (Settings -> Permalinks), e.g. topik: its "
            "category archives were /topik/<slug>/. Default: category.",
        )
        parser.add_argument(
            "--tag-base",
            default="tag",
            metavar="BASE",
            help="The old site's tag base, as --category-base. Default: tag.",
        )

    def handle(
        self, *args, export, uploads=None, dry_run=False, verbosity=1,
        category_base="category", tag_base="tag", **options,
    ):  # fmt: skip
        bar = None

        def progress(importer):
            nonlocal bar
            if verbosity < 1:
                return
            if bar is None:
                bar = tqdm(
                    total=importer.total_posts, unit="post", desc="Posts", file=self.stderr,
                    dynamic_ncols=True, mininterval=0.5,
                )  # fmt: skip
            bar.update(1)

        try:
            importer = Importer(
                export, uploads=uploads, dry_run=dry_run, progress=progress,
                category_base=category_base, tag_base=tag_base,
            )  # fmt: skip
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            # One audit entry for the whole import (below), not one per imported row.
            with disable_auditlog():
                report = importer.run()
        except ExportError as error:
            raise CommandError(str(error)) from None
        finally:
            if bar is not None:
                bar.close()
        if not dry_run:
            record(
                "import.wordpress",
                details={
                    "export": Path(export).name,
                    "counts": dict(report.counts),
                    "failed": len(report.failed),
                    "missing_files": len(report.missing_files),
                    "system_user": system_user(),
                },
            )
        self.print_report(importer, report, dry_run, verbosity)

    def print_report(self, importer, report, dry_run, verbosity):
        if verbosity < 1:
            return
        write = self.stdout.write
        title = importer.site.title or importer.site.base_url
        write(f"{'Dry run: nothing was changed. ' if dry_run else ''}{title}: "
              f"{importer.total_posts} posts in the export.")  # fmt: skip
        for label, count in sorted(report.counts.items()):
            write(f"  {label}: {count}")
        if report.missing_files:
            write(f"  missing files (not in --uploads): {len(report.missing_files)}")
            for name in report.missing_files[: None if verbosity > 1 else 20]:
                write(f"    {name}")
            if verbosity < 2 and len(report.missing_files) > 20:
                write("    ... (-v2 lists them all)")
        for warning in report.warnings:
            write(self.style.WARNING(f"  {warning}"))
        for wp_id, title, reason in report.failed:
            write(self.style.ERROR(f"  not imported: #{wp_id} “{title}”: {reason}"))
