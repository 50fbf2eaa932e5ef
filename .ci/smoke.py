"""The production path, as a user meets it: log in through the login form of a running server
(gunicorn, DEBUG off, collected static files) and open one page of every app; each must be 200.

Usage: smoke.py BASE_URL USERNAME PASSWORD [TOTP_KEY]. With the key (base32, from `manage.py
two_factor enrol USERNAME --commit`), it answers the two-step sign-in the production defaults ask
of administrators. Standard library only: it runs before anything else is known to work.
"""

import base64
import hashlib
import hmac
import http.cookiejar
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# One page of every app; the API root and its docs; the admin. The second item is a text the
# page must contain (Chinese: the site's default language), so a 200 of the wrong page fails.
PAGES = [
    ("/", "网格"),  # grids: home, the grid tree and map
    ("/appeals/", "诉求"),
    ("/registry/map/", ""),
    ("/registry/households/", ""),
    ("/visits/", "走访"),
    ("/assessment/", "考核"),
    ("/funding/", "经费"),
    ("/notifications/", ""),
    ("/account/", "账户安全"),
    ("/account/password/", "修改密码"),
    ("/admin/", ""),
    ("/api/", ""),
    ("/api/docs/", ""),
    ("/api/appeals/", ""),
]


def totp(key: str, at: float | None = None) -> str:
    """The current RFC 6238 code (30 s steps, 6 digits, HMAC-SHA1), as authenticator apps make it."""
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main(base: str, username: str, password: str, totp_key: str = "") -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept-Language", "zh-hans")]
    failures = []

    def get(path: str):
        try:
            with opener.open(base + path, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace"), response.geturl()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.geturl()

    status, page, _ = get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token:
        print(f"FAIL /login/: {status}, no login form")
        return 1
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1), "next": "/"}
    ).encode()
    request = urllib.request.Request(base + "/login/", data=form, headers={"Referer": base + "/login/"})
    try:
        with opener.open(request, timeout=60) as response:
            landed = response.geturl()
    except urllib.error.HTTPError as error:
        print(f"FAIL log in: {error.code}")
        return 1
    if landed.rstrip("/").endswith("/login"):
        print("FAIL log in: the login form came back (wrong password, or the session cookie was refused)")
        return 1
    print(f"ok   logged in as {username}")

    if "/account/two-factor/" in urllib.parse.urlsplit(landed).path:
        # Two-step sign-in: the verify page (an enrolled authenticator), never enrolment.
        if "/verify/" not in landed or not totp_key:
            print(f"FAIL two-step sign-in: landed on {landed} without an enrolled authenticator key")
            return 1
        status, page, _ = get("/account/two-factor/verify/?next=/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        form = urllib.parse.urlencode(
            {"code": totp(totp_key), "csrfmiddlewaretoken": token.group(1) if token else "", "next": "/"}
        ).encode()
        request = urllib.request.Request(
            base + "/account/two-factor/verify/", data=form, headers={"Referer": base + "/account/two-factor/verify/"}
        )
        try:
            with opener.open(request, timeout=60) as response:
                landed = response.geturl()
        except urllib.error.HTTPError as error:
            print(f"FAIL two-step sign-in: {error.code}")
            return 1
        if "/account/two-factor/" in landed:
            print("FAIL two-step sign-in: the code was refused")
            return 1
        print("ok   two-step sign-in with a TOTP code")
    elif totp_key:
        print("FAIL two-step sign-in was not asked of an administrator (GRIDGOV_2FA_ROLES default)")
        return 1

    for path, must_contain in PAGES:
        status, body, url = get(path)
        # Answered inside the app asked for (the home page leads to the district's grid page,
        # /appeals/ to a list); a redirect to a login form, the admin's own included, fails.
        landed_on = urllib.parse.urlsplit(url).path
        app = "/grids/" if path == "/" else "/" + path.strip("/").split("/")[0] + "/"
        wrong_place = "/login/" in landed_on or not (landed_on == path or landed_on.startswith(app))
        if status != 200 or wrong_place or (must_contain and must_contain not in body):
            failures.append(path)
            print(f"FAIL {path}: {status} {url} {body[:300]!r}")
        else:
            print(f"ok   {path}")
        if path == "/":
            # Every stylesheet and script the home page names is served (hashed by collectstatic).
            for asset in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', body))):
                asset_status, _, _ = get(asset)
                ok = asset_status == 200 and re.search(r"\.[0-9a-f]{12}\.", asset)
                print(f"{'ok  ' if ok else 'FAIL'} {asset}: {asset_status}")
                if not ok:
                    failures.append(asset)

    status, body, _ = get("/no-such-page/")
    if status == 404 and "页面不存在" in body:
        print("ok   /no-such-page/: the site's own 404")
    else:
        failures.append("/no-such-page/")
        print(f"FAIL /no-such-page/: {status} {body[:300]!r}")

    print(f"{len(failures)} failed" if failures else "smoke: every page answered 200")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
