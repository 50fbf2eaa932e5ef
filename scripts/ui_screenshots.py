"""Screenshots of each app's main page for docs/ui.md, in Chinese, at 1280 px and at 390 px.

    .venv/bin/python scripts/ui_screenshots.py docs/ui/after

Seeds the small demo district once into var/ui-shots.sqlite3 (kept for the next run; delete
it to seed again), starts Django's development server on a free local port for the length of
the run, signs in as the demo users (password: grids.demo.DEMO_PASSWORD) and saves one PNG per
page and width, reduced to a small palette so the committed files stay small. Needs Chromium
at /usr/bin/chromium (CHROMIUM_PATH) and nothing from the network.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "var" / "ui-shots.sqlite3"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "gridgov2015"  # grids.demo.DEMO_PASSWORD

# (file name, demo user, path): each app's main page, as its usual user opens it.
PAGES = [
    ("grids", "center", "/grids/"),
    ("appeals-inbox", "center", "/appeals/inbox/"),
    ("appeals-queue", "shuiguo", "/appeals/queue/"),
    ("supervision", "center", "/appeals/supervision/"),
    ("registry", "center", "/registry/residents/"),
    ("visits", "center", "/visits/"),
    ("assessment", "bureau", "/assessment/"),
    ("funding-reports", "zhongxin", "/funding/reports/"),
]
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(out: Path) -> None:
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{DB}"}
    python = sys.executable
    if not DB.exists():
        DB.parent.mkdir(exist_ok=True)
        subprocess.run([python, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [python, "manage.py", "seed_district", "--scale", "small", "--reset", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urlopen(f"{base}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        shoot(base, out)
    finally:
        server.terminate()
        server.wait(timeout=20)


def shoot(base: str, out: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for width_name, (width, height) in WIDTHS.items():
            contexts = {}
            for name, user, path in PAGES:
                if user not in contexts:
                    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
                    # Nothing leaves the machine (no tiles, no fonts, no CDN).
                    context.route(
                        "**/*",
                        lambda route: route.continue_() if route.request.url.startswith(base) else route.abort(),
                    )
                    page = context.new_page()
                    page.goto(f"{base}/login/")
                    page.fill("input[name=username]", user)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("form:has(input[name=password]) button[type=submit]")
                    page.wait_for_load_state("networkidle")
                    contexts[user] = page
                page = contexts[user]
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                target = out / f"{name}-{width_name}.png"
                page.screenshot(path=str(target))
                Image.open(target).convert("RGB").quantize(colors=64).save(target, optimize=True)
                print(target.relative_to(ROOT), target.stat().st_size // 1024, "KiB")
        browser.close()


if __name__ == "__main__":
    main(ROOT / (sys.argv[1] if len(sys.argv) > 1 else "var/ui-shots"))
