"""A real server for the load benchmarks: gunicorn on a loopback port, keep-alive clients, a fixed-time
load from several threads. Shared by the benchmarks that measure through HTTP."""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WORKERS, WORKER_THREADS = 2, 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


class Server:
    """gunicorn serving kuaiji.wsgi on a free loopback port, against the bench's database."""

    def __init__(
        self,
        database_url: str,
        *,
        env: dict | None = None,
        app: str = "kuaiji.wsgi",
        workers: int = WORKERS,
        threads: int = WORKER_THREADS,
    ):
        self.port = free_port()
        self.app, self.workers, self.threads = app, workers, threads
        handle, self.log_path = tempfile.mkstemp(prefix="kuaiji-api-bench-", suffix=".log")
        os.close(handle)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "KUAIJI_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "kuaiji.settings",
            **(env or {}),
        }
        env.pop("PYTEST_VERSION", None)
        with open(self.log_path, "wb") as log:  # the child keeps its own descriptor
            self.process = self._start(env, log)

    def _start(self, env: dict, log) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                self.app,
                "-w",
                str(self.workers),
                "--threads",
                str(self.threads),
                "-b",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.unlink(self.log_path)


class Client:
    """One keep-alive connection; reconnects when the server closed an idle one."""

    def __init__(self, port: int):
        self.port = port
        self.conn = None

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def load(port: int, make_request, seconds: float, *, threads: int) -> dict:
    """``threads`` threads each sending ``make_request(index, client)`` back to back for ``seconds``."""
    samples: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []
    ready, go = threading.Barrier(threads + 1), threading.Barrier(threads + 1)
    window: dict = {}

    def worker(index: int):
        client = Client(port)
        send = make_request(index, client)
        send()  # one request before the clock starts: the connection is open
        ready.wait()
        go.wait()
        until = window["end"]
        mine = samples[index]
        while True:
            start = time.perf_counter()
            if start >= until:
                break
            try:
                answer = send()
            except Exception as exc:  # counted and reported
                answer = (False, repr(exc))
            ok, detail = answer[0], answer[1]
            # A send that does more than the request it measures (submit, then an untimed withdraw)
            # returns the seconds of the measured request as a third item.
            mine.append(answer[2] if len(answer) > 2 else time.perf_counter() - start)
            if not ok and len(errors) < 5:
                errors.append(detail)
            elif not ok:
                errors.append("")

    workers = [threading.Thread(target=worker, args=(index,), daemon=True) for index in range(threads)]
    for thread in workers:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    window["end"] = started + seconds  # read by the threads once they pass ``go``
    go.wait()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(sample for per_thread in samples for sample in per_thread)
    return _summary(latencies, elapsed, errors)


def merged(runs: list[dict]) -> dict:
    """Several ``load`` runs of one kind as if they were one."""
    latencies = sorted(sample for run in runs for sample in run["latencies"])
    errors = [error for run in runs for error in run["errors"]]
    return _summary(latencies, sum(run["elapsed"] for run in runs), errors)


def _summary(latencies: list[float], elapsed: float, errors: list[str]) -> dict:
    return {
        "latencies": latencies,
        "elapsed": elapsed,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "median": statistics.median(latencies),
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)],
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)],
        "errors": errors,
    }
