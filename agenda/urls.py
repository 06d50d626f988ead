from django.urls import path, re_path

from humas.pagecache import public_page

from . import views

app_name = "agenda"

urlpatterns = [
    # Cached inside the views, with the date (and the feed's language) in the key.
    path("", views.today, name="today"),
    path("agenda.ics", views.feed, name="feed"),
    path("agenda-en.ics", views.feed, {"language": "en"}, name="feed-en"),
    re_path(r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$", views.day, name="day"),
    re_path(r"^minggu/(?P<year>[0-9]{4})/(?P<week>[0-9]{2})/$", views.week, name="week"),
    path("<slug:slug>/", public_page(views.EventDetailView.as_view()), name="event"),
]
