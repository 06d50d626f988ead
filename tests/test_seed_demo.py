from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from taggit.models import TaggedItem

from accounts.models import User
from articles.models import Article, ArticleDailyViews, Category, Comment, Photo, Photographer
from articles.sanitize import sanitize_html
from ppid.models import InformationItem

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "articles": sorted(Article.objects.values_list("slug", "updated_at")),
        "categories": Category.objects.count(),
        "photographers": Photographer.objects.count(),
        "photos": sorted(Photo.objects.values_list("image", flat=True)),
        "users": sorted(User.objects.values_list("username", "password")),
    }


def test_seed_demo_creates_a_newsroom_and_prints_the_staff_password_once(settings):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "password" in out.getvalue()
    assert Category.objects.count() >= 5
    assert Photographer.objects.count() >= 4
    assert Article.objects.count() >= 30
    assert Article.objects.published().count() == Article.objects.count() - 2
    assert Article.objects.filter(status="draft").count() == 1
    assert sum(a.is_scheduled for a in Article.objects.all()) == 1
    article = Article.objects.published().first()
    assert article.tags.exists()
    assert article.featured_photo.width == 1200
    assert (settings.MEDIA_ROOT / article.featured_photo.image.name).exists()
    staff = User.objects.get(username="redaksi")
    assert staff.is_staff
    password = out.getvalue().split("password '")[1].split("'")[0]
    assert staff.check_password(password)


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert snapshot() == before
    assert "0 items created" in out.getvalue()
    assert "password '" not in out.getvalue()


def test_seed_demo_dry_run_changes_nothing(settings):
    out = StringIO()
    call_command("seed_demo", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Article.objects.exists()
    assert not User.objects.exists()
    media = settings.MEDIA_ROOT / "photos"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_demo_site_pages_render(client):
    call_command("seed_demo", stdout=StringIO())
    for url in ["/", *[a.get_absolute_url() for a in Article.objects.published()[:5]]]:
        assert client.get(url).status_code == 200, url
    for category in Category.objects.all():
        assert client.get(category.get_absolute_url()).status_code == 200


def test_the_demo_has_a_ppid_register_linked_from_the_footer(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    assert InformationItem.objects.count() == 4
    assert {item.classification for item in InformationItem.objects.all()} == set(
        InformationItem.Classification.values
    )
    assert 'href="/ppid/"' in client.get("/").content.decode()
    register = client.get("/ppid/daftar-informasi/").content.decode()
    assert "Laporan Kinerja Instansi Pemerintah" in register
    assert "Pasal 17 huruf c" in register


def test_seed_demo_scale_grows_a_three_year_archive_that_renders(client):
    out = StringIO()
    call_command("seed_demo", "--scale", "300", stdout=out)
    assert "Created 270 articles" in out.getvalue()
    published = Article.objects.published()
    assert published.count() == 300
    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs)
    assert published.values("category").distinct().count() == Category.objects.count()
    oldest = published.order_by("published_at").first()
    assert oldest.published_at < timezone.now() - timedelta(days=600)
    assert oldest.created_at == oldest.published_at  # not stamped with the seeding time
    assert oldest.body == sanitize_html(oldest.body)
    assert published.filter(featured_photo__isnull=False).count() > 150
    assert not published.exclude(pk__in=TaggedItem.objects.values("object_id")).exists()
    assert ArticleDailyViews.objects.filter(day__gte=timezone.localdate()).exists()
    assert published.filter(view_count__gt=0).count() > 250
    comments = Comment.objects.filter(status=Comment.Status.APPROVED)
    assert comments.count() > 20
    assert comments.values("user").distinct().count() > 10
    assert User.objects.filter(username__startswith="pembaca-skala-").count() == 300

    middle = published.order_by("published_at")[150]
    last_page = -(-published.filter(category=middle.category).count() // 12)
    for url in [
        "/",
        middle.get_absolute_url(),
        oldest.get_absolute_url(),
        middle.category.get_absolute_url(),
        f"{middle.category.get_absolute_url()}?page={last_page}",
        "/cari/?q=jembatan",
        "/populer/",
        f"/tag/{middle.tags.first().slug}/",
        "/arsip/",
    ]:
        assert client.get(url).status_code == 200, url

    out = StringIO()
    call_command("seed_demo", "--scale", "300", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert published.count() == 300


def test_seed_scale_dry_run_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    before = Article.objects.count()
    out = StringIO()
    call_command("seed_scale", "--articles", "200", "--dry-run", stdout=out)
    assert "would create 170 articles" in out.getvalue()
    assert Article.objects.count() == before
