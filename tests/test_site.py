"""The built site works in a real browser, and publishes no solutions or hidden tests.

Headless Chromium (Debian's `chromium` + `chromium-driver`, installed by `make browser`)
opens every page of `_build/html`, served over HTTP from a thread on 127.0.0.1 (file://
URLs break the search page). Each page is visited once by the `visits` fixture, which
records what the tests below check:

* the browser's console: no SEVERE entries (failed loads, uncaught JavaScript errors);
* maths: once MathJax has finished, every `.math` element holds an `<mjx-container>`, and
  no formula has a TeX error or an undefined macro;
* images: every `<img>` is `complete` with a `naturalWidth > 0`;
* links: every link to the same host answers 200, and its `#anchor` is an id on the target.

A screenshot of every page goes to `_build/site-screenshots/` for a human to look at.
The site comes from the session's single build (`book_build` in conftest.py).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import tarfile
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from leaks import leaked, readable, secret_lines

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "_build" / "site-screenshots"
# Explicit paths, so Selenium never runs Selenium Manager (which would download a driver).
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Containers often have a tiny /dev/shm; Chromium crashes tabs when it fills up.
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
]
PAGE_TIMEOUT = 60  # seconds for one page to load
MATHJAX_TIMEOUT = 30  # seconds for MathJax to typeset one page
SEARCH_WORD = "gradient"
# nbgrader's markers. None of them may reach the published site (HTML, JS, the .md/.ipynb
# sources in _sources, the student notebooks in _downloads, archives of them).
LEAK = re.compile(rb"(BEGIN|END)\s+(SOLUTION|HIDDEN\s+TESTS)")
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")


# --------------------------------------------------------------------------- the server


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """Serve the built site on a free port of 127.0.0.1; yield its base URL (ends in /)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven through /usr/bin/chromedriver."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found: run `make browser` (it installs Debian's "
            "chromium and chromium-driver; `make test` does it for you)",
            pytrace=False,
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: run `make venv` (it is in the [dev] extra)")

    profile = tempfile.mkdtemp(prefix="rnncourse-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(PAGE_TIMEOUT)
    driver.set_script_timeout(MATHJAX_TIMEOUT + 20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# Resolves with MathJax's state once it has typeset the page ("absent" without MathJax).
_WAIT_FOR_MATHJAX = """
const done = arguments[arguments.length - 1];
const deadline = Date.now() + arguments[0] * 1000;
const wanted = document.querySelector('script[src*="mathjax" i]') !== null;
(function poll() {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) {
    mj.startup.promise.then(() => done("ready"), (e) => done("failed: " + e));
  } else if (!wanted) {
    done("absent");
  } else if (Date.now() > deadline) {
    done("timed out: MathJax never started");
  } else {
    setTimeout(poll, 50);
  }
})();
"""

# Loads lazy images too, then reports every image that did not load.
_WAIT_FOR_IMAGES = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
images.forEach((img) => { if (img.loading === "lazy") img.loading = "eager"; });
const settle = (img) => img.complete ? null : new Promise((resolve) => {
  img.addEventListener("load", resolve); img.addEventListener("error", resolve);
  setTimeout(resolve, 15000);
});
Promise.all(images.map(settle)).then(() => done(
  images.filter((img) => !(img.complete && img.naturalWidth > 0))
        .map((img) => img.getAttribute("src") || img.outerHTML.slice(0, 200))));
"""

_READ_PAGE = r"""
const math = Array.from(document.querySelectorAll(".math.notranslate"));
return {
  ids: Array.from(document.querySelectorAll("[id]"), (e) => e.id)
         .concat(Array.from(document.querySelectorAll("a[name]"), (a) => a.name)),
  links: Array.from(document.querySelectorAll("a[href]"), (a) => a.href),
  math: math.length,
  unrendered: math.filter((e) => !e.querySelector("mjx-container"))
                  .map((e) => e.textContent.trim().slice(0, 120)),
  rendered: document.querySelectorAll("mjx-container").length,
  tex_errors: texErrors(),
};
// TeX errors (<merror>) and undefined macros (MathJax's noundefined shows them as red text).
function texErrors() {
  const mj = window.MathJax;
  if (!(mj && mj.startup && mj.startup.document && mj.startup.toMML)) return [];
  const found = [];
  for (const item of mj.startup.document.math) {
    const mml = mj.startup.toMML(item.root);
    const where = " in " + JSON.stringify(String(item.math).slice(0, 80));
    for (const m of mml.matchAll(/<merror(?:[^>]*data-mjx-error="([^"]*)")?[^>]*>/g)) {
      found.push("TeX error " + JSON.stringify(m[1] || "") + where);
    }
    for (const m of mml.matchAll(/<mtext mathcolor="red">(\\[^<]*)<\/mtext>/g)) {
      found.push("undefined macro " + m[1] + where);
    }
  }
  return found;
}
"""


@dataclass
class Visit:
    """What the browser saw on one page."""

    page: str  # path relative to the site root, e.g. "book/02_equations.html"
    console_errors: list[str] = field(default_factory=list)
    mathjax: str = ""
    math: int = 0
    rendered: int = 0
    unrendered: list[str] = field(default_factory=list)
    tex_errors: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


def _pages(site: Path) -> list[str]:
    """Every HTML page of the site (not the theme's template fragments in _static)."""
    return sorted(
        page.relative_to(site).as_posix()
        for page in site.rglob("*.html")
        if not page.relative_to(site).parts[0].startswith("_")
    )


def _visit(driver, base: str, page: str) -> Visit:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # drop anything left over from the previous page
    driver.get(base + page)
    WebDriverWait(driver, PAGE_TIMEOUT).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    visit = Visit(page=page)
    visit.mathjax = driver.execute_async_script(_WAIT_FOR_MATHJAX, MATHJAX_TIMEOUT)
    visit.broken_images = driver.execute_async_script(_WAIT_FOR_IMAGES)
    seen = driver.execute_script(_READ_PAGE)
    visit.ids = set(seen["ids"])
    visit.links = seen["links"]
    visit.math, visit.rendered = seen["math"], seen["rendered"]
    visit.unrendered, visit.tex_errors = seen["unrendered"], seen["tex_errors"]
    visit.console_errors = [
        entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / (page.replace("/", "__")[: -len(".html")] + ".png")))
    return visit


@pytest.fixture(scope="module")
def visits(site: Path, server: str, browser) -> dict[str, Visit]:
    """Open every page once in the browser; map each page's path to what was seen."""
    pages = _pages(site)
    assert "index.html" in pages and "search.html" in pages, f"unexpected site pages: {pages}"
    return {page: _visit(browser, server, page) for page in pages}


# --------------------------------------------------------------------------- browser tests


def test_no_page_logs_a_console_error(visits: dict[str, Visit], server: str) -> None:
    # Jupyter Book's index.html is a bare <meta http-equiv="Refresh"> stub with no <link
    # rel="icon">, so Chromium asks the server root for /favicon.ico. Once published under
    # https://<owner>.github.io/rnncourse/ that URL is not ours; the real pages declare
    # _static/favicon.svg (html.favicon in _config.yml).
    host_favicon = f"{server}favicon.ico "
    errors = [
        f"{v.page}: {msg}"
        for v in visits.values()
        for msg in v.console_errors
        if not (v.page == "index.html" and msg.startswith(host_favicon))
    ]
    assert not errors, (
        "expected no SEVERE entries in the browser console; got:\n"
        + "\n".join(errors)
        + "\n(a failed load names its URL; look at the page's screenshot in "
        f"{SCREENSHOTS.relative_to(ROOT)})"
    )


def test_maths_is_rendered_by_mathjax_on_every_page_with_maths(visits: dict[str, Visit]) -> None:
    with_maths = [v for v in visits.values() if v.math]
    assert with_maths, "expected maths (.math elements) on at least one page, e.g. 02_equations"
    problems = []
    for v in with_maths:
        if v.mathjax != "ready":
            problems.append(f"{v.page}: {v.math} maths elements, but MathJax is {v.mathjax!r}")
        elif not v.rendered or v.unrendered:
            problems.append(
                f"{v.page}: {len(v.unrendered)} of {v.math} maths elements have no "
                f"<mjx-container>, e.g. {v.unrendered[:3]}"
            )
        if v.tex_errors:
            problems.append(f"{v.page}: MathJax TeX errors {v.tex_errors[:5]}")
    assert not problems, (
        "expected every equation typeset by MathJax (an <mjx-container> in each .math "
        "element, no TeX errors, no undefined macros); got:\n" + "\n".join(problems)
    )


def test_every_image_loads(visits: dict[str, Visit]) -> None:
    broken = [f"{v.page}: {src}" for v in visits.values() for src in v.broken_images]
    assert not broken, (
        "expected every <img> to load (complete and naturalWidth > 0); these did not:\n"
        + "\n".join(broken)
    )


class _IdCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


def test_every_internal_link_and_anchor_resolves(visits: dict[str, Visit], server: str) -> None:
    host = urlsplit(server).netloc
    fetched: dict[str, tuple[int, bytes]] = {}

    def fetch(path: str) -> tuple[int, bytes]:
        if path not in fetched:
            try:
                with urllib.request.urlopen(server.rstrip("/") + path, timeout=30) as response:
                    fetched[path] = (response.status, response.read())
            except urllib.error.HTTPError as error:
                fetched[path] = (error.code, b"")
        return fetched[path]

    def ids_of(path: str, body: bytes) -> set[str]:
        page = path.lstrip("/")
        if page in visits:  # the ids the reader's browser has, after the page's scripts
            return visits[page].ids
        parser = _IdCollector()
        parser.feed(body.decode("utf8", errors="replace"))
        return parser.ids

    broken = []
    for v in visits.values():
        for href in dict.fromkeys(v.links):
            url = urlsplit(href)
            if url.scheme not in ("http", "https") or url.netloc != host:
                continue
            path = unquote(url.path) or "/"
            if path.endswith("/"):
                path += "index.html"
            status, body = fetch(path)
            if status != 200:
                broken.append(f"{v.page}: {href} -> HTTP {status}")
            elif url.fragment and path.endswith(".html"):
                anchor = unquote(url.fragment)
                if anchor not in ids_of(path, body):
                    broken.append(f"{v.page}: {href} -> no id {anchor!r} on {path.lstrip('/')}")
    assert not broken, (
        "expected every link to this site to resolve, and every #anchor to name an id on its "
        "target page; these do not:\n" + "\n".join(broken)
    )


def test_search_page_finds_a_word_of_the_chapters(browser, server: str) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{server}search.html?q={SEARCH_WORD}")
    results = "return document.querySelectorAll('#search-results ul.search li a')"
    try:
        WebDriverWait(browser, 30).until(lambda d: len(d.execute_script(results)) > 0)
    except TimeoutException:
        status = browser.execute_script(
            "const s = document.querySelector('#search-results'); return s && s.innerText"
        )
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        pytest.fail(
            f"expected search.html?q={SEARCH_WORD} to list at least one page within 30 s; the "
            f"results area says {status!r}; console errors: {errors}. Is searchindex.js built "
            "and served over HTTP?"
        )
    hrefs = [a.get_attribute("href") for a in browser.execute_script(results)]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"search-{SEARCH_WORD}.png"))
    assert any("/book/" in href for href in hrefs), (
        f"expected a chapter among the results for {SEARCH_WORD!r}; got {hrefs}"
    )


# --------------------------------------------------------------------------- no leaks


def _archive_members(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every file in a .zip or .tar* archive."""
    if path.name.endswith(".zip") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield info.filename, archive.read(info)
    elif path.name.endswith(ARCHIVE_SUFFIXES[1:]) and tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is not None:
                    yield member.name, handle.read()


def find_leaks(root: Path, lines: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Scan every file under `root` (and inside its archives) for nbgrader's markers and
    for solution and hidden-test lines (`tests/leaks.py`; default: the course's notebooks).

    Returns the number of files scanned and one line per hit: where, and what.
    """
    lines = secret_lines() if lines is None else lines
    scanned, hits = 0, []

    def scan(where: str, data: bytes) -> None:
        for match in LEAK.finditer(data):
            start = data.rfind(b"\n", 0, match.start()) + 1
            line = data[start : match.end() + 40].split(b"\n")[0]
            hits.append(f"{where}: {line.decode('utf8', errors='replace').strip()[:160]}")
        found = {hit for text in readable(where, data) for hit in leaked(text, lines)}
        hits.extend(f"{where}: line of {hit[:150]}" for hit in sorted(found))

    for dirpath, _dirnames, filenames in os.walk(root):  # dotfiles included
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            where = path.relative_to(root).as_posix()
            scanned += 1
            scan(where, path.read_bytes())
            if path.name.endswith(ARCHIVE_SUFFIXES):
                for member, data in _archive_members(path):
                    scanned += 1
                    scan(f"{where}!{member}", data)
    return scanned, hits


def test_site_publishes_no_solution_or_hidden_test(site: Path) -> None:
    lines = secret_lines()
    assert len(lines) > 40, f"expected the course's secret lines; found {len(lines)}"
    scanned, hits = find_leaks(site, lines)
    assert scanned > 50, f"expected the whole site under {site}; scanned only {scanned} files"
    assert not hits, (
        f"expected no nbgrader marker and no solution or hidden-test line anywhere in {site} "
        "(pages, _sources, _downloads, the search index, archives); found:\n"
        + "\n".join(hits[:50])
        + "\nPublish only the student notebooks made by `nbgrader generate_assignment`, "
        "never the sources in notebooks/, and teach a graded function in the chapters "
        "without its code (README: 'Writing a chapter')."
    )


def test_leak_scan_finds_markers_in_pages_notebooks_and_archives(tmp_path: Path) -> None:
    (tmp_path / "_downloads" / "abc").mkdir(parents=True)
    (tmp_path / "clean.html").write_text("<p>BEGIN here, then the SOLUTION of 2.1</p>")
    (tmp_path / "page.html").write_text('<span class="c1">### BEGIN SOLUTION</span>')
    (tmp_path / "_downloads" / "abc" / "lstm.ipynb").write_text(
        '{"source": ["### END HIDDEN TESTS\\n"]}'
    )
    with zipfile.ZipFile(tmp_path / "_downloads" / "all.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gru/gru.ipynb", '"### BEGIN HIDDEN TESTS"')
    scanned, hits = find_leaks(tmp_path, lines={})
    assert scanned == 5, f"expected 4 files plus 1 archive member scanned; got {scanned}"
    where = sorted(hit.split(":")[0] for hit in hits)
    planted = ["_downloads/abc/lstm.ipynb", "_downloads/all.zip!gru/gru.ipynb", "page.html"]
    assert where == planted, (
        f"expected one hit in each planted file and none in clean.html; got {hits}"
    )


def test_leak_scan_finds_secret_lines_however_they_are_shown(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks" / "01_demo"
    notebooks.mkdir(parents=True)
    secret = "return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)"
    given = "hs = my_forward_pass(x, h0, kernel, recurrent_kernel, bias)"
    answer = f"### BEGIN SOLUTION\n{given}\n{secret}\nreturn h\n### END SOLUTION\n"
    test = f"{given}\n### BEGIN HIDDEN TESTS\nassert check_every_hidden_case_here(1)\n"
    (notebooks / "demo.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": answer},
        {"cell_type": "code", "source": test + "### END HIDDEN TESTS\n"},
    ]}))
    lines = secret_lines(tmp_path / "notebooks")
    hidden = "01_demo (hidden-test): assert check_every_hidden_case_here(1)"
    assert list(lines.values()) == [f"01_demo (solution): {secret}", hidden], (
        "expected the two secret lines: `return h` is too short, and the given line is "
        f"shown outside the solution; got {lines}"
    )

    site = tmp_path / "site"
    (site / "_sources").mkdir(parents=True)
    # Pygments splits code into spans, and escapes what HTML would read as markup.
    highlighted = ('<span class="k">return</span> <span class="n">np</span><span class="o">.'
                   '</span><span class="n">tanh</span>(x_t <span class="o">@</span> kernel '
                   '&#43; h_prev @ recurrent_kernel + bias)')
    (site / "page.html").write_text(f"<pre>{highlighted}</pre>")
    (site / "_sources" / "ch.ipynb").write_text(json.dumps({"source": [f"  {secret}\n"]}))
    (site / "given.html").write_text(f"<pre>{given}</pre><p>return h</p>")
    (site / "tests.html").write_text("<p>assert check_every_hidden_case_here(1)</p>")
    _, hits = find_leaks(site, lines)
    assert sorted(hit.split(":")[0] for hit in hits) == [
            "_sources/ch.ipynb", "page.html", "tests.html"], (
        f"expected the secret line found in the page and the notebook, not the given line; "
        f"got {hits}"
    )
