"""gunicorn's access log as JSON lines (``logger_class`` in deploy/gunicorn.conf.py).

gunicorn's own format is a %-template: a quote in a user agent or a path would break a JSON template,
so the line is built as a dict and encoded here. The path is logged without its query string
(search terms and tokens can be personal data).
"""

import json
import logging
import time

from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter


class JsonAccessLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        # gunicorn's own messages (workers starting, timing out) as JSON lines too.
        for handler in self.error_log.handlers:
            handler.setFormatter(
                JsonFormatter(
                    "%(asctime)s %(levelname)s %(name)s %(message)s",
                    rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                    json_ensure_ascii=False,
                )
            )
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp, req, environ, request_time) -> None:
        if not self.cfg.accesslog:
            return
        headers = dict(resp.headers) if isinstance(resp.headers, list) else {}
        request_id = next(
            (value for name, value in headers.items() if name.lower() == "x-request-id"),
            environ.get("HTTP_X_REQUEST_ID", ""),
        )
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "logger": "gunicorn.access",
            "request_id": request_id,
            "remote": environ.get("REMOTE_ADDR", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": int(str(resp.status).split(None, 1)[0]) if resp.status else None,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }
        try:
            self.access_log.info(json.dumps(record, ensure_ascii=False))
        except Exception:
            self.exception("access log")
