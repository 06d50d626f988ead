from django.urls import path

from humas.pagecache import public_page

from . import views

app_name = "factcheck"

urlpatterns = [
    path("", public_page(views.ClarificationListView.as_view()), name="list"),
]
