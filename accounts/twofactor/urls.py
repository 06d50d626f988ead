from django.urls import include, path

from . import views

# The library's URL names (its views and templates reverse them), under our paths.
app_name = "two_factor"
urlpatterns = [
    path("", views.ProfileView.as_view(), name="profile"),
    path("verifikasi/", views.verify, name="verify"),
    path("konfirmasi-email/", views.confirm_email, name="confirm-email"),
    path("pasang/", views.SetupView.as_view(), name="setup"),
    path("pasang/kode-qr/", views.QRGeneratorView.as_view(), name="qr"),
    path("pasang/selesai/", views.SetupCompleteView.as_view(), name="setup_complete"),
    path("kode-cadangan/", views.BackupTokensView.as_view(), name="backup_tokens"),
    path("matikan/", views.DisableView.as_view(), name="disable"),
    # The scripts that ask the browser for a passkey (two_factor:webauthn:...).
    path("webauthn/", include("two_factor.plugins.webauthn.urls")),
]
