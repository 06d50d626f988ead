from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Category

from .factories import make_article, make_category, make_user

pytestmark = pytest.mark.django_db


def test_slug_is_generated_from_the_title_and_kept_unique():
    first = make_article(title="Rapat Koordinasi Daerah")
    second = make_article(title="Rapat Koordinasi Daerah")
    third = make_article(title="Rapat   koordinasi daerah!")
    assert first.slug == "rapat-koordinasi-daerah"
    assert second.slug == "rapat-koordinasi-daerah-2"
    assert third.slug == "rapat-koordinasi-daerah-3"


def test_slug_of_a_title_without_latin_letters_falls_back_to_a_word():
    article = make_article(title="ꦱꦼꦩꦫꦁ")  # Javanese script
    assert article.slug == "berita"
    assert make_article(title="ꦱꦼꦩꦫꦁ").slug == "berita-2"


def test_slug_survives_a_very_long_title():
    article = make_article(title=("Panjang " * 25).strip())  # the longest title allowed
    assert len(article.slug) <= 200
    assert not article.slug.endswith("-")


def test_editing_an_article_keeps_its_slug():
    article = make_article(title="Judul Awal")
    article.title = "Judul Baru"
    article.save()
    article.refresh_from_db()
    assert article.slug == "judul-awal"


def test_duplicate_slug_is_a_validation_error_in_forms_and_an_integrity_error_in_the_database():
    existing = make_article(title="Sama")
    duplicate = Article(
        title="Lain", slug=existing.slug, body="<p>x</p>", category=existing.category
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "slug" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="Lain", slug=existing.slug, body="<p>x</p>", category=existing.category
        )


def test_published_article_needs_a_publish_time_in_the_database():
    category = make_category()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="Tanpa waktu", body="<p>x</p>", category=category, status="published"
        )


def test_publishing_without_a_time_in_a_form_means_now():
    article = Article(
        title="Sekarang", body="<p>x</p>", category=make_category(), status="published"
    )
    article.full_clean()
    assert article.published_at is not None
    assert abs(article.published_at - timezone.now()) < timedelta(seconds=5)


def test_email_is_unique_whatever_its_letter_case():
    make_user(username="ani", email="Ani@Example.com")
    duplicate = get_user_model()(username="ani2", email="ani@example.COM")
    duplicate.set_password("a-long-test-password")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "Akun dengan alamat email ini sudah ada." in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create(username="ani3", email="ANI@EXAMPLE.COM")


def test_several_staff_accounts_may_have_no_email():
    get_user_model().objects.create(username="staf1", email="")
    get_user_model().objects.create(username="staf2", email="")


def test_published_queryset_is_the_one_definition_of_public():
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.REVIEW)
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    assert list(Article.objects.published()) == [live]
    assert live.is_published()
    assert not scheduled.is_published()
    assert scheduled.is_scheduled


def test_category_with_articles_cannot_be_deleted():
    from django.db.models import ProtectedError

    article = make_article()
    with pytest.raises(ProtectedError):
        Category.objects.filter(pk=article.category_id).delete()


def test_credit_line_names_photographer_and_agency():
    from .factories import make_photo, make_photographer

    photo = make_photo(photographer=make_photographer(name="Handy"))
    assert photo.credit == "Foto : Handy (Humas Jateng)"
    assert (photo.width, photo.height) == (640, 400)
    assert photo.image.name.startswith("photos/")
    assert "photo.jpg" not in photo.image.name
