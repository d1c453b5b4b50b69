"""Feedback HTML in nbgrader's own template, without the hidden tests.

Stock nbgrader renders the autograded notebook, hidden tests and tracebacks
included (nbgrader #917). Here each test cell shows the source students were
given, what the clean run printed, and the failure message only: no traceback,
whose frames would quote the hidden lines. Long lines are wrapped so that no
message scrolls sideways. Scores come from the clean verdict.

Example:

>>> graded = feedback_notebook(notebook, outcomes)                       # doctest: +SKIP
>>> html = render(graded, spec, outcomes, notes, student_id="alice",     # doctest: +SKIP
...               assignment_id="01_forward_pass")
"""

from __future__ import annotations

import copy
import html
import os
import re
import textwrap
from importlib.metadata import distribution
from pathlib import Path

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from traitlets.config import Config

from autograder.files import link_private
from autograder.spec import HIDDEN, nbgrader_meta

WRAP = 100
# MathJax 3 (from sphinx-mathjax-offline, the copy the book uses) goes in a `mathjax/`
# folder beside each feedback page: nbgrader's template loads MathJax 2 from a CDN,
# so with no network a student saw raw $...$. The folder travels with the page when
# nbgrader's release_feedback copies the assignment's feedback folder.
MATHJAX_FOLDER = "mathjax"
MATHJAX_FILES = ("tex-chtml-full.js", "ui/safe.js", "output/chtml/fonts/woff-v2/*.woff")
_MATHJAX_BLOCK = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->",
                            re.S)
# Typeset the notebook's own text only: outputs and the grader's notes quote students,
# and `ui/safe` drops what TeX could do beyond drawing (links, styles, ids).
_MATHJAX_LOCAL = f"""<script>
window.MathJax = {{
  loader: {{load: ["ui/safe"]}},
  tex: {{inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
         displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
         processEscapes: true, processEnvironments: true, tags: "ams"}},
  options: {{ignoreHtmlClass: "tex2jax_ignore|output_area|grader-notes"}}
}};
</script>
<script defer src="{MATHJAX_FOLDER}/tex-chtml-full.js"></script>"""


def _wrap(text: str) -> str:
    lines = []
    for line in text.splitlines() or [""]:
        indent = len(line) - len(line.lstrip())
        lines += textwrap.wrap(line, WRAP, subsequent_indent=" " * (indent + 2),
                               break_long_words=True, replace_whitespace=False) or [""]
    return "\n".join(lines)


def _exporter() -> HTMLExporter:
    import nbgrader

    root = os.path.dirname(nbgrader.__file__)
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    # Students' outputs may hold HTML and scripts: the page shows them inert.
    config.HTMLExporter.sanitize_html = True
    config.HTMLExporter.extra_template_basedirs = [
        os.path.join(root, "server_extensions", "formgrader", "templates")]
    config.HTMLExporter.extra_template_paths = [os.path.join(
        root, "server_extensions", "formgrader", "static", "node_modules", "bootstrap",
        "dist", "css")]
    exporter = HTMLExporter(config=config)
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(config=config), enabled=True)
    return exporter


def feedback_notebook(notebook, outcomes):
    """The graded notebook students get back: visible tests, clean results, scores per cell."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if grade_id in outcomes:
            outcome = outcomes[grade_id]
            cell.source = HIDDEN.sub("", cell.source).rstrip() + "\n"
            cell.outputs = []
            if outcome.output.strip():
                cell.outputs.append(nbformat.v4.new_output(
                    "stream", name="stdout", text=_wrap(outcome.output)))
            if not outcome.passed:
                ename, _, evalue = outcome.message.partition(": ")
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename=ename or "Error", evalue=evalue,
                    traceback=[_wrap(outcome.message)]))
            meta["score"] = outcome.points if outcome.passed else 0.0
            meta["points"] = outcome.points
        elif meta.get("solution"):
            meta["comment"] = None
        elif cell.cell_type == "code" and "BEGIN HIDDEN TESTS" in cell.source:
            cell.source = HIDDEN.sub("", cell.source)
    return notebook


def notes_html(notes) -> str:
    """The grader's notes as one HTML block of escaped text. Notes quote student text
    (an exception's message), which must never be read as Markdown or HTML: inside an
    HTML block with no blank line, Markdown is not parsed, and every `<` is escaped."""
    items = "".join(f"<li>{html.escape(' '.join(str(n).split()))}</li>" for n in notes)
    return f"<div class=\"grader-notes\"><b>Notes from the grader</b><ul>{items}</ul></div>"


def render(graded, spec, outcomes, notes, *, student_id, assignment_id) -> str:
    """Feedback HTML (nbgrader's feedback template) of a `feedback_notebook`, with the
    grader's notes on top."""
    shown = copy.copy(graded)
    shown.cells = list(graded.cells)
    if notes:
        shown.cells.insert(0, nbformat.v4.new_markdown_cell(notes_html(notes)))
    score = sum(o.points for o in outcomes.values() if o.passed)
    resources = {"nbgrader": {
        "notebook": spec.name.removesuffix(".ipynb"), "assignment": assignment_id,
        "student": student_id, "score": score, "max_score": spec.max_score,
        "late_penalty": 0}}
    html, _ = _exporter().from_notebook_node(shown, resources=resources)
    local, found = _MATHJAX_BLOCK.subn(lambda _: _MATHJAX_LOCAL, html, count=1)
    if not found:
        raise RuntimeError("nbgrader's feedback template no longer loads MathJax as "
                           "expected: update autograder/feedback.py")
    return local


def _mathjax_files() -> list[tuple[Path, str]]:
    """(installed file, its path under the mathjax folder) for every file a page needs."""
    root = Path(distribution("sphinx-mathjax-offline").locate_file(
        "sphinx-mathjax-offline/static/mathjax"))
    found = [(path, path.relative_to(root).as_posix())
             for pattern in MATHJAX_FILES for path in sorted(root.glob(pattern))]
    if len(found) < len(MATHJAX_FILES):
        raise FileNotFoundError(f"MathJax 3 is incomplete under {root}")
    return found


def install_mathjax(folder: Path) -> None:
    """Put MathJax beside the feedback pages in `folder` (hard links: no copy on disk)."""
    for source, relative in _mathjax_files():
        link_private(source, Path(folder) / MATHJAX_FOLDER / relative)
