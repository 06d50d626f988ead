from django.urls import path

from . import views

app_name = "press"
urlpatterns = [
    path("", views.press_page, name="page"),
    path("embargo/<int:pk>/", views.embargo, name="embargo"),
]
