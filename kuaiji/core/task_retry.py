"""Tasks that fail with an error: tried again later, a few times, then left FAILED.

django-tasks runs a task once: an exception marks it FAILED and nothing tries again. A message that
the provider refused for a moment (a timeout, a 5xx, a throttle) would then never be sent. A task that
can be repeated calls :func:`retry_later` from its ``except``: the same task is queued again with the
next attempt's number, after a delay that grows (``RETRY_DELAYS_SECONDS``: all within the 5 minutes a
code is valid), and the failed attempt ends SUCCESSFUL with a note of the retry it queued. After the
last attempt the task re-raises, so it ends FAILED: counted by ``/metrics`` and reported by
``check_consistency``.

A worker killed mid-task is a different failure, handled by ``task_recovery``. With the immediate
backend (tests, ``KUAIJI_TASKS_IMMEDIATE``) the next attempt runs at once, inside the failed one.
"""

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone

logger = logging.getLogger(__name__)

RETRY_DELAYS_SECONDS = (5, 30, 120)
MAX_ATTEMPTS = len(RETRY_DELAYS_SECONDS) + 1


def retry_later(task: Any, *, attempt: int, error: Exception, **kwargs: Any) -> str | None:
    """Queue ``task(attempt=attempt + 1, **kwargs)`` after this attempt's delay and return a note for
    the failed attempt's result; None when this was the last attempt (the caller re-raises)."""
    if attempt >= MAX_ATTEMPTS:
        logger.error("task %s failed on its last attempt (%s): %r", task.name, attempt, error)
        return None
    delay = RETRY_DELAYS_SECONDS[attempt - 1]
    again = task
    if task.get_backend().supports_defer:
        again = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    logger.warning(
        "task %s failed (attempt %s of %s), again in %s s: %r", task.name, attempt, MAX_ATTEMPTS, delay, error
    )
    result = again.enqueue(attempt=attempt + 1, **kwargs)
    return f"attempt {attempt} failed ({type(error).__name__}); attempt {attempt + 1} queued as {result.id}"
