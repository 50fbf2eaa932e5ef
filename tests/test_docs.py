"""The project documents itself: the domain is in docs/domain.md, its words in docs/glossary.md,
and no file points outside the repository for either."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", ".git", "node_modules", "test-output", "static/vendor", "locale"}
OUTSIDE = ("/".join(("..", "shared")), "design.md")  # the design notes the project grew from


def project_files():
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if any(relative == s or relative.startswith(f"{s}/") for s in SKIP):
            continue
        if path.is_file() and path.suffix in {".py", ".md", ".html", ".js", ".css", ".txt", ".toml", ".cfg"}:
            yield relative, path.read_text(encoding="utf-8", errors="replace")


def test_no_file_of_the_project_points_at_design_notes_outside_it():
    found = [
        (name, word)
        for name, text in project_files()
        for word in OUTSIDE
        if word in text.lower() and name != "tests/test_docs.py"
    ]
    assert found == []


def test_every_section_of_the_domain_doc_that_the_code_cites_exists():
    domain = (ROOT / "docs/domain.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (§\d+) ", domain, flags=re.M))
    assert sections == {f"§{n}" for n in range(1, 10)}
    cited = {
        (name, section)
        for name, text in project_files()
        for section in re.findall(r"domain\.md(?:\]\(domain\.md\))? (§\d+)", text)
    }
    assert len(cited) > 20  # the code, the docs and the README cite it
    assert {(name, s) for name, s in cited if s not in sections} == set()


def test_the_glossary_names_the_words_the_pages_use_and_the_readme_points_at_both_docs():
    glossary = (ROOT / "docs/glossary.md").read_text(encoding="utf-8")
    for english, chinese in [
        ("close a slip", "销号"),
        ("name (of a person)", "姓名"),
        ("households (a count)", "户数"),
        ("reports filed (grid staff)", "上报件数"),
        ("system default rules", "系统默认规则"),
        ("urgent (same working day)", "紧急（限当日办理）"),
    ]:
        row = next(line for line in glossary.splitlines() if line.startswith(f"| {english}"))
        assert chinese in row, row
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/domain.md" in readme and "docs/glossary.md" in readme


def test_the_catalogue_gives_each_meaning_of_a_shared_english_word_its_own_chinese_word():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.pgettext("supervision slip", "Close") == "销号"
        assert translation.gettext("Close") == "结账"  # an accounting month, and only that
        assert translation.gettext("Name") == "姓名"
        assert translation.pgettext("name of a thing", "Name") == "名称"
        assert translation.pgettext("count", "Households") == "户数"
        assert translation.gettext("Households") == "住户"
        assert translation.gettext("Urgent (same working day)") == "紧急（限当日办理）"
        assert translation.gettext("Reports filed") == "上报件数"
