from django.urls import path

from . import register, reports, views

app_name = "ppid"

# P2 (objections) and P3 (register, reports) add their own lines to this list.
urlpatterns = [
    path("", views.landing, name="landing"),
    path("daftar-informasi/", register.register, name="register"),
    path("daftar-informasi/unduh/<str:fmt>/", register.register_export, name="register-export"),
    path("laporan/", reports.report_page, name="report"),
    path("laporan/unduh/<str:fmt>/", reports.report_export, name="report-export"),
]
