"""The app as granian's RSGI interface serves it: the factory bin/serve and `serve` name.

`granian --interface rsgi --factory recommender.rsgi:create_rsgi_app`, as wsgi.py is WSGI's;
the RSGI layer itself is recommender/http/rsgi.py.
"""

from __future__ import annotations

import gc
import os

from . import create_app
from .http.rsgi import BufferedWSGI


def create_rsgi_app() -> BufferedWSGI:
    """The app for `granian --interface rsgi --factory`: CAREER_PATH_THREADS threads a worker."""
    app = BufferedWSGI(create_app(), int(os.environ.get("CAREER_PATH_THREADS", "4")))
    # What the worker made to start (the rules engine, the catalog, templates, the mappers)
    # lives as long as it does: frozen out of the garbage collector's full passes, which
    # otherwise walk it all while every thread waits. With 8 clients viewing saved teams,
    # /healthz's p99 went from 250-330 ms to 130-145 ms (bench/saved_teams.py's viewers).
    gc.collect()
    gc.freeze()
    return app
