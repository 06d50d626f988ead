"""Error reports that name what failed and where, not who the visitor was.

Django mails ADMINS a report of every server error (LOGGING in humas/settings.py). Its
default report carries the visitor's personal data: who is signed in, the query string,
every form value, the client's address, user agent and referring page. UU PDP (Law 27 of
2022) asks us to keep personal data to what a purpose needs, and fixing a bug needs the
traceback, the view and the path; so the report keeps those and hides the rest, in mail
and in logs alike (DEFAULT_EXCEPTION_REPORTER and DEFAULT_EXCEPTION_REPORTER_FILTER).
With DEBUG on (a developer's machine) reports are left whole, as Django's filter does.
"""

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Request headers and server variables shown as they are: they say how the request was
# made, not by whom. Every other header is listed with its value hidden; the rest of
# the server's environment is left out.
SHOWN_META = frozenset(
    {
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_HOST",
        "HTTP_X_FORWARDED_PROTO",
        "PATH_INFO",
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "wsgi.url_scheme",
    }
)


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hides every cookie, form value, local variable and header value that could name or
    locate the visitor: the keys stay, so a report still shows what was sent."""

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if not self.is_active(request):
            return meta
        return {
            key: value if key in SHOWN_META else self.cleansed_substitute
            for key, value in meta.items()
            if key in SHOWN_META or key.startswith("HTTP_")
        }

    def get_safe_cookies(self, request):
        cookies = super().get_safe_cookies(request)
        if not self.is_active(request):
            return cookies
        return dict.fromkeys(cookies, self.cleansed_substitute)

    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return hidden_values(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        # Local variables (shown only in the HTML report, which we do not mail) hold the
        # request, the user and whatever they typed.
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return variables
        return [(name, self.cleansed_substitute) for name, _value in variables]


class PrivateExceptionReporter(ExceptionReporter):
    """Django's report, without the signed-in user's name and the query string's values,
    which it takes from the request itself rather than through the filter."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is None or not self.filter.is_active(self.request):
            return data
        data["user_str"] = self.user_kind()
        substitute = self.filter.cleansed_substitute
        data["request_GET_items"] = hidden_values(self.request.GET, substitute).items()
        data["request_insecure_uri"] = self._get_raw_insecure_uri().partition("?")[0]
        return data

    def user_kind(self):
        """Whether someone was signed in, and as staff: enough to reproduce, not to name."""
        try:
            user = self.request.user
            if not user.is_authenticated:
                return "[anonymous]"
            return "[signed in, staff]" if user.is_staff else "[signed in]"
        except Exception:  # noqa: BLE001 - the database may be what failed; report the rest.
            return "[unknown]"


def hidden_values(querydict, substitute):
    """A copy of a request's GET or POST with each key's values replaced by one substitute."""
    hidden = querydict.copy()
    for key in hidden:
        hidden.setlist(key, [substitute])
    return hidden
