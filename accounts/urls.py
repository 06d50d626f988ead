from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .twofactor.views import LoginView

# Contrib auth's URL names (login, password_reset, ...) so its views and templates work
# unchanged; no namespace for the same reason.
urlpatterns = [
    path("daftar/", views.register, name="register"),
    path("daftar/selesai/", views.register_done, name="register-done"),
    # Password, then the second factor for accounts that have one (accounts/twofactor/).
    path("masuk/", LoginView.as_view(), name="login"),
    path("dua-langkah/", include("accounts.twofactor.urls")),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("profil/data/", views.profile_data, name="profile-data"),
    path("profil/hapus/", views.delete_account, name="delete-account"),
    path("profil/sesi/akhiri/", views.end_other_sessions, name="end-other-sessions"),
    path("privasi/", views.privacy, name="privacy"),
    path("verifikasi/kirim-ulang/", views.resend_verification, name="resend-verification"),
    path("verifikasi/<uidb64>/<token>/", views.verify_email, name="verify-email"),
    path("sandi/reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path(
        "sandi/reset/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "sandi/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "sandi/reset/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("sandi/ubah/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "sandi/ubah/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
