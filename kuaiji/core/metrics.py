"""Prometheus metrics: request latency per view, and the task queue's depth.

:class:`RequestMetricsMiddleware` (second in MIDDLEWARE, so the time covers every middleware below it:
sessions, authentication, the view) records two numbers a request into django-prometheus's metrics,
``django_http_requests_latency_seconds_by_view_method`` and
``django_http_responses_total_by_status_view_method``; django-prometheus's own pair of middlewares
record a dozen more a request, which nobody here reads.

:func:`metrics_view` (``/metrics``) answers only the addresses in ``KUAIJI_METRICS_ALLOWED_IPS``
(loopback by default; the client address as core.http.client_ip reads it, so a request that came
through the proxy counts as the visitor's) or a request with ``Authorization: Bearer
<KUAIJI_METRICS_TOKEN>``. nginx refuses the path too. Under gunicorn each worker is a process:
with ``PROMETHEUS_MULTIPROC_DIR`` set (deploy/gunicorn.conf.py) the page adds all workers up.
"""

import os
import secrets
import time

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

import prometheus_client
from django_prometheus.middleware import Metrics
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .http import client_ip

UNRESOLVED = "<unnamed view>"


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        metrics = Metrics.get_instance()
        self.latency = metrics.requests_latency_by_view_method
        self.responses = metrics.responses_by_status_view_method

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else None) or UNRESOLVED
        method = request.method or ""
        self.latency.labels(view=view, method=method).observe(time.perf_counter() - started)
        self.responses.labels(status=str(response.status_code), view=view, method=method).inc()
        return response


class TaskQueueCollector(Collector):
    """Read at scrape time from django-tasks' database backend: tasks waiting, running, and the age of
    the oldest waiting one (a worker that stopped shows as a growing age)."""

    def collect(self):
        from django_tasks.base import DEFAULT_TASK_QUEUE_NAME, TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        depth = GaugeMetricFamily(
            "kuaiji_task_queue_depth", "Tasks ready to run and not yet started", labels=["queue"]
        )
        running = GaugeMetricFamily("kuaiji_tasks_running", "Tasks a worker has claimed", labels=["queue"])
        oldest = GaugeMetricFamily(
            "kuaiji_task_queue_oldest_seconds", "Age of the oldest task waiting to run", labels=["queue"]
        )
        now = timezone.now()
        waiting = (
            DBTaskResult.objects.ready()
            .values("queue_name")
            .annotate(count=Count("id"), oldest=Min("enqueued_at"))
            .order_by()
        )
        # The default queue is always there, at 0 when empty: an alert on it needs a series.
        counts = {DEFAULT_TASK_QUEUE_NAME: 0}
        ages = {DEFAULT_TASK_QUEUE_NAME: 0.0}
        for row in waiting:
            counts[row["queue_name"]] = row["count"]
            ages[row["queue_name"]] = (now - row["oldest"]).total_seconds()
        claimed = {DEFAULT_TASK_QUEUE_NAME: 0}
        for row in (
            DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
            .values("queue_name")
            .annotate(count=Count("id"))
            .order_by()
        ):
            claimed[row["queue_name"]] = row["count"]
        for queue, count in counts.items():
            depth.add_metric([queue], count)
            oldest.add_metric([queue], ages[queue])
        for queue, count in claimed.items():
            running.add_metric([queue], count)
        yield depth
        yield running
        yield oldest


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.KUAIJI_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if given.startswith("Bearer ") and secrets.compare_digest(given[7:].encode(), token.encode()):
            return True
    return client_ip(request) in settings.KUAIJI_METRICS_ALLOWED_IPS


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    queue = prometheus_client.CollectorRegistry()
    queue.register(TaskQueueCollector())
    body = prometheus_client.generate_latest(registry) + prometheus_client.generate_latest(queue)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
