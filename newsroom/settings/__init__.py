"""The settings modules (base, dev, production, test), and how the entry points load them."""

import sys
from importlib import import_module

from django.core.exceptions import ImproperlyConfigured


def load_or_exit(module_name, exit_code=1):
    """Import a settings module. A configuration error (a missing SECRET_KEY, a malformed
    variable) is written for the person deploying: print its one line, with no traceback,
    and exit."""
    try:
        import_module(module_name)
    except ImproperlyConfigured as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        sys.exit(exit_code)
