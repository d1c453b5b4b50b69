"""Pairs of submissions whose answers are suspiciously alike (MOSS-style winnowing).

Each student's answer to an assignment is the code they wrote: their answer cells
(nbgrader `solution: true`, matched by grade_id, as `submissions.merge` rebuilds them,
retyped answers included) and the code cells they added. `copydetect` (the winnowing
algorithm of MOSS, Schleimer, Wilkerson and Aiken 2003) tokenizes that code with
Pygments, replaces every name by one letter and drops comments and whitespace, so renamed
variables, changed comments and reordered functions change nothing. Every run of at least
`NOISE_T` characters of that filtered code that also appears in the released notebook
(signatures, docstrings, the given cells, the visible tests: the boilerplate) is removed
first, so a notebook left unanswered matches nothing.

A pair's similarity is the larger of the two shares of answer code found in the other
submission (MOSS's two percentages; the larger one catches a copy padded with code of its
own). A pair is listed when its similarity is at least `THRESHOLD` and at least
`MIN_MATCHED` characters of filtered code match, so two one-line answers that anybody would
write the same way are not flagged.

Every k-gram is kept (window 1), so the result does not depend on Python's per-process
string hashing: the same submissions give the same pairs on every run. No student code
runs; copydetect only tokenizes it.

A listed pair is a reason to look, never a verdict: short exercises have few ways to be
written, and the side-by-side view (`render_html`) shows what matched.

Example:

>>> pairs = similar_pairs(Path("submitted"))                           # doctest: +SKIP
>>> [(p.assignment, p.student_a, p.student_b) for p in pairs]          # doctest: +SKIP
[('01_forward_pass', 'ada', 'copycat'), ('02_bptt', 'ada', 'copycat')]
>>> page = render_html(pairs, scores=lms_export.read_grades(Path("graded")))  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import html
import io
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.spec import load_assignment, nbgrader_meta, strip_solution
from autograder.submissions import BadNotebook, discover, locate, merge, read_notebook

# Calibrated on tests/similarity/ (tests/test_similarity.py prints the margins): disguised
# copies score 0.98-0.99; independent correct solutions in other styles at most 0.14; one
# line that anybody writes the same way scores 0.90 but shares only 54 characters.
THRESHOLD = 0.5
NOISE_T = 25            # copydetect's k (its default): shorter matching runs never count
MIN_MATCHED = 100       # characters of filtered code (about three lines) a listed pair shares
MAX_ANSWER_CHARS = 100_000   # per student and assignment; the rest is not compared
MAX_VIEWS = 100         # side-by-side views in a page (the table lists every pair)


@dataclass(frozen=True)
class SimilarPair:
    """Two students' answers to one assignment, and how alike they are.

    Attributes:
        assignment: the assignment id.
        student_a, student_b: the two student ids (`student_a < student_b`).
        similarity: from 0 to 1, the larger share of either answer (in filtered
            characters, boilerplate excluded) that is also in the other one.
        overlaps: answer cell grade_id -> the similarity of that cell alone (0 when
            either student left it unanswered).
        matched: characters of filtered code the two answers share.
        text_a, text_b: the answers as compared: each cell after a `# <grade_id>` line.
        spans_a, spans_b: `(start, end)` character ranges of `text_a` / `text_b` that
            match the other answer (for highlighting).
    """

    assignment: str
    student_a: str
    student_b: str
    similarity: float
    overlaps: dict[str, float]
    matched: int
    text_a: str
    text_b: str
    spans_a: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    spans_b: tuple[tuple[int, int], ...] = field(default=(), repr=False)


def released_notebooks(assignment_id: str) -> list[tuple[str, nbformat.NotebookNode]]:
    """The student version of an assignment's notebooks, derived from the source as
    `nbgrader generate_assignment` makes it: every solution replaced by
    `# YOUR CODE HERE` / `raise NotImplementedError()` (`spec.strip_solution`, which
    `submissions.merge` also uses for an unanswered cell) and hidden tests removed.

    Args:
        assignment_id: e.g. "01_forward_pass".

    Returns:
        `(file name, notebook)` for each notebook of the assignment.
    """
    out = []
    for spec in load_assignment(assignment_id).notebooks:
        visible = {test.grade_id: test.visible_source for test in spec.tests}
        notebook = copy.deepcopy(spec.notebook)
        for cell in notebook.cells:
            meta = nbgrader_meta(cell)
            if meta.get("solution"):
                cell.source = strip_solution(cell.source)
            elif meta.get("grade_id") in visible:
                cell.source = visible[meta["grade_id"]]
        out.append((spec.name, notebook))
    return out


def released_code(assignment_id: str, released: Path | None = None) -> list[str]:
    """The boilerplate of an assignment: what every student starts from.

    That is each code cell of the released (student) notebooks, and the released answer
    cells joined as `answers` joins a student's (so that the seams between two
    unanswered cells are boilerplate too).

    Args:
        assignment_id: e.g. "01_forward_pass".
        released: a folder written by `python -m autograder release`, whose
            `<assignment_id>/*.ipynb` are read; by default `released_notebooks`.

    Returns:
        A list of code texts.
    """
    if released is not None:
        paths = sorted((Path(released) / assignment_id).glob("*.ipynb"))
        notebooks = {p.name: nbformat.read(p, as_version=4) for p in paths}
    else:
        notebooks = dict(released_notebooks(assignment_id))
    specs = load_assignment(assignment_id).notebooks
    blank = {}
    for spec in specs:
        if spec.name in notebooks:
            prefix = f"{spec.name}:" if len(specs) > 1 else ""
            blank |= {prefix + label: source
                      for label, source in merge(notebooks[spec.name], spec).student_cells}
    return [c.source for nb in notebooks.values() for c in nb.cells
            if c.cell_type == "code"] + [_joined(blank)]


def answers(submitted: Path, only: list[str] | None = None,
            notes: list[str] | None = None) -> dict[str, dict[str, dict[str, str]]]:
    """Every student's answer cells, read defensively from nbgrader's layout.

    Args:
        submitted: `SUBMITTED/<student>/<assignment>/<notebook>.ipynb`, as `autograde` reads.
        only: keep only these assignment ids.
        notes: if given, one line is appended for every notebook left out (missing,
            broken, unknown assignment) and every answer cut at `MAX_ANSWER_CHARS`.

    Returns:
        `{assignment: {student: {label: source}}}`, where a label is an answer cell's
        grade_id (with the notebook name if the assignment has several) or
        "added after <grade_id>" for a code cell the student added.
    """
    notes = [] if notes is None else notes
    found: dict[str, dict[str, dict[str, str]]] = {}
    specs: dict[str, object] = {}
    for job in discover(Path(submitted), only):
        if job.assignment_id not in specs:
            try:
                specs[job.assignment_id] = load_assignment(job.assignment_id)
            except ValueError as err:
                specs[job.assignment_id] = None
                notes.append(f"{job.assignment_id}: skipped: {err}")
        spec = specs[job.assignment_id]
        if spec is None:
            continue
        cells: dict[str, str] = {}
        taken: set[str] = set()
        for notebook in spec.notebooks:
            where = f"{job.student_id}/{job.assignment_id}/{notebook.name}"
            path, _ = locate(Path(job.folder), notebook, taken)
            if path is None:
                notes.append(f"{where}: missing, left out")
                continue
            taken.add(path.name)
            try:
                merged = merge(read_notebook(path), notebook)
            except (BadNotebook, OSError) as err:
                notes.append(f"{where}: left out: {err}")
                continue
            except Exception as err:  # noqa: BLE001 - a submission never stops the check
                notes.append(f"{where}: left out: {type(err).__name__}: {err}"[:300])
                continue
            prefix = f"{notebook.name}:" if len(spec.notebooks) > 1 else ""
            for label, source in merged.student_cells:
                key = prefix + label
                cells[key] = cells[key] + "\n" + source if key in cells else source
        if cells:
            total = 0
            for key in list(cells):
                room = MAX_ANSWER_CHARS - total
                if len(cells[key]) > room:
                    notes.append(f"{job.student_id}/{job.assignment_id}: answers longer than "
                                 f"{MAX_ANSWER_CHARS} characters; the rest was not compared")
                    cells[key] = cells[key][:max(room, 0)]
                total += len(cells[key])
            found.setdefault(job.assignment_id, {})[job.student_id] = cells
    return found


def _joined(cells: dict[str, str]) -> str:
    return "\n".join(f"# {label}\n{source.rstrip()}\n" for label, source in cells.items())


def _fingerprint(code: str, boilerplate: set):
    """copydetect's fingerprint of `code` (every k-gram: window 1), boilerplate removed.

    Boilerplate is removed here rather than through `CodeFingerprint(boilerplate=...)`:
    copydetect 0.5.0 intersects with `assume_unique=True`, which also drops all but the
    last occurrence of any k-gram repeated in `code`, boilerplate or not.
    """
    from copydetect import CodeFingerprint
    from copydetect.utils import get_token_coverage

    fp = CodeFingerprint("answer.py", NOISE_T, 1, fp=io.StringIO(code), language="python")
    fp.hash_idx = {h: idx for h, idx in fp.hash_idx.items() if h not in boilerplate}
    fp.hashes = set(fp.hash_idx)
    fp.token_coverage = get_token_coverage(fp.hash_idx, fp.k, len(fp.filtered_code))
    return fp


def _compare(fp_a, fp_b):
    """(similarity, matched, spans_a, spans_b) of two fingerprints."""
    from copydetect import compare_files

    if not fp_a.hashes & fp_b.hashes:
        return 0.0, 0, (), ()
    matched, (sim_a, sim_b), (slices_a, slices_b) = compare_files(fp_a, fp_b)
    spans = [tuple((int(s), int(e)) for s, e in zip(*sl)) for sl in (slices_a, slices_b)]
    return float(min(1.0, max(sim_a, sim_b))), int(matched), spans[0], spans[1]


def compare_answers(assignment: str, by_student: dict[str, dict[str, str]],
                    boilerplate_cells: list[str], threshold: float = THRESHOLD,
                    min_matched: int = MIN_MATCHED) -> list[SimilarPair]:
    """Every pair of students of one assignment at or above `threshold`.

    Args:
        assignment: the assignment id (recorded in each pair).
        by_student: `{student: {label: source}}`, as `answers` gives for one assignment.
        boilerplate_cells: the released notebook's code cells (`released_code`).
        threshold: the smallest similarity listed, from 0 to 1.
        min_matched: the fewest characters of filtered code a listed pair shares.

    Returns:
        The pairs, most similar first.
    """
    boilerplate = set()
    for cell in boilerplate_cells:
        boilerplate |= _fingerprint(cell, set()).hashes
    students = sorted(by_student)
    texts = {s: _joined(by_student[s]) for s in students}
    whole = {s: _fingerprint(texts[s], boilerplate) for s in students}
    pairs = []
    for a, b in itertools.combinations(students, 2):
        similarity, matched, spans_a, spans_b = _compare(whole[a], whole[b])
        if similarity < threshold or matched < min_matched:
            continue
        overlaps = {}
        for label in by_student[a]:
            if label in by_student[b] and not label.startswith("added after"):
                overlaps[label] = _compare(_fingerprint(by_student[a][label], boilerplate),
                                           _fingerprint(by_student[b][label], boilerplate))[0]
        pairs.append(SimilarPair(assignment, a, b, similarity, overlaps, matched,
                                 texts[a], texts[b], spans_a, spans_b))
    return sorted(pairs, key=lambda p: (-p.similarity, p.assignment, p.student_a, p.student_b))


def similar_pairs(submitted: Path, threshold: float = THRESHOLD,
                  only: list[str] | None = None, released: Path | None = None,
                  notes: list[str] | None = None) -> list[SimilarPair]:
    """Pairs of submissions whose answers are suspiciously alike, most similar first.

    Args:
        submitted: `SUBMITTED/<student>/<assignment>/<notebook>.ipynb`.
        threshold: the smallest similarity listed (default `THRESHOLD`).
        only: check only these assignment ids.
        released: the folder of `python -m autograder release`, if the boilerplate
            should be read from it (default: derived from the source notebooks).
        notes: if given, receives a line for every notebook left out.

    Returns:
        A list of `SimilarPair`, across all assignments.

    Example:

    >>> for p in similar_pairs(Path("submitted")):                  # doctest: +SKIP
    ...     print(p.assignment, p.student_a, p.student_b, f"{p.similarity:.0%}")
    01_forward_pass ada copycat 99%
    02_bptt ada copycat 98%
    """
    pairs = []
    for assignment, by_student in sorted(answers(submitted, only, notes).items()):
        pairs += compare_answers(assignment, by_student, released_code(assignment, released),
                                 threshold)
    return sorted(pairs, key=lambda p: (-p.similarity, p.assignment, p.student_a, p.student_b))


def table(pairs: list[SimilarPair]) -> str:
    """The pairs as a plain-text table (student ids are printed as they are)."""
    if not pairs:
        return "no pair of submissions above the threshold"
    rows = [("assignment", "student A", "student B", "similar", "matched", "per answer cell")]
    for p in pairs:
        cells = ", ".join(f"{label} {value:.0%}" for label, value in p.overlaps.items())
        rows.append((p.assignment, p.student_a, p.student_b, f"{p.similarity:.0%}",
                     str(p.matched), cells))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[5]
                     for r in rows)


def _highlighted(text: str, spans) -> str:
    """`text` escaped for HTML, with the matching spans inside <mark>."""
    out, at = [], 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        out += [html.escape(text[at:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def _score(scores, student: str, assignment: str) -> str:
    for row in scores or []:
        if row.get("student_id") == student and row.get("assignment_id") == assignment:
            if row.get("score") in (None, ""):
                return str(row.get("status") or "no grade")
            return f"{row['score']}/{row.get('max_score', '?')}"
    return ""


def render_html(pairs: list[SimilarPair], scores: list[dict] | None = None,
                threshold: float = THRESHOLD) -> str:
    """An HTML fragment: a table of the pairs and a side-by-side view of each.

    Everything that comes from a submission (ids, code) is escaped: it is shown as text,
    never interpreted as HTML.

    Args:
        pairs: from `similar_pairs`.
        scores: grades.csv rows (dicts with student_id, assignment_id, score, max_score,
            status), e.g. `lms_export.read_grades(OUT)`: each student's grade is shown.
        threshold: the threshold the pairs were chosen with (said in the text).

    Returns:
        A `<section>` element as a string.

    Example:

    >>> render_html([]).startswith('<section class="similarity">')
    True
    """
    e = html.escape
    parts = ['<section class="similarity">', '<h2 id="similar">Similar submissions</h2>',
             f"<p>Pairs whose answer code is at least {threshold:.0%} alike once names, "
             "comments and layout are ignored and the released notebook's code is left out "
             "(copydetect's winnowing, as MOSS). Marked code matches the other answer. "
             "A reason to look, not a verdict.</p>"]
    if not pairs:
        parts += ["<p>No pair above the threshold.</p>", "</section>"]
        return "\n".join(parts)
    parts.append("<table><thead><tr><th>assignment</th><th>student A</th><th>student B</th>"
                 "<th>similarity</th><th>per answer cell</th></tr></thead><tbody>")
    for p in pairs:
        names = []
        for student in (p.student_a, p.student_b):
            grade = _score(scores, student, p.assignment)
            names.append(e(student) + (f" ({e(grade)})" if grade else ""))
        cells = ", ".join(f"{e(label)} {value:.0%}" for label, value in p.overlaps.items())
        parts.append(f"<tr><td>{e(p.assignment)}</td><td>{names[0]}</td><td>{names[1]}</td>"
                     f"<td>{p.similarity:.0%}</td><td>{cells}</td></tr>")
    parts.append("</tbody></table>")
    column = ('<div style="flex:1;min-width:0"><h4>{}</h4>'
              '<pre style="overflow-x:auto">{}</pre></div>')
    if len(pairs) > MAX_VIEWS:
        parts.append(f"<p>Side by side below: the {MAX_VIEWS} most similar pairs of "
                     f"{len(pairs)}.</p>")
    for p in pairs[:MAX_VIEWS]:
        parts += [f"<details><summary>{e(p.assignment)}: {e(p.student_a)} and "
                  f"{e(p.student_b)}, {p.similarity:.0%}</summary>",
                  '<div style="display:flex;gap:1em">',
                  column.format(e(p.student_a), _highlighted(p.text_a, p.spans_a)),
                  column.format(e(p.student_b), _highlighted(p.text_b, p.spans_b)),
                  "</div></details>"]
    parts.append("</section>")
    return "\n".join(parts)


def write_html(path: Path, pairs: list[SimilarPair], scores: list[dict] | None = None,
               threshold: float = THRESHOLD) -> None:
    """`render_html` as a page of its own at `path`."""
    from autograder.files import write_private

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_private(Path(path), '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                  "<title>Similar submissions</title></head><body>\n"
                  + render_html(pairs, scores, threshold) + "\n</body></html>\n")
