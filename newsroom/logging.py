"""Log records as JSON lines, each with the id of the request it was logged in
(newsroom.request_id), and without the secrets a request's path may carry."""

import json
import logging
from datetime import UTC, datetime

from .request_id import current_request_id, loggable_path

# The attributes every LogRecord has; anything else was passed with `extra=`.
STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
# Plain values only: an object's repr (a request's, say) can carry a path with a token.
PLAIN = (str, int, float, bool, type(None))


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, and redacts a secret path in Django's own request
    warnings ("Bad Request: /membership/sign-in/<token>/")."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path:
            safe = loggable_path(request)
            if safe != path:
                record.msg = record.getMessage().replace(path, safe)
                record.args = ()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, the plain values
    passed with `extra=`, and the traceback if there is one."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for name, value in vars(record).items():
            if name not in STANDARD_ATTRIBUTES and name not in entry and isinstance(value, PLAIN):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
