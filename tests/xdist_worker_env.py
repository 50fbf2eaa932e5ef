"""Loaded before anything else (`make test` runs `python -m pytest -p tests.xdist_worker_env`), so
before Django reads its settings: under pytest-xdist (`make test` runs two workers) each worker process gets a Redis
database of its own, as it gets a test database of its own. The cache, the Celery broker and the
worker processes the services tests start would otherwise be shared between the two runs.
REDIS_URL=redis://host:6379/15 gives gw0 database 15, gw1 database 14, and so on."""

import os
from urllib.parse import urlsplit, urlunsplit

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"…, set before a worker starts
_url = os.environ.get("REDIS_URL", "")
if _worker.startswith("gw") and _url:
    _parts = urlsplit(_url)
    _db = int(_parts.path.strip("/") or 0)
    _own = (_db - int(_worker[2:])) % 16
    os.environ["REDIS_URL"] = urlunsplit(_parts._replace(path=f"/{_own}"))
