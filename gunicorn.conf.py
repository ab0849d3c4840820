"""gunicorn's settings for the site. gunicorn reads this file from the working directory, so
from the repository's root `gunicorn` alone serves `newsroom.wsgi` (production settings).

- Workers: 2 per CPU this process may use, plus 1, at most MAX_WORKERS (each holds a database
  connection and its own memory); WEB_CONCURRENCY overrides it.
- Binds to every interface on PORT (8000 by default), as platforms that set PORT expect;
  GUNICORN_CMD_ARGS="--bind 127.0.0.1:8000" keeps it local behind a proxy on the same machine.
- No access log of gunicorn's own: the app writes one JSON line per request with its request id
  and without addresses or query strings (newsroom.request_id). gunicorn's error log (start,
  stop, a worker killed on timeout) goes to stderr.
"""

import os

MAX_WORKERS = 8


def whole_number(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise SystemExit(f"{name}={os.environ[name]!r} is not a whole number (1 or more).")
    return int(value)


def usable_cpus():
    # The CPUs this process may run on (a container's share), not the machine's.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers(cpus):
    return min(2 * cpus + 1, MAX_WORKERS)


wsgi_app = "newsroom.wsgi"
bind = [f"0.0.0.0:{whole_number('PORT', 8000)}"]  # noqa: S104 - see the docstring
workers = whole_number("WEB_CONCURRENCY", default_workers(usable_cpus()))
# A request that takes longer than this is stuck: its worker is killed and replaced.
timeout = 30
# On a restart or a deploy (SIGTERM, SIGHUP), workers finish the requests they hold.
graceful_timeout = 30
# Seconds to keep an idle connection from a load balancer open for its next request.
keepalive = 5
accesslog = None
errorlog = "-"
