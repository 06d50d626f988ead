from django.urls import path
from django.views.decorators.http import require_safe

from humas.pagecache import public_page

from . import views

app_name = "videos"

urlpatterns = [
    path("", public_page(views.VideoListView.as_view()), name="list"),
    path("<slug:slug>/", require_safe(views.video_detail), name="detail"),
]
