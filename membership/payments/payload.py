"""Reading a provider's decoded JSON: each field checked for its type and size, so a
malformed event is refused with a short message (400) before anything is written, and no
value that the database would refuse (too long, a NUL character) gets as far as a query."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .events import MalformedEvent

MAX_TEXT = 255  # every provider id we store fits in 255 characters
MAX_EMAIL = 254  # RFC 5321, and the user's email field


def decode(body):
    """The body as a JSON object."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested beyond reason
        raise MalformedEvent(_("The body is not JSON.")) from None
    if not isinstance(data, dict):
        raise MalformedEvent(_("The body is not a JSON object."))
    return data


def _find(data, path):
    """The value at a dotted path ("data.attributes.email"), or None where it stops."""
    value, walked = data, []
    for key in path.split("."):
        if not isinstance(value, dict):
            raise MalformedEvent(_("%(field)s is not an object.") % {"field": ".".join(walked)})
        value = value.get(key)
        walked.append(key)
        if value is None:
            return None
    return value


def _typed(data, path, kinds, kind_name, required):
    value = _find(data, path)
    if value is None:
        if required:
            raise MalformedEvent(_("%(field)s is missing.") % {"field": path})
        return None
    # JSON true and false are not numbers, though Python's bool is an int.
    if not isinstance(value, kinds) or isinstance(value, bool):
        raise MalformedEvent(_("%(field)s must be %(kind)s.") % {"field": path, "kind": kind_name})
    return value


def mapping(data, path):
    return _typed(data, path, dict, _("an object"), required=True)


def items(data, path):
    """A list of objects, empty when the field is absent."""
    value = _typed(data, path, list, _("a list"), required=False) or []
    if not all(isinstance(item, dict) for item in value):
        raise MalformedEvent(_("%(field)s must be a list of objects.") % {"field": path})
    return value


def integer(data, path, *, required=True):
    return _typed(data, path, int, _("a whole number"), required)


def text(data, path, *, required=True):
    value = _typed(data, path, str, _("text"), required)
    if value is None:
        return None
    if len(value) > MAX_TEXT or "\x00" in value:
        raise MalformedEvent(
            _("%(field)s is longer than %(max)s characters or holds a null character.")
            % {"field": path, "max": MAX_TEXT}
        )
    return value


def email(data, path, *, required=True):
    value = text(data, path, required=required)
    if value is None:
        return None
    try:
        validate_email(value)
    except ValidationError:
        raise MalformedEvent(_("%(field)s is not an email address.") % {"field": path}) from None
    if len(value) > MAX_EMAIL:
        raise MalformedEvent(_("%(field)s is too long.") % {"field": path})
    return value


def unix_time(data, path):
    """A required Unix timestamp (seconds), as an aware datetime."""
    seconds = integer(data, path)
    try:
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedEvent(_("%(field)s is not a time.") % {"field": path}) from None


def iso_time(data, path):
    """An optional ISO 8601 time, as an aware datetime (UTC when it names no offset)."""
    value = text(data, path, required=False)
    if value is None:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise MalformedEvent(_("%(field)s is not a time.") % {"field": path})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment
