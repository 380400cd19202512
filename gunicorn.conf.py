"""gunicorn's settings for the web service (the Dockerfile's command; gunicorn reads this file from
the working directory). Environment variables override: WEB_CONCURRENCY (workers), GUNICORN_TIMEOUT,
GUNICORN_CMD_ARGS (any other option); the command line gives ``--bind``.

Every process gunicorn starts ends with it: a worker killed by its timeout or by the kernel takes no
process of its own along (PDFs are rendered in the worker itself, large batches by ``db_worker``),
and a worker whose master dies, however it dies, is stopped by the kernel (``post_fork``).
gunicorn always sends ``Server: gunicorn`` and has no setting to leave it out: the reverse proxy in
front (deploy/Caddyfile, the only way in) removes it.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request renders at most a small batch of forms (larger ones are background jobs): a worker busy
# for longer than this is stuck, and is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# WeasyPrint's caches grow with the forms a worker has printed: a worker is replaced now and then.
max_requests = 1000
# The application is imported once, in the master, and each worker is forked from it: a worker
# replaced by max_requests starts serving at once instead of importing Django and the app again
# (about 1.2 s of CPU each time). Nothing opens a database connection or a thread at import. A HUP
# therefore does not reload the code: a deploy restarts the container.
preload_app = True
max_requests_jitter = 100
# The heartbeat file on memory, not on the container's overlay file system.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def pre_fork(server, worker):
    """The objects of the imported app (about 135,000) live as long as the worker: frozen before the
    fork, the collector of each worker no longer walks them in a full collection, which took 60–70 ms
    (a request that met one took twice as long) and now takes under 10 ms."""
    gc.freeze()


def post_fork(server, worker):
    """On Linux, the kernel sends the worker SIGTERM when the master exits, even by SIGKILL: it
    finishes the request in hand and stops, instead of serving on without a master."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: gunicorn's own check stops it within the timeout
        return
    if os.getppid() != worker.ppid:  # the master died before the line above
        os.kill(os.getpid(), signal.SIGTERM)
