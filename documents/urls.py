from django.urls import path

from humas.pagecache import public_page

from . import views

app_name = "documents"

urlpatterns = [
    # Cached inside the view, per filter (views.document_list).
    path("", views.document_list, name="list"),
    path("<slug:slug>/", public_page(views.DocumentDetailView.as_view()), name="detail"),
    # Counted, never cached.
    path("<slug:slug>/unduh/", views.download, name="download"),
]
