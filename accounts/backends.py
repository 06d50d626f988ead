import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections

_STAND_IN = -73030  # the user id in the compiled query, replaced by each call's


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
