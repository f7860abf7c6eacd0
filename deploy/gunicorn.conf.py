"""gunicorn settings for Kuaiji: ``gunicorn -c deploy/gunicorn.conf.py kuaiji.wsgi``.

Every value can be overridden from the environment (``GUNICORN_*`` below) or the command line.
Sync-style gthread workers: each request holds a thread while Django runs it; the pages and the API
are short and mostly wait on PostgreSQL, Redis or the object store, so a few threads per worker keep
the cores busy without an event loop. Sign-in is CPU-bound (argon2id), which is why workers follow
the core count and threads stay few.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


_cores = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core plus one, so a worker waiting on I/O does not leave a core idle.
workers = _int("GUNICORN_WORKERS", _cores + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# Graceful: a worker stuck for `timeout` seconds is killed and replaced; on SIGTERM (deploys) workers
# get `graceful_timeout` seconds to finish the requests they hold.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx keeps connections to the upstream open; a little longer than nginx's own keepalive_timeout.
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# Workers are replaced now and then (with jitter, so not all at once): a slow leak cannot grow forever.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Each worker loads the application itself (no preload): nothing opened at import time (a database
# pool, a metrics file) is shared across a fork. GUNICORN_PRELOAD=1 trades that for memory.
preload_app = os.environ.get("GUNICORN_PRELOAD", "0") in {"1", "true", "yes"}
# The request line is capped; bodies are limited by kuaiji.core.middleware.RequestSizeLimitMiddleware.
limit_request_line = 8190

# Only the proxy in front may say who the client is (X-Forwarded-For is read by kuaiji.core.http).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs on stderr, for the service manager; the access log as one JSON object a line
# (kuaiji.core.accesslog), with the request id kuaiji.core.middleware.RequestIdMiddleware answers with.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "kuaiji.core.accesslog.JsonAccessLogger"
proc_name = os.environ.get("GUNICORN_PROC_NAME", "kuaiji")


# Prometheus in multiprocess mode (kuaiji.core.metrics): each worker writes its numbers to files in
# PROMETHEUS_MULTIPROC_DIR, one folder per gunicorn server; emptied at start, a dead worker's gauges
# dropped.
def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
