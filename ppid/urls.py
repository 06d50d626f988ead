from django.urls import path

from . import objections, register, reports, views

app_name = "ppid"

# P2 (objections) and P3 (register, reports) add their own lines to this list.
urlpatterns = [
    path("", views.landing, name="landing"),
    path("permohonan/", views.request_form, name="request"),
    path("permohonan/terkirim/", views.request_done, name="request-done"),
    path("status/", views.status, name="status"),
    path("status/surat-jawaban/", views.answer_letter, name="answer-letter"),
    # Staff only (ppid.view_identity_scan): the admin links here.
    path("identitas/<int:pk>/", views.identity_scan, name="identity-scan"),
    path("daftar-informasi/", register.register, name="register"),
    path("daftar-informasi/unduh/<str:fmt>/", register.register_export, name="register-export"),
    path("keberatan/", objections.objection_form, name="objection"),
    path("keberatan/terkirim/", objections.objection_done, name="objection-done"),
    path("laporan/", reports.report_page, name="report"),
    path("laporan/unduh/<str:fmt>/", reports.report_export, name="report-export"),
]
