"""The newsroom's admin, one module per desk."""

from . import articles, comments, common, photos  # noqa: F401 - they register the ModelAdmins
