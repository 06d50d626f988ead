"""Two-factor sign-in: who must give a second factor (django-two-factor-auth on django-otp).

The library gives the login wizard (password, then a code from an authenticator app or a
single-use recovery code), the enrolment wizard and the devices; this package adds the
policy that staff must use it (settings.STAFF_2FA_REQUIRED, STAFF_2FA_EXEMPT_GROUPS), a
code mailed to the account before a session without a second factor may enrol one, the
sign-in lockout on the code step, and the administrator's reset (docs/staff-sign-in.md).
"""

from django.conf import settings
from two_factor.utils import default_device

__all__ = ["default_device", "second_factor_required"]


def second_factor_required(user) -> bool:
    """Whether `user` may use the site only with a session verified by a second factor:
    staff, while STAFF_2FA_REQUIRED is on, unless a member of an exempt group."""
    if not (user.is_authenticated and user.is_staff and settings.STAFF_2FA_REQUIRED):
        return False
    exempt = settings.STAFF_2FA_EXEMPT_GROUPS
    return not (exempt and user.groups.filter(name__in=exempt).exists())
