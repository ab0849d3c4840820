"""The ceiling: a trivial WSGI app that returns fixed bytes, served by the same gunicorn.

The body is read once, at import, from the file named by BENCH_CEILING_BODY.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_CEILING_BODY"]).read_bytes()
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(BODY))),
]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
