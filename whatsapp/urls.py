"""Staff pages, mounted under /admin/whatsapp/ (humas/urls.py): the admin's sign-in,
second factor and staff check (admin_view) before anything else."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "whatsapp"

urlpatterns = [
    path("artikel/<int:pk>/", admin.site.admin_view(views.article_text), name="article"),
    path("harian/", admin.site.admin_view(views.daily_text), name="daily"),
]
