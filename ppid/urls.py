from django.urls import path

from . import views

app_name = "ppid"

# P2 (objections) and P3 (register, reports) add their own lines to this list.
urlpatterns = [
    path("", views.landing, name="landing"),
]
