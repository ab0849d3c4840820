"""Spreadsheet exports from the admin that a spreadsheet opens safely and readably."""

import datetime

from django.db import models
from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin

CSV = SpreadsheetExportMixin.FORMAT_CSV
XLSX = SpreadsheetExportMixin.FORMAT_XLSX

# A CSV cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """Text a spreadsheet shows as typed: a leading quote keeps a formula from running.

    The XLSX export needs none: Wagtail writes strings there as text cells, never formulas.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def local_time(value):
    """A date and time as the admin shows it: in the site's time zone, to the second."""
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


class FormulaSafeExportMixin:
    """For Wagtail listing views with `list_export`: every text value in CSV, including a
    related object shown by its name, is written so that it never runs as a formula. Numbers
    stay numbers; dates and times are in the site's time zone."""

    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        datetime.datetime: {
            CSV: lambda value: local_time(value).isoformat(sep=" "),
            XLSX: local_time,
        },
        str: {CSV: csv_text},
        models.Model: {CSV: lambda value: csv_text(str(value))},
    }
