"""gunicorn.conf.py's hooks, called as gunicorn calls them."""

import gc
import runpy
from pathlib import Path

from django.conf import settings


def test_the_loaded_app_is_frozen_before_each_worker_is_forked():
    hooks = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert hooks["preload_app"] is True  # the app is loaded in the master, so a fork inherits it
    gc.unfreeze()
    try:
        hooks["pre_fork"](server=None, worker=None)
        # What this process holds (Django and the app) is left out of later full collections.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
