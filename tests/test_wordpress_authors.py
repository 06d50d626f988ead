"""Imported WordPress authors choose their password through "forgot password", as
docs/wordpress-import.md tells them to: the reset mail must reach them."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from .factories import make_user
from .test_wordpress_import import EXPORT, run, uploads  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "teh-poci-tegal-2027"


def ask_for_a_reset(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    return response


def choose_password(client, message):
    link = re.search(r"https?://\S+", message.body).group(0)
    form = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("password_reset_complete")


def test_an_imported_author_gets_the_reset_mail_and_chooses_a_password(client, uploads):  # noqa: F811
    run(EXPORT, uploads=uploads)
    ask_for_a_reset(client, "Sri.Wahyuni@contoh.go.id")
    (message,) = mail.outbox
    assert message.to == ["sri.wahyuni@contoh.go.id"]
    choose_password(client, message)
    assert User.objects.get(email="sri.wahyuni@contoh.go.id").check_password(NEW_PASSWORD)


def test_imported_authors_passwords_are_random_and_known_to_nobody(uploads):  # noqa: F811
    out, err = run(EXPORT, uploads=uploads)
    authors = User.objects.filter(email__iendswith="@contoh.go.id", is_staff=True)
    assert authors.count() == 2
    hashes = {author.password for author in authors}
    assert len(hashes) == 2
    for author in authors:
        assert author.has_usable_password()
        for guess in ("", author.username, author.email, "password", "wordpress"):
            assert not author.check_password(guess)
    assert not any(author.password in out + err for author in authors)


def test_a_re_import_leaves_a_chosen_password_alone(client, uploads):  # noqa: F811
    run(EXPORT, uploads=uploads)
    ask_for_a_reset(client, "sri.wahyuni@contoh.go.id")
    choose_password(client, mail.outbox[0])
    run(EXPORT, uploads=uploads)
    assert User.objects.get(email="sri.wahyuni@contoh.go.id").check_password(NEW_PASSWORD)


def test_an_account_whose_password_was_switched_off_still_gets_no_reset_mail(client):
    """Django's rule stays: an administrator turning password sign-in off is final."""
    staff = make_user(email="nonaktif@contoh.go.id", is_staff=True)
    staff.set_unusable_password()
    staff.save()
    ask_for_a_reset(client, "nonaktif@contoh.go.id")
    assert mail.outbox == []
