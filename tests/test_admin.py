import pytest

from articles.models import Article

from .factories import jpeg_bytes, make_article, make_category, make_photo

pytestmark = pytest.mark.django_db


def test_admin_lists_articles_with_thumbnail_filters_and_search(admin_client):
    make_article(title="Jembatan Kaligawe Dibuka", featured_photo=make_photo())
    make_article(title="Pasar Murah")
    response = admin_client.get("/admin/articles/article/", {"q": "Kaligawe"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jembatan Kaligawe Dibuka" in html
    assert "Pasar Murah" not in html
    assert '<img src="/media/renditions/' in html
    response = admin_client.get("/admin/articles/article/", {"status__exact": "draft"})
    assert response.status_code == 200


def test_admin_pages_for_every_model_render(admin_client):
    article = make_article(featured_photo=make_photo(), tags=["banjir"])
    for url in (
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/articles/category/",
        f"/admin/articles/category/{article.category_id}/change/",
        "/admin/articles/photographer/",
        "/admin/articles/photo/",
        f"/admin/articles/photo/{article.featured_photo_id}/change/",
        "/admin/accounts/user/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_article_add_form_offers_existing_tags(admin_client):
    make_article(tags=["ketahanan pangan"])
    html = admin_client.get("/admin/articles/article/add/").content.decode()
    assert 'list="id_tags-options"' in html
    assert '<option value="ketahanan pangan">' in html


def test_staff_writes_an_article_in_the_admin_and_the_body_is_sanitized(admin_client, admin_user):
    category = make_category(name="Ekonomi")
    response = admin_client.post(
        "/admin/articles/article/add/",
        {
            "title": "UMKM Naik Kelas",
            "dateline": "SEMARANG",
            "lead": "Ringkasan",
            "body": '<p onclick="steal()">Isi berita<script>alert(1)</script></p>',
            "category": category.pk,
            "tags": "umkm, ekspor",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "slug": "",
            **gallery_management(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="UMKM Naik Kelas")
    assert article.body == "<p>Isi berita</p>"
    assert article.slug == "umkm-naik-kelas"
    assert article.author == admin_user
    assert article.is_published()
    assert sorted(article.tags.names()) == ["ekspor", "umkm"]


def test_autocomplete_finds_categories_and_photos(admin_client):
    make_category(name="Pariwisata")
    photo = make_photo(alt_text="Candi di pagi hari")
    params = {"app_label": "articles", "model_name": "article"}
    response = admin_client.get(
        "/admin/autocomplete/", {**params, "field_name": "category", "term": "Pari"}
    )
    assert [r["text"] for r in response.json()["results"]] == ["Pariwisata"]
    response = admin_client.get(
        "/admin/autocomplete/", {**params, "field_name": "featured_photo", "term": "Candi"}
    )
    assert [r["id"] for r in response.json()["results"]] == [str(photo.pk)]


def gallery_management(total=0):
    """The management forms of the article page's inlines (gallery, corrections)."""
    data = {}
    for prefix in ("gallery_items", "notes"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(total if prefix == "gallery_items" else 0),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_photo_upload_in_the_admin_stores_dimensions(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import make_photographer

    photographer = make_photographer(name="Handy")
    response = admin_client.post(
        "/admin/articles/photo/add/",
        {
            "upload": SimpleUploadedFile("dari-hp.jpg", jpeg_bytes((800, 600)), "image/jpeg"),
            "alt_text": "Gedung Gradhika",
            "caption": "",
            "photographer": photographer.pk,
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 302
    photo = photographer.photos.get()
    assert (photo.width, photo.height) == (800, 600)


def test_admin_refuses_a_file_that_is_not_an_image(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import make_photographer

    photographer = make_photographer()
    response = admin_client.post(
        "/admin/articles/photo/add/",
        {
            "upload": SimpleUploadedFile("x.jpg", b"<svg onload=alert(1)>", "image/jpeg"),
            "alt_text": "x",
            "photographer": photographer.pk,
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 200
    assert not photographer.photos.exists()


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
