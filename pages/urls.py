from django.urls import re_path

from . import views

app_name = "pages"

urlpatterns = [
    # Included last (humas/urls.py): whatever no other app answers may be a page.
    re_path(r"^(?P<path>(?:[-a-z0-9]+/)+)$", views.page, name="page"),
]
