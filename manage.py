#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "humas.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Read the settings first: Django defers a settings error and, depending on the
        # order its system checks happen to run in, reports it or an unrelated
        # "Models aren't loaded yet" instead.
        settings.INSTALLED_APPS  # noqa: B018
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A missing setting (SECRET_KEY with DEBUG off, say) is one line, not a traceback.
        sys.exit(f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
