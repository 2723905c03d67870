"""Running the service under uvicorn: one process, or several workers sharing one index cache.

With one worker the index loads in the background, so /healthz answers at once
and /readyz says 503 until screening can start. With several workers the lists
are seeded and the index built once, here, before the workers start: each
then loads the cached index in about a second instead of all building it at
once.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable

from .settings import ServiceSettings

log = logging.getLogger("interdict.api")


def prepare(settings: ServiceSettings, progress: Callable[[str], None] | None = None) -> None:
    """Seed the lists and write the index cache that worker processes will load."""
    from ..lists import load_lists
    from ..screening import load_or_build_index

    store = load_lists(settings.db, progress=lambda dataset, done, total: progress and dataset and progress(f"loading bundled list {dataset} ({done + 1}/{total})"))
    index = load_or_build_index(store, progress)
    del index
    store.engine.dispose()
    gc.collect()


def log_config(level: str) -> dict:
    """uvicorn's logging setup, with interdict's own messages (index loads, updates, errors) on the same stream."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["interdict"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def serve(
    settings: ServiceSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    access_log: bool = True,
    log_level: str = "info",
    progress: Callable[[str], None] | None = None,
) -> None:
    """Run the HTTP service until interrupted."""
    import uvicorn

    options = {
        "log_config": log_config(log_level),
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": access_log,
        "timeout_keep_alive": 15,
        "timeout_graceful_shutdown": 10,
        "server_header": False,
    }
    if workers <= 1:
        from .app import create_app

        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    prepare(settings, progress)
    os.environ.update(settings.to_env())
    uvicorn.run("interdict.api.app:app_from_env", factory=True, workers=workers, **options)  # type: ignore[arg-type]
