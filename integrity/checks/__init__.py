"""The checks, each a small function registered with @check, run in registration order.

A check takes the run's Context and yields Issues. Content checks also record the
outbound domains they meet in the context; the domain check, registered after them,
reports the ones the last check did not see.
"""

# Imported for their @check registrations, in this order.
from . import content, files, accounts  # noqa: I001, F401 - the order is the run's
from .registry import CHECKS, Context, Issue

__all__ = ["CHECKS", "Context", "Issue", "run_checks"]


def run_checks(context) -> list:
    issues = []
    for function in CHECKS:
        issues.extend(function(context))
    return issues
