import io
import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image, ImageDraw

from articles import images
from articles.demo_content import ARTICLES, CATEGORIES, PHOTOGRAPHERS
from articles.models import Article, ArticleDailyViews, Category, Photo, Photographer

DEMO_USERNAME = "redaksi"
PHOTO_SIZE = (1200, 750)


def today_minus(days):
    return timezone.localdate() - timedelta(days=days)


class DryRun(Exception):
    """Raised to roll back everything a --dry-run did."""


def demo_image(seed: int) -> bytes:
    """A recognisable, original placeholder photo: sky, hills, a sun, drawn by Pillow."""
    rng = random.Random(seed)
    width, height = PHOTO_SIZE
    top = (rng.randint(40, 120), rng.randint(90, 160), rng.randint(160, 230))
    bottom = (rng.randint(200, 250), rng.randint(180, 230), rng.randint(120, 190))
    image = Image.new("RGB", PHOTO_SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    sun_x, sun_y = rng.randint(150, width - 150), rng.randint(80, 250)
    draw.ellipse((sun_x - 70, sun_y - 70, sun_x + 70, sun_y + 70), fill=(255, 214, 90))
    for layer in range(3):
        green = (30 + 25 * layer, 110 + 30 * layer, 50 + 10 * layer)
        base = height * (0.55 + 0.13 * layer)
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base - rng.randint(0, 120)))
        points.append((width, height))
        draw.polygon(points, fill=green)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Create demo content: categories, photographers, photos and ~30 articles, "
        "plus a demo staff account. Safe to run again: existing items are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be created; change nothing."
        )
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="Then grow the archive to N published articles for load tests (seed_scale).",
        )

    def handle(self, *args, dry_run=False, scale=None, **options):
        self.seed_demo(dry_run=dry_run, **options)
        # The fixed pages and the menus (which point to the categories above), the
        # PPID's register and the leaders' agenda (with coverage by the demo staff); by
        # name, so that articles imports nothing of the apps built on it.
        for command in ("seed_demo_pages", "seed_demo_ppid", "seed_demo_agenda"):
            call_command(
                command,
                dry_run=dry_run,
                verbosity=options["verbosity"],
                stdout=self.stdout,
                stderr=self.stderr,
            )
        if scale is not None:
            call_command(
                "seed_scale",
                articles=scale,
                dry_run=dry_run,
                verbosity=options["verbosity"],
                stdout=self.stdout,
                stderr=self.stderr,
            )

    def seed_demo(self, *, dry_run, **options):
        self.verbosity = options["verbosity"]
        self.created = []
        try:
            with transaction.atomic():
                password = self.seed()
                if dry_run:
                    raise DryRun
        except BaseException as exc:
            # The rows are rolled back; the photo files written meanwhile must go too.
            for obj in self.created:
                if isinstance(obj, Photo):
                    images.delete_files([obj.image.name, *(r["name"] for r in obj.renditions)])
            if not isinstance(exc, DryRun):
                raise
            self.stdout.write(f"Dry run: would create {len(self.created)} items; nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo content: {len(self.created)} items created."))
        if password:
            self.stdout.write(
                self.style.WARNING(
                    "Demo staff login (shown only this once): "
                    f"username {DEMO_USERNAME!r}, password {password!r} at /admin/ "
                    "(the same password for 'penulis', a writer, and 'editor', an editor)"
                )
            )
        elif self.verbosity >= 1:
            self.stdout.write(
                f"Demo staff login: username {DEMO_USERNAME!r} (password printed when it was "
                f"created; reset it with: manage.py changepassword {DEMO_USERNAME})"
            )
        if (password or self.verbosity >= 1) and not settings.STAFF_2FA_REQUIRED:
            self.stdout.write(
                self.style.WARNING(
                    "Two-factor sign-in is OFF on this demo site (STAFF_2FA_REQUIRED=false, "
                    "as `make run` sets it): staff sign in with the password alone. A real "
                    "site keeps it on; to try it here, run with STAFF_2FA_REQUIRED=true "
                    "(docs/staff-sign-in.md)."
                )
            )

    def note(self, obj):
        self.created.append(obj)
        if self.verbosity >= 2:
            self.stdout.write(f"  created {obj._meta.verbose_name}: {obj}")

    def seed(self):
        password = self.seed_staff()
        categories = {}
        for order, (slug, name, description) in enumerate(CATEGORIES, start=1):
            category, created = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "order": order}
            )
            categories[slug] = category
            if created:
                self.note(category)
        photographers = []
        for name, agency in PHOTOGRAPHERS:
            photographer, created = Photographer.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "agency": agency}
            )
            photographers.append(photographer)
            if created:
                self.note(photographer)
        author = get_user_model().objects.get(username=DEMO_USERNAME)
        now = timezone.now()
        today = timezone.localdate()
        for index, item in enumerate(ARTICLES):
            slug = slugify(item["title"])[:200].strip("-")
            if Article.objects.filter(slug=slug).exists():
                continue
            photo = Photo(
                caption=item["caption"],
                alt_text=item["alt"],
                photographer=photographers[item["photographer"] % len(photographers)],
            )
            # The same path as an upload in the admin: checked, normalized, renditions made.
            upload = images.clean_upload(ContentFile(demo_image(index), name=f"demo-{index}.jpg"))
            images.save_photo(photo=photo, upload=upload)
            self.note(photo)
            published_at = timezone.make_aware(
                datetime.combine(today - timedelta(days=item["days_ago"]), time(item["hour"]))
            )
            status = Article.Status.PUBLISHED
            if index == len(ARTICLES) - 1:
                status, published_at = Article.Status.DRAFT, None
            elif index == len(ARTICLES) - 2:
                published_at = now + timedelta(days=3)  # scheduled
            article = Article.objects.create(
                title=item["title"],
                slug=slug,
                dateline=item["dateline"],
                lead=item["lead"],
                body="".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"]),
                category=categories[item["category"]],
                author=author,
                featured_photo=photo,
                status=status,
                published_at=published_at,
            )
            article.tags.add(*item["tags"])
            if status == Article.Status.PUBLISHED and published_at <= now:
                self.seed_views(article, index)
            self.note(article)
        return password

    def seed_views(self, article, seed):
        """Readers over the last month, so "Terpopuler" has something to show."""
        rng = random.Random(seed)
        first_day = max(timezone.localtime(article.published_at).date(), today_minus(29))
        buckets = []
        day = first_day
        while day <= timezone.localdate():
            buckets.append(ArticleDailyViews(article=article, day=day, views=rng.randint(5, 400)))
            day += timedelta(days=1)
        ArticleDailyViews.objects.bulk_create(buckets)
        total = sum(b.views for b in buckets) + rng.randint(100, 3000)
        Article.objects.filter(pk=article.pk).update(view_count=total)

    def seed_staff(self):
        User = get_user_model()
        if User.objects.filter(username=DEMO_USERNAME).exists():
            return None
        password = get_random_string(16)
        user = User.objects.create_superuser(
            username=DEMO_USERNAME,
            email="redaksi@example.go.id",
            password=password,
            display_name="Redaksi Humas",
        )
        self.note(user)
        # A writer and an editor with the same password, to try the workflow with.
        for username, name, role in (
            ("penulis", "Penulis Demo", "Penulis"),
            ("editor", "Editor Demo", "Editor"),
        ):
            if not User.objects.filter(username=username).exists():
                member = User.objects.create_user(
                    username=username, password=password, is_staff=True, display_name=name
                )
                member.groups.add(*Group.objects.filter(name=role))
                self.note(member)
        return password
