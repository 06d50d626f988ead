"""/.well-known/security.txt (RFC 9116), written from the site settings a site admin
edits: who to tell about a vulnerability, in what language, until when it holds."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from articles.models import SiteSettings

pytestmark = pytest.mark.django_db

URL = "/.well-known/security.txt"
SITE = "https://humas.example.go.id"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def fields(text):
    """{field name: [values]} of a security.txt, comments and blank lines left out."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.split(": ", 1)
            found.setdefault(name, []).append(value)
    return found


def settings_row(**values):
    row = SiteSettings(**values)
    row.full_clean()
    row.save()
    return row


def admin_form(row=None, **overrides):
    row = row or SiteSettings.objects.get_or_create(pk=1)[0]
    data = {k: ("" if v is None else v) for k, v in model_to_dict(row).items() if k != "id"}
    data.update(overrides)
    return data


def test_there_is_no_file_without_a_security_contact(client):
    assert client.get(URL).status_code == 404
    settings_row()  # the footer's contact details only
    assert client.get(URL).status_code == 404


def test_every_field_is_written_in_rfc_9116_form(client):
    settings_row(
        security_contact="mailto:csirt@jatengprov.go.id",
        security_encryption="https://humas.example.go.id/pgp-key.txt",
        security_acknowledgments="https://humas.example.go.id/terima-kasih/",
        security_policy="https://humas.example.go.id/kebijakan-keamanan/",
        security_languages="id, en",
    )
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    found = fields(response.content.decode())
    assert found == {
        "Contact": ["mailto:csirt@jatengprov.go.id"],
        "Expires": found["Expires"],
        "Encryption": ["https://humas.example.go.id/pgp-key.txt"],
        "Acknowledgments": ["https://humas.example.go.id/terima-kasih/"],
        "Preferred-Languages": ["id, en"],
        "Canonical": [f"{SITE}/.well-known/security.txt"],
        "Policy": ["https://humas.example.go.id/kebijakan-keamanan/"],
    }
    text = response.content.decode()
    assert text.index("Contact:") < text.index("Expires:")  # as the RFC lists them


def test_optional_fields_are_left_out_and_languages_default_to_indonesian_and_english(client):
    settings_row(security_contact="https://humas.example.go.id/lapor-kerentanan/")
    found = fields(client.get(URL).content.decode())
    assert set(found) == {"Contact", "Expires", "Preferred-Languages", "Canonical"}
    assert found["Contact"] == ["https://humas.example.go.id/lapor-kerentanan/"]
    assert found["Preferred-Languages"] == ["id, en"]


def test_expires_is_in_the_future_and_within_a_year(client):
    settings_row(security_contact="mailto:csirt@jatengprov.go.id", security_expires_days=180)
    (expires,) = fields(client.get(URL).content.decode())["Expires"]
    assert expires.endswith("Z")
    moment = datetime.strptime(expires, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    now = datetime.now(UTC)
    assert now + timedelta(days=179) < moment <= now + timedelta(days=181)
    assert moment < now + timedelta(days=365)


def test_expires_may_not_be_a_year_away_or_more():
    row = SiteSettings(security_contact="mailto:a@b.go.id", security_expires_days=365)
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "security_expires_days" in refused.value.message_dict


def test_canonical_follows_the_request_host_without_site_url(client, settings):
    settings.SITE_URL = ""
    settings_row(security_contact="mailto:csirt@jatengprov.go.id")
    found = fields(client.get(URL).content.decode())
    assert found["Canonical"] == ["http://testserver/.well-known/security.txt"]


def test_a_plain_email_address_becomes_a_mailto_contact():
    row = settings_row(security_contact="csirt@jatengprov.go.id")
    assert row.security_contact == "mailto:csirt@jatengprov.go.id"


@pytest.mark.parametrize(
    "contact",
    [
        "mailto:csirt@jatengprov.go.id\nContact: mailto:evil@example.com",
        "mailto:csirt@jatengprov.go.id\r\nContact: mailto:evil@example.com",
        "mailto:csirt@jatengprov.go.id\rPolicy: https://evil.example.com/",
        "https://humas.example.go.id/\nContact: mailto:evil@example.com",
        "http://humas.example.go.id/lapor/",
        "javascript:alert(1)",
        "tel:+62248311174\u2028Contact: x",
        "mailto:not an address",
    ],
)
def test_a_contact_that_could_inject_a_line_or_is_not_mailto_or_https_is_refused(
    admin_client, client, contact
):
    settings_row(security_contact="mailto:csirt@jatengprov.go.id")
    row = SiteSettings.objects.get()
    response = admin_client.post(
        "/admin/articles/sitesettings/1/change/", admin_form(row, security_contact=contact)
    )
    assert response.status_code == 200
    assert "security_contact" in response.context["adminform"].form.errors
    assert SiteSettings.objects.get().security_contact == "mailto:csirt@jatengprov.go.id"
    assert "evil" not in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("security_encryption", "https://humas.example.go.id/key\nContact: mailto:e@x.id"),
        ("security_policy", "https://humas.example.go.id/p\r\nContact: mailto:e@x.id"),
        ("security_acknowledgments", "http://humas.example.go.id/terima-kasih/"),
        ("security_languages", "id, en\nContact: mailto:e@x.id"),
        ("security_languages", "id; en"),
    ],
)
def test_other_fields_refuse_new_lines_and_plain_http(admin_client, field, value):
    row = settings_row(security_contact="mailto:csirt@jatengprov.go.id")
    response = admin_client.post(
        "/admin/articles/sitesettings/1/change/", admin_form(row, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert getattr(SiteSettings.objects.get(), field) == getattr(row, field)


def test_a_value_stored_around_the_validation_still_cannot_add_a_line(client):
    """Written by a shell or an import, which skip the form: the file leaves it out."""
    settings_row(security_contact="mailto:csirt@jatengprov.go.id")
    SiteSettings.objects.filter(pk=1).update(
        security_policy="https://humas.example.go.id/p\nContact: mailto:evil@example.com"
    )
    text = client.get(URL).content.decode()
    assert "evil" not in text
    assert fields(text)["Contact"] == ["mailto:csirt@jatengprov.go.id"]


def test_a_contact_saved_in_the_admin_is_served_at_once(admin_client, client):
    settings_row(security_contact="mailto:lama@jatengprov.go.id")
    assert "lama@" in client.get(URL).content.decode()
    row = SiteSettings.objects.get()
    response = admin_client.post(
        "/admin/articles/sitesettings/1/change/",
        admin_form(row, security_contact="mailto:baru@jatengprov.go.id"),
    )
    assert response.status_code == 302
    text = client.get(URL).content.decode()
    assert "baru@" in text and "lama@" not in text
    admin_client.post("/admin/articles/sitesettings/1/change/", admin_form(security_contact=""))
    assert client.get(URL).status_code == 404


def test_the_admin_explains_a_refusal_in_indonesian(admin_client):
    row = settings_row(security_contact="mailto:csirt@jatengprov.go.id")
    response = admin_client.post(
        "/admin/articles/sitesettings/1/change/",
        admin_form(row, security_acknowledgments="http://humas.example.go.id/terima-kasih/"),
    )
    html = response.content.decode()
    assert "Masukkan alamat https://." in html
    assert "Kontak keamanan" in html
