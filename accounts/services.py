"""Account writes that send mail or touch several rows."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from humas.links import absolute_url

from . import emails
from .tokens import email_verification_token

User = get_user_model()


def register_reader(*, request, email: str, display_name: str, password: str) -> None:
    """Create an unverified reader and mail them the verification link.

    An address that already has an account gets a mail telling its owner instead, and
    nothing is created: the visitor sees the same page either way, so the form cannot
    be used to find out who has an account. The password is hashed in both cases so the
    two take the same time.
    """
    hashed = make_password(password)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User(
                    username=f"r-{get_random_string(20, 'abcdefghijklmnopqrstuvwxyz0123456789')}",
                    email=email,
                    display_name=display_name,
                    password=hashed,
                    privacy_consent_at=timezone.now(),
                )
                user.full_clean(exclude=["password"])
                user.save()
        except IntegrityError:
            # Registered a moment ago by a concurrent request.
            existing = User.objects.filter(email__iexact=email).first()
        else:
            send_verification(request=request, user=user)
            return
    if existing is not None:
        emails.send(
            "account_exists",
            to=existing.email,
            context={
                "user": existing,
                "login_url": absolute_url(request, reverse("login")),
                "reset_url": absolute_url(request, reverse("password_reset")),
            },
        )


def verification_url(request, user) -> str:
    path = reverse(
        "verify-email",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_verification_token.make_token(user),
        },
    )
    return absolute_url(request, path)


def send_verification(*, request, user) -> bool:
    return emails.send(
        "verify",
        to=user.email,
        context={"user": user, "verify_url": verification_url(request, user)},
    )


def verify_email(user) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete the account and its personal data. Comments stay, as from a deleted user
    (Comment.user is SET_NULL); reports the user made go with the account. Cached pages
    showing the name are retired by the page cache's watch on User (accounts/apps.py)."""
    user.delete()
