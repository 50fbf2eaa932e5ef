"""Log in through the login form and print the session cookie and the CSRF token, for tools
that take headers (.ci/schemathesis). Usage: login.py BASE_URL USERNAME PASSWORD.
Standard library only."""

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request


def main(base: str, username: str, password: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login/", timeout=60) as response:
        form = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/login/", data=body.encode(), headers={"Referer": f"{base}/login/"})
    with opener.open(request, timeout=60):
        pass
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        print("login failed: no session cookie", file=sys.stderr)
        return 1
    print(cookies["sessionid"], cookies["csrftoken"])
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
