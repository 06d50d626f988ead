from django.urls import path

from . import views

app_name = "mediakit"

urlpatterns = [
    path("berita/<slug:slug>/kit-media.zip", views.download, name="download"),
]
