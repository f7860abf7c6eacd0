"""The project's WSGI application with each hot request's floor, for the hot benchmark (``KUAIJI_BENCH_FLOOR_DIR``).

A floor is what the stack alone costs for a request: its SQL statements, run by a bare view through the same
middleware, with nothing of the project's code around them (no ORM, forms, templates or serialisation).
- A request with ``X-Bench-Record: <name>`` is served as usual, and the statements it runs (SQL and
  parameters, as the database received them) are written to ``<dir>/<name>.pickle``.
- ``GET /bench-floor/<name>/`` runs those statements again, each with its parameters, and answers a
  constant. Reads answer as before; a recorded INSERT appends another row (an audit row: the same work).
  Cache and rate-limit calls are not part of a floor (Redis), nor is the database's connection check,
  which the floor's request makes like any other.

Benchmark-only: the product never imports it.
"""

import os
import pickle
from pathlib import Path

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

from kuaiji.wsgi import application as _application  # isort: skip  # sets Django up, before the URLs

from kuaiji import urls  # isort: skip

FLOOR_DIR = Path(os.environ["KUAIJI_BENCH_FLOOR_DIR"])
_statements: dict[str, list] = {}


def floor(request: HttpRequest, name: str) -> JsonResponse:
    statements = _statements.get(name)
    if statements is None:
        statements = _statements[name] = pickle.loads((FLOOR_DIR / f"{name}.pickle").read_bytes())
    with connection.cursor() as cursor:
        for sql, params, many in statements:
            if many:
                cursor.executemany(sql, params)
                continue
            cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
    return JsonResponse({"status": "ok"})


# Before the first request: the resolver reads the patterns then.
urls.urlpatterns.append(path("bench-floor/<slug:name>/", floor))


def application(environ, start_response):
    name = environ.get("HTTP_X_BENCH_RECORD")
    if not name:
        return _application(environ, start_response)
    recorded: list = []

    def record(execute, sql, params, many, context):
        recorded.append((sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        body = list(_application(environ, start_response))
    (FLOOR_DIR / f"{name}.pickle").write_bytes(pickle.dumps(recorded))
    return body
