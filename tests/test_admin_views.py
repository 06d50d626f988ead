import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ArticleDailyViews

from .factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted():
    today = timezone.localdate()
    popular = make_article(title='=HYPERLINK("http://evil") Banjir Demak', view_count=70)
    quiet = make_article(title="Rapat Rutin", view_count=3)
    ArticleDailyViews.objects.create(article=popular, day=today, views=40)
    ArticleDailyViews.objects.create(article=popular, day=today - timedelta(days=2), views=30)
    ArticleDailyViews.objects.create(article=quiet, day=today, views=3)
    ArticleDailyViews.objects.create(article=quiet, day=today - timedelta(days=60), views=500)
    return popular, quiet


def test_article_list_shows_views(admin_client, counted):
    html = admin_client.get("/admin/articles/article/").content.decode()
    assert "Dibaca" in html
    assert '<td class="field-view_count">70</td>' in html
    assert 'href="/admin/articles/article/terpopuler/"' in html


def test_article_page_in_admin_shows_total_and_a_30_day_chart(admin_client, counted):
    popular, _ = counted
    html = admin_client.get(f"/admin/articles/article/{popular.pk}/change/").content.decode()
    assert "<strong>70</strong>" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert html.count("<rect ") == 30
    assert "70 in all" in html or "70 seluruhnya" in html


def test_most_read_page_lists_the_chosen_period(admin_client, counted):
    today = timezone.localdate()
    response = admin_client.get("/admin/articles/article/terpopuler/")
    assert response.status_code == 200
    assert [r["views"] for r in response.context["rows"]] == [70, 3]
    start = (today - timedelta(days=90)).isoformat()
    response = admin_client.get(
        "/admin/articles/article/terpopuler/", {"start": start, "end": today}
    )
    assert [r["views"] for r in response.context["rows"]] == [503, 70]


def test_most_read_exports_csv_that_spreadsheets_will_not_execute(admin_client, counted):
    today = timezone.localdate().isoformat()
    response = admin_client.get(
        "/admin/articles/article/terpopuler/", {"start": today, "end": today, "format": "csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] in ("Peringkat", "Rank")
    assert rows[1][1].startswith("'=HYPERLINK")
    assert [r[4] for r in rows[1:]] == ["40", "3"]


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-02-10", "end": "2026-01-01"},
        {"start": "2020-01-01", "end": "2026-01-01"},
        {"start": "kemarin", "end": "2026-01-01"},
        {"start": "2026-13-45", "end": ""},
    ],
)
def test_most_read_rejects_bad_periods_with_a_message(admin_client, params):
    response = admin_client.get("/admin/articles/article/terpopuler/", params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["rows"] == []


def test_most_read_needs_permission(client):
    client.force_login(make_user(is_staff=True))
    assert client.get("/admin/articles/article/terpopuler/").status_code == 403
    client.force_login(make_user())
    assert client.get("/admin/articles/article/terpopuler/").status_code == 302
