#!/usr/bin/env python
import os
import sys

from django.core.management import execute_from_command_line

from newsroom.settings import load_or_exit

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
    load_or_exit(os.environ["DJANGO_SETTINGS_MODULE"])
    execute_from_command_line(sys.argv)
