"""Tests about the real services: a Celery worker process on Redis, against PostgreSQL.

They run in CI's second pass (DATABASE_URL on PostgreSQL, REDIS_URL set) and skip, saying
why, on the embedded defaults, where a worker process cannot share the test database.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from gridgov.celery import app

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", ROOT / "test-output"))


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def require_real_services():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL), as in CI's second pass")
    if os.environ.get("GRIDGOV_TEST_TODAY"):
        pytest.skip("the worker and web processes keep the real clock; GRIDGOV_TEST_TODAY moves only this one")


def django_env(redis_url: str) -> dict:
    """The environment of a GridGov process (worker, web, command) on the test database."""
    return {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url, "DJANGO_DEBUG": "1"}


class Worker:
    """A real `celery worker` process, started and stopped by the test."""

    def __init__(self, redis_url: str, env: dict | None = None):
        self.redis_url = redis_url
        self.env = env or {}
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.process = None
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = OUTPUT_DIR / "celery-worker.log"

    def start(self, wait: bool = True) -> "Worker":
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "gridgov",
                    "worker",
                    "--pool",
                    "solo",
                    "-n",
                    self.name,
                    "-l",
                    "INFO",
                ],
                cwd=ROOT,
                env={**django_env(self.redis_url), **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if wait:
            # Asks this worker's broker, whatever ours is; not made the current app, which the
            # shared tasks of this process would otherwise send to from now on.
            probe = Celery(broker=self.redis_url, set_as_current=False)
            deadline = time.monotonic() + 60
            # limit=1: the answer of the one worker asked ends the wait (else each ping waits 1 s).
            while not probe.control.ping(destination=[self.name], timeout=1, limit=1):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    pytest.fail(f"the Celery worker did not start; see {self.log_path}")
            probe.close()
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def _shared_celery_worker(django_db_setup):
    """One worker process for the run (per xdist worker), started by the first test that asks
    for it: starting one costs seconds each test need not pay. Each test still waits for its
    own tasks to be done, so none leaves work behind for the next."""
    require_real_services()
    app.control.purge()  # leftovers of earlier runs belong to databases that are gone
    worker = Worker(settings.REDIS_URL).start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker_process(transactional_db, _shared_celery_worker):
    """A real worker on the machine's Redis (REDIS_URL) and the test database."""
    require_real_services()
    if _shared_celery_worker.process.poll() is not None:
        pytest.fail(f"the shared Celery worker has stopped; see {_shared_celery_worker.log_path}")
    return _shared_celery_worker


class PrivateRedis:
    """A redis-server of the test's own, on a free port, that the test may stop and restart."""

    def __init__(self, workdir: Path):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.port)
        if not wait_for(lambda: _pings(client), timeout=10):
            pytest.fail("the private redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def run_in_django(code: str, redis_url: str) -> subprocess.CompletedProcess:
    """Run Python in a separate GridGov process (as a web process would), on the test database."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=django_env(redis_url),
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(interval)
    return predicate()
