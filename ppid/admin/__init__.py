"""The PPID desk in the admin: requests and objections with their clocks and the
workflow's steps (requests.py, objections.py, what they share in desk.py), and the
register's records (register.py).

Requests hold personal data: only the PPID group (ppid/migrations/0002_ppid_group.py)
and the Admin role (view only) see them; everything is checked in these ModelAdmins, on
the server. The workflow owns the status, the numbers, the dates and the decision: they
are read-only on the change pages, and move only through the step pages (workflow.py).
"""

from . import objections, register, requests  # noqa: F401 - registers the ModelAdmins
