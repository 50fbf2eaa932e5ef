"""Security headers on every response: the Content-Security-Policy (django-csp, scripts and
styles only from our own static files), Permissions-Policy, and HTTPS with HSTS when the
production environment of docs/deploy.md says so (GRIDGOV_HTTPS=1)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from accounts.sections import SECTIONS

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.gridgov.error_urls")]

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "img-src": "'self' data: blob:",
}


def directives(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def assert_protected(response, url):
    policy = directives(response)
    for name, value in EXPECTED_DIRECTIVES.items():
        assert policy.get(name) == value, f"{url}: {name} is {policy.get(name)!r}"
    # Styles: our files, and at most the stand-alone 500 page's block by its hash; never inline.
    assert policy["style-src"].split()[0] == "'self'", url
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], url
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"], url
    permissions = response.headers.get("Permissions-Policy", "")
    assert "geolocation=(self)" in permissions and "microphone=()" in permissions, url
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url


def test_every_section_page_carries_the_content_security_policy(everyone, client_for):
    """Every page of accounts/sections.py, opened by a user who may open it."""
    opened = set()
    for section in SECTIONS:
        user = next((u for u in everyone.values() if section.can_open(u)), None)
        assert user is not None, f"no role may open {section.name}"
        url = section.url()
        response = client_for(user).get(url, follow=True)
        assert response.status_code == 200, url
        assert_protected(response, url)
        opened.add(section.name)
    assert len(opened) >= 30


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/login/", 200),
        ("/open311/v2/requests.json", 200),
        ("/open311/v2/services.xml", 200),
        ("/no-such-page/", 404),
        ("/registry/households/?q=%00", 400),  # the NUL is refused before the login check
        ("/api/appeals/", 403),
    ],
)
def test_anonymous_pages_and_errors_carry_the_policy_too(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_protected(response, url)


def test_the_error_pages_carry_the_policy(people, client_for):
    client = client_for(people.center)
    for url, status in [("/test-refuse/", 403), ("/no-such-page/", 404), ("/registry/households/?q=%00", 400)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert_protected(response, url)
    crashing = Client(raise_request_exception=False)
    crashing.force_login(people.center)
    response = crashing.get("/test-crash/")
    assert response.status_code == 500
    assert_protected(response, "/test-crash/")


def test_no_inline_style_is_allowed_not_even_on_the_500_page():
    from django.conf import settings

    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"] == ["'self'"]
    page = (ROOT / "templates" / "500.html").read_text()
    assert not re.search(r"<style\b|\sstyle=", page), "the 500 page is plain HTML (it may not load a stylesheet)"


def test_the_api_docs_load_swagger_ui_without_an_inline_script(people, client_for):
    page = client_for(people.center).get("/api/docs/").content.decode()
    assert "<script" in page
    for tag in re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S):
        assert tag.strip() == "", "an inline script on /api/docs/"


def test_no_template_or_script_has_an_inline_handler_script_or_javascript_url():
    """script-src 'self' refuses them in the browser; this finds them before a user does."""
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    inline_script = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")\b)[^>]*>", re.I)
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text("utf-8")
        if handler.search(text) or inline_script.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_static_scripts_set_no_inline_handler_or_style_attribute_in_markup():
    """HTML strings built by our scripts: no on* attribute, no style="" (CSP refuses both)."""
    offenders = []
    for path in (ROOT / "static").rglob("*.js"):
        if "vendor" in path.parts:
            continue
        text = path.read_text("utf-8")
        if re.search(r"""style=["']|\son[a-z]+=["']""", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def deploy_check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GRIDGOV_", "SECRET_KEY"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


PRODUCTION = {
    # docs/deploy.md, § 1
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-of-fifty-characters-or-more-0123456789",
    "DJANGO_ALLOWED_HOSTS": "grid.example.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://grid.example.gov.cn",
    "GRIDGOV_DATA_KEY": "c2NoZW1hdGhlc2lzLW9ubHktbm90LWEtcmVhbC1rZXk=",
    "GRIDGOV_HASH_KEY": "a-hash-key-for-the-test",
    "GRIDGOV_HTTPS": "1",
}


def test_check_deploy_passes_at_warning_level_with_the_documented_production_environment(tmp_path):
    result = deploy_check(**PRODUCTION, GRIDGOV_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_without_https_the_deploy_check_warns_about_hsts_and_the_redirect(tmp_path):
    result = deploy_check(**{**PRODUCTION, "GRIDGOV_HTTPS": "0"}, GRIDGOV_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_https_turns_on_the_redirect_and_hsts(tmp_path):
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GRIDGOV_", "SECRET_KEY"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "GRIDGOV_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "gridgov.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True"], result.stderr[-2000:]
