"""Benchmark of appeals (issue 4): the street queue page, the list endpoints, and intake
throughput through the API under gunicorn.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_petitions \
        .venv/bin/python bench/bench_appeals.py [--scale paper] [--reseed] [--requests 400]

Seeds the demo district at the scale asked unless it is there (paper: 100,000 appeals a year).
Prints a Markdown table to paste into docs/benchmarks.md.
"""

import base64
import datetime
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from common import ROOT, analyze, bench_parser, count_queries, ensure_seeded, machine, setup_django, timed

# The in-process client and the gunicorn workers must sign sessions with the same key.
os.environ.setdefault("SECRET_KEY", "bench-only-" + secrets.token_urlsafe(24))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(user) -> tuple[str, str]:
    """A signed-in session for `user` and a CSRF secret, made directly in the database."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key, secrets.token_hex(16)


def intake_throughput(user, url_env: str, total: int, threads: int, points, module_codes) -> dict:
    """Start gunicorn (DEBUG off, 2 workers), POST `total` appeals from `threads` clients,
    stop it. Returns appeals per second and the status counts."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url_env,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "0",
        "GRIDGOV_DATA_KEY": os.environ.get("GRIDGOV_DATA_KEY") or base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "GRIDGOV_HASH_KEY": os.environ.get("GRIDGOV_HASH_KEY") or secrets.token_hex(16),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "gridgov.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        sessionid, csrf = session_cookie(user)
        headers = {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={sessionid}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
        }
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):  # up to 10 s for the workers to boot
            try:
                urllib.request.urlopen(f"{base}/open311/v2/services.json", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start: " + server.stderr.read(2000).decode(errors="replace"))

        statuses: dict[int, int] = {}
        lock = threading.Lock()
        counter = iter(range(total))

        def client(seed: int):
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                lon, lat = points[(i * 7919 + seed) % len(points)]
                body = json.dumps({
                    "source": "hotline", "module": module_codes[i % len(module_codes)],
                    "description": f"基准测试诉求 {i}", "lon": lon, "lat": lat,
                    "reporter_name": "测试", "reporter_phone": f"139{i:08d}",
                }).encode()  # fmt: skip
                request = urllib.request.Request(f"{base}/api/appeals/", data=body, headers=headers, method="POST")
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status = response.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

        started = time.perf_counter()
        workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        seconds = time.perf_counter() - started
        return {"per_second": total / seconds, "seconds": seconds, "statuses": statuses}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def main():
    parser = bench_parser(scale="paper")
    parser.add_argument("--requests", type=int, default=400, help="appeals to POST in the intake run")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    url = setup_django()

    from django.contrib.auth import get_user_model
    from django.test import Client
    from shapely import geometry as geom

    from grids.models import GridNode, Level
    from petitions.models import Appeal, AppealEvent, ServiceModule

    seed_seconds = ensure_seeded(args.scale, reseed=args.reseed)

    analyze()
    User = get_user_model()
    appeals, events = Appeal.objects.count(), AppealEvent.objects.count()

    rows = []

    def measure(label, username, path, repeat=15):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        ms, response = timed(lambda: client.get(path), repeat)
        assert response.status_code == 200, (path, response.status_code)
        rows.append((label, ms, count_queries(lambda: client.get(path))))

    measure("page: street queue (中心街, 50 per page)", "zhongxin", "/appeals/queue/")
    measure("page: street queue, overdue tab", "zhongxin", "/appeals/queue/?tab=overdue")
    measure("page: department queue (区环卫处)", "d-sanitation", "/appeals/queue/")
    measure("page: command-center inbox", "center", "/appeals/inbox/")
    measure("page: all appeals, command center (newest 50)", "center", "/appeals/all/")
    for size in (10, 50, 200, 500):
        measure(f"API: list, command center, page_size={size}", "center", f"/api/appeals/?page_size={size}")
    for size in (10, 50, 500):
        measure(f"API: street queue (中心街), page_size={size}", "zhongxin", f"/api/appeals/queue/?page_size={size}")
    measure("API: list filtered (module=sanitation&status=closed)", "center",
            "/api/appeals/?module=sanitation&status=closed&page_size=50")  # fmt: skip
    first = Appeal.objects.filter(status="closed").order_by("id").values_list("pk", flat=True).first()
    measure("API: one appeal with its timeline", "center", f"/api/appeals/{first}/")
    measure("Open311: requests.json (last 90 days, ≤1,000)", "center", "/open311/v2/requests.json", repeat=5)

    units = GridNode.objects.filter(level=Level.UNIT_GRID).values_list("boundary", flat=True)
    points = [(p.x, p.y) for p in (geom.shape(b).representative_point() for b in units)]
    codes = list(ServiceModule.objects.values_list("code", flat=True))
    intake = intake_throughput(User.objects.get(username="hotline"), url, args.requests, args.threads, points, codes)

    print(f"\n{datetime.date.today()}, {machine()}, database: {url.split('://')[0]}")
    print(f"{appeals:,} appeals, {events:,} events" + (f"; seeded in {seed_seconds:.0f} s" if seed_seconds else ""))
    print("\n| measure | median ms | queries |\n|---|---|---|")
    for label, ms, queries in rows:
        print(f"| {label} | {ms:.1f} | {queries} |")
    print(
        f"\nIntake through the API under gunicorn (2 workers, {args.threads} client threads, DEBUG off): "
        f"{args.requests} appeals in {intake['seconds']:.1f} s = **{intake['per_second']:.0f} appeals/s**; "
        f"responses {intake['statuses']}"
    )
    if set(intake["statuses"]) != {201}:
        sys.exit("some intake requests failed")


if __name__ == "__main__":
    main()
