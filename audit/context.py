"""The request being served, for entries written while it runs.

django-auditlog writes model-change entries from signal handlers that do not see the request;
AuditMiddleware keeps it in a context variable, and a pre_save handler on Entry fills in the
actor and the client's address from it (only when an entry is written: a reader's page view
costs nothing).
"""

from contextvars import ContextVar

current_request = ContextVar("audit_current_request", default=None)
