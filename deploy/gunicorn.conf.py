"""gunicorn settings for production, behind deploy/nginx.conf (which buffers slow clients for the workers)."""

import multiprocessing
import os

wsgi_app = "fieldapp:create_app()"
# Only nginx talks to gunicorn: bind to the loopback, never to a public address.
bind = os.environ.get("FIELDAPP_BIND", "127.0.0.1:8000")
# Sync workers are right behind a buffering proxy: every request reaches them complete. Two per
# core, as gunicorn's documentation suggests for this kind of work (requests wait on PostgreSQL).
worker_class = "sync"
workers = int(os.environ.get("FIELDAPP_WORKERS", 2 * multiprocessing.cpu_count()))
# A worker silent for longer is killed and replaced; FIELDAPP_COMPARISON_TIMEOUT_S (20 s) stops a
# long comparison before this, so a user gets a 503 with Retry-After instead of a dropped connection.
timeout = 30
graceful_timeout = 30
# Recycle workers now and then, so memory held after a large photo or import goes back to the OS.
max_requests = 1000
max_requests_jitter = 100
# X-Forwarded-Proto from nginx on the same machine tells the app the request came over HTTPS.
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
errorlog = "-"
