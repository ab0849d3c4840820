"""gunicorn on a free loopback port, its CPU time from /proc, and a plain GET."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.environment import ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2
HTTP_TIMEOUT = 10
READY_TIMEOUT = 30


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """One gunicorn master (its own session) on a free loopback port."""

    def __init__(self, app, env, log_path, *extra_args):
        self.port = free_port()
        self.log_path = log_path
        command = [
            str(GUNICORN),
            app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            *extra_args,
        ]
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, path="/"):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                if fetch(self.port, path)[0] == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn was not ready in {READY_TIMEOUT}s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def cpu_seconds(self):
        """CPU time used so far by the master and its workers (Linux /proc), or None."""
        try:
            total = 0
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rpartition(")")[2].split()
                except OSError:
                    continue  # a process that has just exited
                pid = int(stat.parent.name)
                if pid == self.process.pid or int(fields[1]) == self.process.pid:
                    total += int(fields[11]) + int(fields[12])  # utime + stime
            return total / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # The master and its workers share the session this script started.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()
