"""The project's WSGI application under cProfile, for ``KUAIJI_BENCH_PROFILE=<dir>`` in the hot benchmark.

Each request is profiled into one ``pstats`` collection per route kind (method and path without the query
string, ids folded), and every collection is written to ``<dir>/<kind>.<pid>.prof`` when the worker exits.
One worker with one thread, so the profile holds only the request's own work. Benchmark-only: the product
never imports it.
"""

import atexit
import cProfile
import os
import re
import threading
from pathlib import Path

from kuaiji.wsgi import application as _application

PROFILE_DIR = Path(os.environ["KUAIJI_BENCH_PROFILE"])
_profiles: dict[str, cProfile.Profile] = {}
_lock = threading.Lock()


def _kind(environ) -> str:
    path = re.sub(r"/\d+|/[0-9a-f-]{32,}", "/N", environ.get("PATH_INFO", ""))
    return (environ.get("REQUEST_METHOD", "GET") + path).strip("/").replace("/", "_") or "root"


def application(environ, start_response):
    kind = _kind(environ)
    with _lock:
        profile = _profiles.setdefault(kind, cProfile.Profile())
    profile.enable()
    try:
        # The body is read inside the profile: the view's work ends with its response.
        return list(_application(environ, start_response))
    finally:
        profile.disable()


@atexit.register
def _write() -> None:
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    for kind, profile in _profiles.items():
        profile.dump_stats(PROFILE_DIR / f"{kind}.{os.getpid()}.prof")
