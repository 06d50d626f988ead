import functools

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connections

from .axes import address_failures, lockout_address

_STAND_IN = -73030  # the user id in the compiled query, replaced by each call's


class AddressLimitBackend:
    """Refuses every sign-in, right password or not, from an address that failed
    LOGIN_ADDRESS_FAILURE_LIMIT times within the cool-off across any usernames: one
    password tried against many accounts (password spraying) never meets django-axes'
    lock of one username + address.

    The limit is high enough that an office or a mobile carrier behind one address does
    not lock itself out with typos (a person locks their own account after 5, as before).
    Placed after axes.backends.AxesStandaloneBackend and before the backend that checks
    passwords, so both the site's and the admin's login, old and two-factor alike, pass
    it. Like django-axes' backend it raises PermissionDenied, which Django reports as a
    failed sign-in (so the refusal is counted too), and flags the request so that
    axes.middleware.AxesMiddleware answers with the lockout page (accounts.views.lockout).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not settings.AXES_ENABLED:
            return None
        failures = address_failures(request)
        if failures < settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return None
        request.axes_locked_out = True
        request.login_address_locked = True
        if failures == settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # The first refusal: the moment the address is locked, told as django-axes
            # tells its own lockouts (every later refusal adds a failure).
            user_locked_out.send(
                "axes", request=request, username=None, ip_address=lockout_address(request)
            )
        raise PermissionDenied


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

    def get_user(self, user_id):
        """The signed-in user of a request (every signed-in request asks): ModelBackend's
        rule, by a query compiled once per process; building it through the ORM each time
        cost several times the query itself."""
        db, sql, params, compiler, converters, names = _user_query()
        with connections[db].cursor() as cursor:
            cursor.execute(sql, [user_id if p == _STAND_IN else p for p in params])
            rows = cursor.fetchall()
        if not rows:
            return None
        if converters:
            rows = list(compiler.apply_converters(rows, converters))
        user = get_user_model().from_db(db, names, rows[0])
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_query():
    queryset = get_user_model()._default_manager.filter(pk=_STAND_IN)
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    columns = [column for column, _sql, _alias in compiler.select]
    converters = compiler.get_converters(columns)
    names = [column.target.attname for column in columns]
    return queryset.db, sql, params, compiler, converters, names
