import uuid

from auditlog.cid import correlation_id
from auditlog.middleware import AuditlogMiddleware

from audit.context import current_request


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with our own way of finding the actor and the address.

    auditlog's reads the address from the leftmost X-Forwarded-For entry, which the client
    writes; ours is humas.clientip.client_ip() (our proxies, counted from the right). And
    rather than connecting a signal handler per request with the user looked up up front, it
    keeps the request in a context variable that audit.signals reads only when an entry is
    written. Place it after AuthenticationMiddleware.

    auditlog's also takes a correlation id from an X-Correlation-ID header, which any client
    can send; ours makes one per request.
    """

    def __call__(self, request):
        # Entries written in one request share an id (an article saved with its gallery):
        # made here, not read from a header the client could write.
        cid = correlation_id.set(uuid.uuid4().hex)
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
            correlation_id.reset(cid)
