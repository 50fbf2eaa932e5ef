"""One design system (docs/ui.md): every page is styled by the stylesheets base.html lists, and
no template carries inline style, inline script or an on* handler (the Content-Security-Policy
allows only the site's own files: docs/security.md). Also: the one pager, the icons, and the
status and slip colours that mean the same on every page."""

import re
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from funding.models.reports import ReportStatus
from petitions.models import Colour, Status

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
SITE_CSS = ROOT / "static" / "gridgov" / "site.css"
SPRITE = ROOT / "static" / "vendor" / "lucide" / "sprite.svg"

COMMENTS = re.compile(r"\{% comment %\}.*?\{% endcomment %\}|\{#.*?#\}", re.S)
STATIC_HREF = re.compile(r"""\{% static ['"]([^'"]+)['"] %\}""")
STYLESHEET = re.compile(r"<link\b[^>]*\brel=[\"']?stylesheet[^>]*>", re.I)
HREF = re.compile(r"""\bhref=(["'])(.*?)\1""")

# What the CSP refuses, as it appears in a template's source.
INLINE = {
    "a style attribute": re.compile(r"<[a-zA-Z][^>]*?(?<![\w-])style\s*=", re.S),
    "a <style> element": re.compile(r"<style\b", re.I),
    "an inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "an on* event handler": re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.S),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def source(path: Path) -> str:
    return COMMENTS.sub("", path.read_text())


def stylesheets(text: str) -> list[str]:
    found = []
    for tag in STYLESHEET.findall(text):
        href = HREF.search(tag).group(2)
        static = STATIC_HREF.search(href)
        found.append(static.group(1) if static else href.removeprefix("/static/"))
    return found


def base_stylesheets() -> list[str]:
    return stylesheets(source(TEMPLATES / "base.html"))


def test_no_template_has_inline_style_inline_script_or_an_event_handler():
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in templates()
        for what, pattern in INLINE.items()
        if pattern.search(source(path))
    ]
    hint = "use a class from site.css or a data- attribute read by static/gridgov/ui.js:\n"
    assert not found, hint + "\n".join(found)


def test_the_checks_would_see_each_kind_of_inline_code():
    samples = {
        "a style attribute": '<td class="x" style="width: 3%">',
        "a <style> element": "<style>body{}</style>",
        "an inline <script>": "<script>alert(1)</script>",
        "an on* event handler": '<select name="a" onchange="this.form.submit()">',
        "a javascript: URL": '<a href="javascript:history.back()">',
    }
    for what, text in samples.items():
        assert INLINE[what].search(text), what
    allowed = '<script src="/static/x.js" defer></script><span data-colour="#fff" class="tag">'
    assert not any(pattern.search(allowed) for pattern in INLINE.values())


def test_base_lists_the_sites_stylesheets_once_with_the_design_system_last():
    listed = base_stylesheets()
    assert listed[-1] == "gridgov/site.css"
    assert len(listed) == len(set(listed))
    for name in listed:
        assert (ROOT / "static" / name).exists() or name.startswith("leaflet/"), name


def test_no_template_links_a_stylesheet_that_base_does_not_list():
    allowed = set(base_stylesheets())
    found = [
        f"{path.relative_to(TEMPLATES)}: {name}"
        for path in templates()
        if path.name != "base.html"
        # The API docs are Swagger UI's own page (drf-spectacular's template without its <style>).
        and path.relative_to(TEMPLATES).parts[0] != "drf_spectacular"
        for name in stylesheets(source(path))
        if name not in allowed
    ]
    # {% leaflet_css %} writes its own <link>s: base.html lists Leaflet's stylesheets instead.
    found += [f"{path.relative_to(TEMPLATES)}: leaflet_css" for path in templates() if "leaflet_css" in source(path)]
    assert not found, "\n".join(found)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("center", "/appeals/inbox/"),
        ("center", "/appeals/supervision/"),
        ("center", "/registry/residents/"),
        ("center", "/registry/map/"),
        ("center", "/visits/"),
        ("center", "/funding/"),
        ("zhongxin", "/appeals/queue/"),
    ],
)
def test_a_rendered_page_links_only_bases_stylesheets_and_has_no_style_attribute(people, client_for, who, url):
    response = client_for(getattr(people, who)).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    allowed = {f"/static/{name}" for name in base_stylesheets()}
    linked = {HREF.search(tag).group(2) for tag in STYLESHEET.findall(page)}
    assert linked == allowed
    assert not INLINE["a style attribute"].search(page) and "<style" not in page


def test_the_one_pager_keeps_the_other_parameters_and_changes_only_the_page():
    request = RequestFactory().get("/appeals/all/", {"status": "closed", "module": "7", "page": "2"})
    page = Paginator(range(120), 50).get_page(2)
    html = render_to_string("gridgov/_pager.html", {"page": page}, request=request)
    assert 'href="?status=closed&amp;module=7&amp;page=1"' in html
    assert 'href="?status=closed&amp;module=7&amp;page=3"' in html
    assert "Page 2 of 3 · 120 in all" in html


def test_the_pager_says_how_many_rows_even_on_one_page_and_nothing_without_a_page():
    request = RequestFactory().get("/")
    one = render_to_string("gridgov/_pager.html", {"page": Paginator(range(22), 50).get_page(1)}, request=request)
    assert "Page 1 of 1 · 22 in all" in one and "href" not in one
    assert render_to_string("gridgov/_pager.html", {"page": None}, request=request).strip() == ""


def test_every_pager_of_the_templates_is_the_one_partial():
    own = [
        str(path.relative_to(TEMPLATES))
        for path in templates()
        if path.name != "_pager.html"
        and re.search(r"previous_page_number|next_page_number|class=\"pager", source(path))
    ]
    assert not own, own


def test_every_icon_a_template_uses_is_in_the_vendored_sprite():
    sprite = SPRITE.read_text()
    used = {name for path in templates() for name in re.findall(r"""\{% icon ["']([\w-]+)["']""", source(path))}
    assert used
    assert not {name for name in used if f'<symbol id="{name}"' not in sprite}
    assert (SPRITE.parent / "LICENSE").exists()


def test_each_appeal_status_report_status_and_slip_colour_has_its_chip_colour():
    css = SITE_CSS.read_text()
    statuses = {s.value for s in Status} | {s.value for s in ReportStatus}
    missing = [s for s in statuses if not re.search(rf"\.status-{s}\b[^{{]*\{{", css)]
    missing += [c.value for c in Colour if c.value and f".colour-{c.value}" not in css]
    assert not missing, missing
    # The four slip colours are tokens, defined once.
    for colour in ("blue", "yellow", "orange", "red"):
        assert len(re.findall(rf"--slip-{colour}:", css)) == 1
