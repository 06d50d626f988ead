"""gunicorn's settings for Humas CMS.

gunicorn reads this file by itself when started from the project directory
(`gunicorn humas.wsgi`); command-line flags override it. docs/deploy.md has the systemd
unit that starts it. `kill -HUP <master pid>` (systemctl reload) starts new workers on
the new code and lets the old ones finish their requests: a deploy drops no request.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Workers are processes (the site is synchronous Django): two per core plus one keeps
# the cores busy while some workers wait on the database or Redis.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A photo upload is the slowest request: a 24-megapixel JPEG is checked and turned into
# nine renditions in about 3 s (bench/renditions.py). 60 s leaves room on a busy machine;
# a worker stuck longer is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# On reload or stop, old workers get this long to finish what they are serving.
graceful_timeout = 30
# nginx keeps connections to the app open between requests.
keepalive = 5
# The workers' heartbeat files go to memory, not to a disk that may be slow or full.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# One line per request on stdout: client (as nginx saw it, when behind it), request,
# status, bytes, milliseconds, referrer and browser. Errors and start-up go to stderr.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s xff="%({x-forwarded-for}i)s" "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
# gunicorn would otherwise mark a request as HTTPS on an X-Forwarded-Proto header from
# 127.0.0.1, whoever sent it. Django alone decides whether to trust the proxy's headers
# (BEHIND_PROXY), so gunicorn trusts none.
forwarded_allow_ips = ""
secure_scheme_headers = {}
# Headers and request lines larger than this are refused before Django sees them.
limit_request_line = 8190
limit_request_field_size = 8190
