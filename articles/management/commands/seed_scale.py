"""`manage.py seed_scale --articles N` (or `seed_demo --scale N`): a large archive, fast.

Rows are written with bulk_create in batches, one transaction per batch, so 100,000
articles take minutes rather than the hours that 100,000 `save()` calls would. What
`Article.save()` would do per row is done here once: bodies are sanitized once per
template (and a place paragraph once per place) rather than once per article, and slugs
are checked against one set of the slugs already taken rather than one query each.
"""

import random
import time
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.demo_content import ARTICLES
from articles.models import Article, ArticleDailyViews, Category, Comment, Photo
from articles.models.slugs import SLUG_MAX_LENGTH
from articles.sanitize import sanitize_html
from humas import pagecache

ARCHIVE_DAYS = 3 * 365
READERS = 300
READER_PREFIX = "pembaca-skala-"
WITH_PHOTO = 0.7
WITH_COMMENTS = 0.2
# Old articles still read this month: a small share of the archive, a few days each.
OLD_BUT_READ = 0.03

# (dateline, the region's name): the 35 regencies and cities of Central Java.
PLACES = [
    ("SEMARANG", "Kota Semarang"), ("SURAKARTA", "Kota Surakarta"),
    ("MAGELANG", "Kota Magelang"), ("SALATIGA", "Kota Salatiga"),
    ("PEKALONGAN", "Kota Pekalongan"), ("TEGAL", "Kota Tegal"),
    ("CILACAP", "Kabupaten Cilacap"), ("PURWOKERTO", "Kabupaten Banyumas"),
    ("PURBALINGGA", "Kabupaten Purbalingga"), ("BANJARNEGARA", "Kabupaten Banjarnegara"),
    ("KEBUMEN", "Kabupaten Kebumen"), ("PURWOREJO", "Kabupaten Purworejo"),
    ("WONOSOBO", "Kabupaten Wonosobo"), ("MUNGKID", "Kabupaten Magelang"),
    ("BOYOLALI", "Kabupaten Boyolali"), ("KLATEN", "Kabupaten Klaten"),
    ("SUKOHARJO", "Kabupaten Sukoharjo"), ("WONOGIRI", "Kabupaten Wonogiri"),
    ("KARANGANYAR", "Kabupaten Karanganyar"), ("SRAGEN", "Kabupaten Sragen"),
    ("PURWODADI", "Kabupaten Grobogan"), ("BLORA", "Kabupaten Blora"),
    ("REMBANG", "Kabupaten Rembang"), ("PATI", "Kabupaten Pati"),
    ("KUDUS", "Kabupaten Kudus"), ("JEPARA", "Kabupaten Jepara"),
    ("DEMAK", "Kabupaten Demak"), ("UNGARAN", "Kabupaten Semarang"),
    ("TEMANGGUNG", "Kabupaten Temanggung"), ("KENDAL", "Kabupaten Kendal"),
    ("BATANG", "Kabupaten Batang"), ("KAJEN", "Kabupaten Pekalongan"),
    ("PEMALANG", "Kabupaten Pemalang"), ("SLAWI", "Kabupaten Tegal"),
    ("BREBES", "Kabupaten Brebes"),
]  # fmt: skip

COMMENTS = [
    "Semoga programnya berjalan lancar dan merata sampai ke desa-desa.",
    "Terima kasih informasinya, sangat bermanfaat bagi warga.",
    "Mohon di daerah kami juga segera diadakan kegiatan serupa.",
    "Mantap, pelayanan publik memang harus terus ditingkatkan.",
    "Apakah ada jadwal lengkapnya? Kami ingin ikut mendaftar.",
    "Langkah yang bagus, tinggal pengawasannya yang perlu diperketat.",
    "Alhamdulillah, warga di kampung kami sudah merasakan manfaatnya.",
    "Semoga anggarannya digunakan tepat sasaran.",
    "Kapan program ini menjangkau kecamatan kami?",
    "Salut untuk para petugas di lapangan.",
]
FIRST_NAMES = ["Budi", "Siti", "Agus", "Dewi", "Eko", "Rina", "Joko", "Wulan", "Slamet", "Tri"]
LAST_NAMES = ["Santoso", "Rahayu", "Prasetyo", "Lestari", "Wibowo", "Utami", "Nugroho", "Sari"]


@contextmanager
def given_times(model, *names):
    """Let bulk_create store the times we give: auto_now(_add) fields would stamp every
    row with the moment of seeding, and the archive would look three years younger."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = (
        "Grow the archive to N published articles (spread over three years, with tags, "
        "photos, daily views and comments from a few hundred readers) for load tests. "
        "Needs the demo content (seed_demo) first; `seed_demo --scale N` runs both."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, required=True, help="Published articles to have in all."
        )
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1, help="Random seed (repeatable runs).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be created; change nothing."
        )

    def handle(self, *args, articles, batch_size, seed, dry_run=False, **options):
        self.verbosity = options["verbosity"]
        missing = articles - Article.objects.published().count()
        if missing <= 0:
            self.say(f"Already {articles} or more published articles; nothing to do.")
            return
        if dry_run:
            self.stdout.write(f"Dry run: would create {missing} articles; nothing changed.")
            return
        self.rng = random.Random(seed + missing)  # noqa: S311 - made-up data, not secrets
        self.prepare()
        started = time.monotonic()
        self.say(f"Creating {missing} articles in batches of {batch_size}.")
        times = self.publish_times(missing)
        totals = {"articles": 0, "tags": 0, "daily views": 0, "comments": 0}
        for start in range(0, missing, batch_size):
            with transaction.atomic():
                counts = self.create_batch(times[start : start + batch_size])
            for name, count in counts.items():
                totals[name] += count
            self.say(
                f"  {totals['articles']:>7} / {missing} articles "
                f"({time.monotonic() - started:.0f} s)"
            )
        self.analyze()
        pagecache.changed()  # bulk inserts send no signals: cached pages list the old archive
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count} {name}" for name, count in totals.items())
        self.stdout.write(self.style.SUCCESS(f"Created {summary} in {elapsed:.1f} s."))

    def say(self, message):
        if self.verbosity >= 1:
            self.stdout.write(message)

    def prepare(self):
        """What every batch reuses: the demo's categories, photos and staff, the tag pool,
        the readers, the sanitized templates, and the slugs already taken."""
        categories = {c.slug: c for c in Category.objects.all()}
        self.photos = list(Photo.objects.exclude(photographer=None).values_list("pk", flat=True))
        self.authors = list(
            get_user_model().objects.filter(is_staff=True).values_list("pk", flat=True)
        )
        if not categories or not self.photos or not self.authors:
            raise CommandError("No demo content to build on: run `manage.py seed_demo` first.")
        tag_names = sorted({tag for item in ARTICLES for tag in item["tags"]})
        tags = {tag.name: tag.pk for tag in Tag.objects.filter(name__in=tag_names)}
        for name in tag_names:
            if name not in tags:
                tag = Tag(name=name)
                tag.save()  # taggit makes the slug
                tags[name] = tag.pk
        self.templates = []
        for item in ARTICLES:
            category = categories.get(item["category"]) or next(iter(categories.values()))
            body = "".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"])
            self.templates.append(
                {
                    "title": item["title"],
                    "lead": item["lead"],
                    "body": sanitize_html(body),
                    "category_id": category.pk,
                    "tag_ids": [tags[name] for name in item["tags"]],
                }
            )
        self.places = []
        for dateline, name in PLACES:
            paragraph = f"Kegiatan serupa juga dijadwalkan di {name} dalam waktu dekat."
            self.places.append((dateline, name, sanitize_html(f"<p>{escape(paragraph)}</p>")))
        self.readers = self.ensure_readers()
        self.content_type_id = ContentType.objects.get_for_model(Article).pk
        self.taken = set(Article.objects.values_list("slug", flat=True))
        self.now = timezone.now()
        self.today = timezone.localdate()

    def ensure_readers(self):
        User = get_user_model()
        existing = User.objects.filter(username__startswith=READER_PREFIX).count()
        now = timezone.now()
        new = []
        for i in range(existing, READERS):
            user = User(
                username=f"{READER_PREFIX}{i}",
                email=f"{READER_PREFIX}{i}@example.com",
                display_name=f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                email_verified_at=now,
                privacy_consent_at=now,
            )
            user.set_unusable_password()
            new.append(user)
        User.objects.bulk_create(new)
        return list(
            User.objects.filter(username__startswith=READER_PREFIX).values_list("pk", flat=True)
        )

    def publish_times(self, count):
        """`count` publish times over the last three years, oldest first, as a newsroom
        writes them (so row order follows publish order, as it does in production)."""
        span = ARCHIVE_DAYS * 86400
        offsets = sorted((self.rng.uniform(3600, span) for _ in range(count)), reverse=True)
        return [self.now - timedelta(seconds=offset) for offset in offsets]

    def unique_slug(self, title):
        base = slugify(title)[: SLUG_MAX_LENGTH - 10].strip("-") or "berita"
        slug, n = base, 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug

    def create_batch(self, times):
        rng = self.rng
        articles, plans = [], []
        for published_at in times:
            template = rng.choice(self.templates)
            dateline, place, place_paragraph = rng.choice(self.places)
            title = f"{place}: {template['title']}"[:200]
            plan = self.plan_views(published_at)
            photo_id = rng.choice(self.photos) if rng.random() < WITH_PHOTO else None
            articles.append(
                Article(
                    title=title,
                    slug=self.unique_slug(title),
                    dateline=dateline,
                    lead=template["lead"],
                    body=template["body"] + place_paragraph,  # both sanitized in prepare()
                    category_id=template["category_id"],
                    author_id=rng.choice(self.authors),
                    featured_photo_id=photo_id,
                    status=Article.Status.PUBLISHED,
                    published_at=published_at,
                    created_at=published_at,
                    updated_at=published_at,
                    view_count=sum(plan.values()) + self.earlier_views(published_at),
                )
            )
            plans.append((template["tag_ids"], plan))
        with given_times(Article, "created_at", "updated_at"):
            Article.objects.bulk_create(articles)
        tagged, buckets, comments = [], [], []
        for article, (tag_ids, plan) in zip(articles, plans, strict=True):
            tagged += [
                TaggedItem(content_type_id=self.content_type_id, object_id=article.pk, tag_id=t)
                for t in tag_ids
            ]
            buckets += [
                ArticleDailyViews(article_id=article.pk, day=day, views=views)
                for day, views in plan.items()
            ]
            if rng.random() < WITH_COMMENTS:
                comments += self.comments_for(article)
        TaggedItem.objects.bulk_create(tagged)
        ArticleDailyViews.objects.bulk_create(buckets)
        with given_times(Comment, "created_at"):
            Comment.objects.bulk_create(comments)
        return {
            "articles": len(articles),
            "tags": len(tagged),
            "daily views": len(buckets),
            "comments": len(comments),
        }

    def plan_views(self, published_at):
        """{day: views} over the last 30 days: every day since publication for a new
        article (fading), a few days for an old one still read now and then."""
        rng = self.rng
        first = timezone.localtime(published_at).date()
        month_ago = self.today - timedelta(days=29)
        if first >= month_ago:
            peak = rng.randint(50, 3000)
            days = (self.today - first).days + 1
            return {
                first + timedelta(days=n): max(1, int(peak * 0.6**n)) + rng.randint(0, 15)
                for n in range(days)
            }
        if rng.random() < OLD_BUT_READ:
            days = rng.sample(range(30), rng.randint(1, 10))
            return {month_ago + timedelta(days=n): rng.randint(1, 60) for n in days}
        return {}

    def earlier_views(self, published_at):
        """Views before the last 30 days, whose daily buckets are not kept here."""
        if (self.now - published_at).days < 30:
            return 0
        return int(self.rng.lognormvariate(5.5, 1.0))

    def comments_for(self, article):
        rng = self.rng
        comments = []
        for _n in range(rng.randint(1, 6)):
            at = min(article.published_at + timedelta(minutes=rng.randint(10, 4320)), self.now)
            comments.append(
                Comment(
                    article_id=article.pk,
                    user_id=rng.choice(self.readers),
                    body=rng.choice(COMMENTS),
                    status=Comment.Status.APPROVED,
                    created_at=at,
                    moderated_at=at,
                )
            )
        return comments

    def analyze(self):
        """Fresh planner statistics now, not after autovacuum's next round: the plans
        measured right after seeding are then the ones production would settle on."""
        if connection.vendor != "postgresql":
            return
        tables = [
            Article._meta.db_table,
            TaggedItem._meta.db_table,
            ArticleDailyViews._meta.db_table,
            Comment._meta.db_table,
        ]
        # VACUUM (which also marks pages all-visible, for index-only scans) cannot run in
        # a transaction, as under a test; ANALYZE alone can.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"{command} {connection.ops.quote_name(table)}")
