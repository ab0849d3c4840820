"""bench/wrk.py: the figures bench/run.py reads from wrk's output (its Lua `done` hook's JSON
line), and, where wrk is installed, that the script runs in the real wrk and counts every
answer outside 200–299."""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import wrk

REPORT = """Running 5s test @ http://127.0.0.1:8000/news/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.91ms    1.02ms  19.77ms   87.05%
  13650 requests in 5.00s, 130.41MB read
Requests/sec:   2729.42
Transfer/sec:     26.08MB
"""


def json_line(**overrides):
    values = {
        "requests": 13650,
        "duration_us": 5_000_000,
        "bytes": 136_745_700,
        "connect": 0,
        "read": 0,
        "write": 0,
        "status": 0,
        "timeout": 0,
        "non2xx": 0,
        "p50_us": 2712,
        "p95_us": 4630,
        "p99_us": 6955,
        "max_us": 19770,
    }
    values.update(overrides)
    body = ", ".join(f'"{key}": {value}' for key, value in values.items())
    return f"{wrk.MARKER}{{{body}}}\n"


def test_figures_come_from_the_json_line():
    figures = wrk.parse_output(REPORT + json_line())
    assert figures == {
        "requests": 13650,
        "rps": 2730.0,
        "p50": 2.712,
        "p95": 4.63,
        "p99": 6.955,
        "errors": 0,
        "error_kinds": {},
    }


def test_socket_errors_and_answers_outside_2xx_are_counted_by_kind():
    # wrk's own `status` (400 and above) is part of `non2xx`, so it is not added twice.
    figures = wrk.parse_output(REPORT + json_line(status=12, non2xx=15, read=3, timeout=1))
    assert figures["errors"] == 19
    assert figures["error_kinds"] == {"read": 3, "timeout": 1, "non2xx": 15}


def test_output_without_the_json_line_is_an_error():
    with pytest.raises(ValueError, match="BENCH-WRK-JSON"):
        wrk.parse_output(REPORT)


class Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        status = {"/ok": 200, "/moved": 302}.get(self.path, 404)
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_done_hook_runs_in_wrk(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        script = wrk.write_script(tmp_path)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        run = {"seconds": 1, "threads": 1, "connections": 1}
        good = wrk.run(wrk.path(), script, f"{base}/ok", **run)
        missing = wrk.run(wrk.path(), script, f"{base}/missing", **run)
        moved = wrk.run(wrk.path(), script, f"{base}/moved", **run)
    finally:
        server.shutdown()
        server.server_close()
    assert good["requests"] > 0
    assert good["errors"] == 0
    assert missing["requests"] > 0
    assert missing["error_kinds"] == {"non2xx": missing["requests"]}
    # A redirect is not an error to wrk, but a page that redirects is not measured.
    assert moved["requests"] > 0
    assert moved["error_kinds"] == {"non2xx": moved["requests"]}
