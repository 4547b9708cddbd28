"""The app as granian's RSGI interface serves it: the factory bin/serve and `serve` name.

`granian --interface rsgi --factory recommender.rsgi:create_rsgi_app`, as wsgi.py is WSGI's;
the RSGI layer itself is recommender/http/rsgi.py.
"""

from __future__ import annotations

import os

from . import create_app
from .http.rsgi import BufferedWSGI


def create_rsgi_app() -> BufferedWSGI:
    """The app for `granian --interface rsgi --factory`: CAREER_PATH_THREADS threads a worker."""
    return BufferedWSGI(create_app(), int(os.environ.get("CAREER_PATH_THREADS", "4")))
