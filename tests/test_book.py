"""The site builds with zero warnings and works with no network at all.

The session fixture `build_log` (tests/conftest.py) builds the book once for the whole
session, shared with test_site.py (the same command as `make book`, plus `--all` so that
every page is re-read and every warning is re-emitted; the chapters' outputs come from the
execution cache, so a warm rebuild takes seconds). The tests here only read `_build/html`.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CHAPTERS = [
    "intro",
    "keras_primer",
    "01_why_recurrence",
    "02_equations",
    "03_bptt",
    "04_variants",
    "05_keras",
    "04_adding_experiment",
    "06_applications",
    "notation",
    "assignments",
    "bibliography",
]
# ipykernel >= 7.4 logs this on every kernel start (see the Makefile's `book` target).
# It is about the kernel's transport, not about the book, so it is the one line we skip.
KERNEL_NOTICE = "Kernel is running over TCP without encryption"
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


class _AssetCollector(HTMLParser):
    """Collect every URL a page loads by itself (scripts, styles, images, frames)."""

    TAGS = {
        "script": "src",
        "link": "href",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "video": "src",
        "audio": "src",
        "embed": "src",
    }

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = self.TAGS.get(tag)
        values = dict(attrs)
        if attr and values.get(attr):
            self.assets.append((tag, values[attr] or ""))


def _assets(page: Path) -> list[tuple[str, str]]:
    parser = _AssetCollector()
    parser.feed(page.read_text(encoding="utf8"))
    return parser.assets


def test_build_has_no_warnings_or_errors(build_log: str) -> None:
    problems = [
        line
        for line in build_log.splitlines()
        if ("WARNING" in line or "ERROR" in line) and KERNEL_NOTICE not in line
    ]
    assert not problems, (
        "expected a build without warnings or errors; got:\n"
        + "\n".join(problems)
        + "\nFix them in book/*.md, _config.yml or _toc.yml (stderr in a code cell is an "
        "error: import TensorFlow through rnncourse.quiet_tf)."
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_page_of_the_toc_is_built(build_log: str, name: str) -> None:
    page = HTML / "book" / f"{name}.html"
    assert page.is_file(), f"expected {page} after the build; is book/{name}.md in _toc.yml?"


def test_no_page_loads_anything_from_another_host(build_log: str) -> None:
    remote = [
        f"{page.relative_to(HTML)}: <{tag}> {url}"
        for page in sorted(HTML.rglob("*.html"))
        for tag, url in _assets(page)
        if REMOTE.match(url)
    ]
    assert not remote, (
        "expected every script, stylesheet and image to be served from _build/html "
        "(the site must work offline); these point to another host:\n" + "\n".join(remote)
    )


def test_no_stylesheet_imports_anything_from_another_host(build_log: str) -> None:
    pattern = re.compile(r"""(@import\s+(url\()?|url\()\s*['"]?(https?:)?//""", re.IGNORECASE)
    remote = [
        str(css.relative_to(HTML))
        for css in sorted(HTML.rglob("*.css"))
        if pattern.search(css.read_text(encoding="utf8", errors="replace"))
    ]
    assert not remote, f"expected no remote fonts or @imports in the CSS; found in {remote}"


def test_mathjax_is_served_from_disk(build_log: str) -> None:
    page = HTML / "book" / "02_equations.html"
    scripts = [url for tag, url in _assets(page) if tag == "script" and "mathjax" in url.lower()]
    assert scripts, f"expected a MathJax <script> in {page.name}; is sphinx-mathjax-offline loaded?"
    for url in scripts:
        assert not REMOTE.match(url), f"expected a local MathJax, got {url}"
        local = (page.parent / url.split("?")[0]).resolve()
        assert local.is_file(), f"{page.name} loads MathJax from {url}, but {local} does not exist"
    fonts = HTML / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert any(fonts.glob("*.woff")), f"expected MathJax's fonts in {fonts}"


def test_equations_are_ready_for_mathjax(build_log: str) -> None:
    text = (HTML / "book" / "02_equations.html").read_text(encoding="utf8")
    display = re.findall(
        r'<div class="math notranslate nohighlight"[^>]*>(.*?)</div>', text, flags=re.DOTALL
    )
    assert display, 'expected display equations (<div class="math ...">) in 02_equations.html'
    assert any(r"\[" in block and "h_t" in block for block in display), (
        "expected the RNN step equation wrapped in \\[ ... \\] for MathJax; got "
        f"{display[0][:300]!r}"
    )
    assert r"\(" in text, "expected inline maths wrapped in \\( ... \\)"
    assert "$$" not in text, "found raw $$ in the HTML: is the dollarmath extension enabled?"
    assert "processHtmlClass" in text, "expected MyST's MathJax configuration in the page"


def test_intersphinx_is_not_used() -> None:
    from jupyter_book.config import get_final_config

    config_text = (ROOT / "_config.yml").read_text(encoding="utf8")
    assert "intersphinx_mapping" not in config_text, (
        "intersphinx fetches remote inventories at build time: remove intersphinx_mapping"
    )
    sphinx_config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml",
        cli_config={"latex_individualpages": False},
        sourcedir=ROOT,
    )
    assert "sphinx.ext.intersphinx" not in sphinx_config["extensions"], (
        "expected _config.yml's sphinx.config.extensions to leave out sphinx.ext.intersphinx"
    )
    assert not sphinx_config.get("intersphinx_mapping"), "expected no intersphinx_mapping"


def test_search_page_and_index_exist(build_log: str) -> None:
    assert (HTML / "search.html").is_file(), "expected _build/html/search.html"
    index = HTML / "searchindex.js"
    assert index.is_file(), "expected _build/html/searchindex.js (the offline search index)"
    assert "bptt" in index.read_text(encoding="utf8").lower(), (
        "expected the chapters' words (e.g. 'bptt') in the search index"
    )


def test_chapter_pages_have_launch_download_and_repository_buttons(build_log: str) -> None:
    text = (HTML / "book" / "02_equations.html").read_text(encoding="utf8")
    assert "https://mybinder.org/v2/gh/rnncourse/rnncourse/" in text, "expected a Binder link"
    assert "colab.research.google.com" not in text, (
        "Colab cannot open MyST Markdown chapters: expected no Colab link"
    )
    assert "btn-download-source-button" in text, "expected the download button"
    assert 'href="https://github.com/rnncourse/rnncourse"' in text, "expected the repository button"


def test_assignments_page_offers_every_student_notebook(build_log: str) -> None:
    page = (HTML / "book" / "assignments.html").read_text(encoding="utf-8")
    links = re.findall(r'href="\.\./(_downloads/[^"]+\.ipynb)"', page)
    sources = sorted(p.name for p in (ROOT / "notebooks").glob("*/*.ipynb"))
    assert sorted(Path(link).name for link in links) == sources
    for link in links:
        notebook = json.loads((HTML / link).read_text(encoding="utf-8"))
        text = "".join("".join(cell["source"]) for cell in notebook["cells"])
        # The student version: the solutions are gone, and nothing hidden is left.
        assert "raise NotImplementedError()" in text, link
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS"):
            assert marker not in text, (link, marker)
