"""SQL per page stays constant whatever the number of tags, photos and articles."""

import pytest

from .factories import make_article, make_category, make_photo

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


@pytest.fixture
def newsroom():
    categories = [make_category(name=f"Kategori {i}") for i in range(4)]
    articles = [
        make_article(
            category=categories[i % 4],
            featured_photo=make_photo(),
            tags=[f"tag{i}-{t}" for t in range(5)] + ["umum"],
        )
        for i in range(20)
    ]
    return categories, articles


def test_article_page_query_count_is_constant(client, newsroom, django_assert_max_num_queries):
    """Prevents one query per tag and per photo/photographer/category lookup."""
    _, articles = newsroom
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(articles[0].get_absolute_url())
    assert response.status_code == 200


def test_home_query_count_is_constant(client, newsroom, django_assert_max_num_queries):
    """Prevents one query per category block and per card's photo and category."""
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    assert len(response.context["category_blocks"]) == 4


def test_category_page_query_count_is_constant(client, newsroom, django_assert_max_num_queries):
    """Prevents one query per card's photo, photographer and category."""
    categories, _ = newsroom
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(categories[0].get_absolute_url())
    assert response.status_code == 200


def test_tag_page_query_count_is_constant(client, newsroom, django_assert_max_num_queries):
    """Prevents one query per card on a tag listing."""
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/tag/umum/")
    assert response.status_code == 200
    assert len(response.context["articles"]) == 12
