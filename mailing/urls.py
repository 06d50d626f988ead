from django.urls import path

from . import views

app_name = "mailing"
urlpatterns = [
    path("cek-email/", views.check_inbox, name="check-inbox"),
    path("konfirmasi/<str:token>/", views.confirm, name="confirm"),
    path("berhenti/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
