"""wrk, the load generator (Debian package `wrk`), driven for a fixed time per page.

A small Lua script counts answers outside 200–299 in each thread, and its `done` hook prints
one line of JSON after wrk's own report: the requests, the duration, the socket errors, those
answers and the latency percentiles. parse_output() reads that line, so nothing depends on the
layout of wrk's human-readable report.
"""

import json
import shutil
import subprocess
from pathlib import Path

MARKER = "BENCH-WRK-JSON "
PERCENTILES = (50, 95, 99)
# wrk's hooks: each thread counts answers outside 200–299 (wrk's own `errors.status` counts
# only those of 400 and above), and `done` prints one JSON line with the totals.
SCRIPT = """
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local non2xx = 0
  for _, thread in ipairs(threads) do
    non2xx = non2xx + thread:get("non2xx")
  end
  io.write(string.format(
    '@MARKER@{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "non2xx": %d, "p50_us": %d, "p95_us": %d, '
    .. '"p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, non2xx, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
""".replace("@MARKER@", MARKER)
# `non2xx` includes what `status` counts, so only it is added up.
ERROR_KINDS = ("connect", "read", "write", "timeout", "non2xx")


def path():
    return shutil.which("wrk")


def version(executable):
    """wrk's version line, e.g. `wrk debian/4.1.0-3+b2 [epoll]`."""
    completed = subprocess.run([executable, "-v"], capture_output=True, text=True, timeout=10)
    first = (completed.stdout or completed.stderr).splitlines()[:1]
    return first[0].split(" Copyright")[0].strip() if first else "wrk (version unknown)"


def write_script(folder):
    script = Path(folder) / "bench-done.lua"
    script.write_text(SCRIPT)
    return script


def command(executable, script, url, *, seconds, threads, connections, timeout=10):
    return [
        executable,
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        f"{timeout}s",
        "-s",
        str(script),
        url,
    ]


def parse_output(text):
    """The run's figures from wrk's output: requests, req/s, p50/p95/p99 in ms, and errors
    ({kind: count} of the kinds that happened; `non2xx` is answers outside 200–299)."""
    for line in text.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise ValueError(f"no {MARKER.strip()} line in wrk's output:\n{text}")
    seconds = data["duration_us"] / 1e6
    errors = {kind: data[kind] for kind in ERROR_KINDS if data[kind]}
    return {
        "requests": data["requests"],
        "rps": data["requests"] / seconds if seconds else 0.0,
        **{f"p{pct}": data[f"p{pct}_us"] / 1000 for pct in PERCENTILES},
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def run(executable, script, url, *, seconds, threads, connections):
    """One wrk run; its figures (parse_output). Raises if wrk itself fails."""
    completed = subprocess.run(
        command(executable, script, url, seconds=seconds, threads=threads, connections=connections),
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}):\n{completed.stderr}")
    return parse_output(completed.stdout)
