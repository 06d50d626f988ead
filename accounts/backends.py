from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailOrUsernameBackend(ModelBackend):
    """Readers sign in with their email address (any letter case); staff may also use
    their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        username = username.strip()
        try:
            if "@" in username:
                user = User._default_manager.get(email__iexact=username)
            else:
                user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            # Hash anyway, so an unknown address takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
