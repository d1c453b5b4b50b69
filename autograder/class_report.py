"""The class report: one offline HTML page about a graded class, and `mistakes.csv`.

`python -m autograder autograde` writes `OUT/report.html` and `OUT/mistakes.csv` at the
end of a run; `python -m autograder report OUT` writes them again from what the run
saved: `OUT/grades.csv` (which submissions, their status and score), the results in
`OUT/.results/<student>/<assignment>.json` (each test's clean verdict and message) and
the job times in `OUT/.timing/` (kept apart so that a result stays byte-for-byte the
same when graded twice). The page shows:

- the score distribution of each assignment (a histogram drawn by matplotlib, embedded
  as an inline PNG) and the counts by status;
- for each graded function (test cell), how many passed, and the named mistakes that
  failed it, most common first (`recurrent_kernel_transposed: 23 students`): the name
  of each `Hint (name): ...` line that `rnncourse.checks.check` adds to a failure.
  Failures without a named mistake are grouped by their first line
  (`no named mistake: NotImplementedError`). `mistakes.csv` holds the same table;
- the submissions to look at (tampered, timed out, broken notebooks, grader errors),
  with their notes;
- the slowest submissions;
- similar submissions, when a list of them is given (`similar_pairs`).

Everything a student wrote (notes, messages, even ids) is shown as escaped text. The
page has no script and loads nothing: its images are `data:` URLs, and its
Content-Security-Policy forbids any other source.

Example:

>>> written = write_report(Path("graded"))          # doctest: +SKIP
>>> [p.name for p in written]                        # doctest: +SKIP
['report.html', 'mistakes.csv']
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from autograder.files import write_private
from autograder.job import SEVERITY

NO_NAMED_MISTAKE = "no named mistake: "
# Statuses worth the instructor's look, most severe first.
ATTENTION = [s for s in SEVERITY if s != "graded"]
SLOWEST = 10              # rows in the table of slowest submissions
EXAMPLES_SHOWN = 8        # student ids listed beside a mistake on the page (the CSV: all)
NOTE_CHARS = 600          # a note is cut to this on the page
COLOURS = {"graded": "#0072B2", "other": "#E69F00"}      # Okabe & Ito, as rnncourse.plots

# `  Hint (recurrent_kernel_transposed): ...`, as rnncourse.checks.check writes it.
_NAMED_HINT = re.compile(r"^\s*Hint \(([\w.-]{1,80})\):", re.MULTILINE)
_UNNAMED_HINT = re.compile(r"^\s*Hint: (.*)$", re.MULTILINE)
_DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[+-]?\d+)?(?!\w|\.\d)")
# `rnn_forward failed on case 1 of 8 (batch=3, ..., float32), output 'hs':` -> the parts
# that are the same for every student, whichever case failed first.
_CASE_HEADER = re.compile(r"^(?P<head>.*?) failed on case \d+ of \d+ \(.*?\)"
                          r"(?P<tail>(?:, output '[^']*')?:.*)$")


# --- reading a graded folder --------------------------------------------------------------

def _safe_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\0" not in name


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_results(out: Path) -> list[dict]:
    """The results of the submissions in `out/grades.csv`, in its order.

    Status, score and notes come from grades.csv (what the instructor uploads); the
    tests come from the saved result, and `wall_seconds` from `out/.timing/`, when
    they exist.

    Args:
        out: the `--out` folder of `autograde`.

    Returns:
        A list of result dicts, as `autograder.job.grade` returns them (`student_id`,
        `assignment_id`, `status`, `score`, `max_score`, `notes`, `notebooks`), plus
        `wall_seconds` (None if unknown).

    Raises:
        FileNotFoundError: `out/grades.csv` does not exist.
        ValueError: grades.csv lacks a column.
    """
    from autograder.lms_export import read_grades

    out = Path(out)
    results = []
    for row in read_grades(out):
        student, assignment = row["student_id"], row["assignment_id"]
        saved, timing = None, None
        if _safe_name(student) and _safe_name(assignment):
            saved = _read_json(out / ".results" / student / f"{assignment}.json")
            timing = _read_json(out / ".timing" / student / f"{assignment}.json")
        saved = saved if isinstance(saved, dict) else {}
        same = saved.get("status") == row["status"]
        notes = saved.get("notes") if same and isinstance(saved.get("notes"), list) else \
            [n for n in (row.get("notes") or "").split(" | ") if n]
        results.append({
            "student_id": student, "assignment_id": assignment, "status": row["status"],
            "score": _float(row["score"]), "max_score": _float(row["max_score"]),
            "notes": notes,
            "notebooks": saved.get("notebooks", []) if same else [],
            "wall_seconds": _float(timing.get("wall_seconds")) if isinstance(timing, dict)
            else None})
    return results


def _float(value):
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


# --- the mistakes -------------------------------------------------------------------------

def known_mistakes() -> set[str]:
    """The names of every mistake in the instructor's library (`autograder.mistakes`)."""
    from autograder.mistakes import MISTAKES

    return {m.name for variants in MISTAKES.values() for m in variants}


def named_mistakes(message: str, known: set[str] | None = None) -> list[str]:
    """The mistake names of a failure message's `Hint (name): ...` lines, in order.

    A hint counts only after the message's last `Arguments:` line (before it, a check's
    message quotes the student's own exception text, which could forge one) and, when
    `known` is given, only if it names a mistake of the library.

    Args:
        message: a test's message from the clean run.
        known: the mistake names to accept (None: any).

    Returns:
        The names, each once.

    Example:

    >>> named_mistakes("AssertionError: ...\\n  Hint (no_bias): it matches Keras if ...")
    ['no_bias']
    """
    tail = message.rsplit("\n  Arguments: ", 1)[-1]
    names = []
    for name in _NAMED_HINT.findall(tail):
        if name not in names and (known is None or name in known):
            names.append(name)
    return names


def failure_summary(message: str) -> str:
    """What a failure without a named mistake is grouped by: its first line, without the
    case that failed first and with `#` for each decimal number (a loss, an error, which
    differ from student to student), and its unnamed hint, if any.

    Example:

    >>> failure_summary("AssertionError: f failed on case 2 of 8 (H=3, float32), "
    ...                 "output 'hs':\\n  expected shape (2, 3), got shape (3, 2).")
    "AssertionError: f failed, output 'hs': expected shape (2, 3), got shape (3, 2)."
    """
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if not lines:
        return "(no message)"
    first = lines[0]
    match = _CASE_HEADER.match(first)
    if match:
        first = match["head"] + " failed" + match["tail"]
        if first.endswith(":") and len(lines) > 1:
            first += " " + lines[1]
    first = _DECIMAL.sub("#", first.rstrip(": "))     # a loss or an error: not the mistake
    hint = _UNNAMED_HINT.search(message or "")
    if hint:
        first += " Hint: " + hint[1].split(". ")[0].split(": ")[0].strip()
    return first if len(first) <= 200 else first[:199] + "…"


def mistake_table(results: list[dict], known: set[str] | None = None) -> list[dict]:
    """Per graded function (test cell): how many passed, and why the others failed.

    Args:
        results: result dicts (`load_results`, or `autograder.job.grade`'s).
        known: the mistake names to accept in hints (None: any).

    Returns:
        One dict per (assignment, test), in assignment order then notebook order:
        `assignment`, `function` (the test's grade id), `points`, `passed`, `failed`,
        and `mistakes`, a list of `(label, sorted student ids)`: the named mistakes,
        most students first, then `("no named mistake: <first line>", ids)` groups,
        likewise. A student whose failure names two mistakes counts under both.

    Example:

    >>> rows = mistake_table([{"student_id": "ann", "assignment_id": "a1",
    ...     "notebooks": [{"tests": {"test_f": {"points": 2, "clean_passed": False,
    ...                   "message": "AssertionError: x\\n  Hint (no_bias): ..."}}}]}])
    >>> rows[0]["mistakes"]
    [('no_bias', ['ann'])]
    """
    table: dict[tuple[str, str], dict] = {}
    for result in sorted(results, key=lambda r: (r["assignment_id"], r["student_id"])):
        for notebook in result.get("notebooks") or []:
            for function, test in (notebook.get("tests") or {}).items():
                key = (result["assignment_id"], function)
                entry = table.setdefault(key, {
                    "assignment": key[0], "function": function, "points": test.get("points"),
                    "passed": 0, "failed": 0, "by_label": defaultdict(set)})
                if test.get("clean_passed"):
                    entry["passed"] += 1
                    continue
                entry["failed"] += 1
                message = str(test.get("message") or "")
                labels = named_mistakes(message, known) or [
                    NO_NAMED_MISTAKE + failure_summary(message)]
                for label in labels:
                    entry["by_label"][label].add(result["student_id"])
    rows = []
    for entry in table.values():
        by_label = entry.pop("by_label")
        # The named mistakes, most common first, then the unnamed groups, likewise.
        entry["mistakes"] = sorted(
            ((label, sorted(ids)) for label, ids in by_label.items()),
            key=lambda item: (item[0].startswith(NO_NAMED_MISTAKE), -len(item[1]), item[0]))
        rows.append(entry)
    return rows


def mistakes_csv(table: list[dict]) -> str:
    """`mistake_table`'s rows as CSV: assignment, function, mistake, students, student_ids.

    One line per (function, mistake), most common first; `student_ids` lists every
    student, separated by spaces.
    """
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(["assignment", "function", "mistake", "students", "student_ids"])
    for row in table:
        for label, ids in row["mistakes"]:
            writer.writerow([row["assignment"], row["function"], label, len(ids), " ".join(ids)])
    return text.getvalue()


# --- figures ------------------------------------------------------------------------------

def _percent(result: dict) -> float | None:
    score, top = result.get("score"), result.get("max_score")
    if score is None or not top or result.get("status") == "error":
        return None
    return min(100.0, max(0.0, 100.0 * float(score) / float(top)))


def score_histogram(assignment: str, results: list[dict]) -> str:
    """A histogram of one assignment's scores, as a `data:image/png;base64,...` URL.

    Args:
        assignment: the assignment id (the title).
        results: that assignment's results; those without a score are left out.

    Returns:
        The PNG, base64-encoded in a data URL (the page needs no file beside it).
    """
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    graded = [p for r in results if r["status"] == "graded" and (p := _percent(r)) is not None]
    other = [p for r in results if r["status"] != "graded" and (p := _percent(r)) is not None]
    figure = Figure(figsize=(3.8, 2.5), dpi=100, layout="constrained")
    ax = figure.add_subplot()
    bins = [10 * i for i in range(11)]
    ax.hist([graded, other], bins=bins, stacked=True,
            color=[COLOURS["graded"], COLOURS["other"]], edgecolor="white",
            label=["graded", "other status"])
    ax.set_xlim(0, 100)
    ax.set_xlabel("score (% of max)")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    everyone = graded + other
    median = f", median {statistics.median(everyone):.0f}%" if everyone else ""
    # parse_math=False: an id is a folder name, and `$...$` must not be read as TeX.
    ax.set_title(f"{assignment}\nn={len(everyone)}{median}", fontsize=9, parse_math=False)
    if other:
        ax.legend(fontsize=8, frameon=False, loc="upper left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# --- the page -----------------------------------------------------------------------------

def _e(value) -> str:
    """Escaped text: a student's words are never HTML."""
    return html.escape("" if value is None else str(value), quote=True)


def _number(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _table(header: list[str], rows: list[list[str]], cls: str = "") -> str:
    """An HTML table; `header` is escaped here, `rows` hold HTML already escaped."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return (f'<table class="{cls}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _ids(ids: list[str]) -> str:
    shown = ", ".join(_e(i) for i in ids[:EXAMPLES_SHOWN])
    more = len(ids) - EXAMPLES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _scores_section(by_assignment: dict[str, list[dict]]) -> str:
    figures, rows = [], []
    for assignment, results in by_assignment.items():
        figures.append(f'<figure><img src="{score_histogram(assignment, results)}" '
                       f'alt="histogram of the scores of {_e(assignment)}"></figure>')
        percents = [p for r in results if (p := _percent(r)) is not None]
        top = max((r["max_score"] or 0 for r in results), default=0)
        full = sum(p >= 100 for p in percents)
        stats = ([f"{statistics.mean(percents):.0f}%", f"{statistics.median(percents):.0f}%",
                  f"{min(percents):.0f}%", f"{max(percents):.0f}%"] if percents else [""] * 4)
        rows.append([_e(assignment), str(len(results)), _e(_number(top)), *stats, str(full)])
    return ('<h2 id="scores">Scores</h2><div class="figures">' + "".join(figures) + "</div>"
            + _table(["assignment", "submissions", "max points", "mean", "median", "min",
                      "max", "full marks"], rows, "numbers"))


def _status_section(by_assignment: dict[str, list[dict]]) -> str:
    counts = {a: Counter(r["status"] for r in rs) for a, rs in by_assignment.items()}
    found = set().union(*counts.values()) if counts else set()
    statuses = [s for s in reversed(SEVERITY) if s in found] + sorted(found - set(SEVERITY))
    rows = [[_e(a), *(str(c[s]) if c[s] else "" for s in statuses), str(sum(c.values()))]
            for a, c in counts.items()]
    total = Counter()
    for c in counts.values():
        total.update(c)
    rows.append(["<b>all</b>", *(f"<b>{total[s]}</b>" for s in statuses),
                 f"<b>{sum(total.values())}</b>"])
    return ('<h2 id="statuses">Statuses</h2>'
            + _table(["assignment", *statuses, "total"], rows, "numbers"))


def _mistake_item(label: str, ids: list[str]) -> str:
    """`name: 3 students (ids)`, or for a failure no mistake explains, its message after."""
    count = f"{len(ids)} student{'s' * (len(ids) != 1)}"
    if label.startswith(NO_NAMED_MISTAKE):
        return (f'<li><span class="unnamed">no named mistake</span>: {count} '
                f'<span class="ids">({_ids(ids)})</span><br>'
                f'<span class="message">{_e(label[len(NO_NAMED_MISTAKE):])}</span></li>')
    return f'<li><b>{_e(label)}</b>: {count} <span class="ids">({_ids(ids)})</span></li>'


def _functions_section(table: list[dict]) -> str:
    if not table:
        return '<h2 id="functions">Graded functions</h2><p>No test results were saved.</p>'
    parts = ['<h2 id="functions">Graded functions</h2>'
             "<p>Each test cell, from the clean run: how many submissions passed it, the named "
             "mistakes that failed the others, most common first, then the failures no known "
             "mistake reproduces, grouped by their first line. The same table, with every "
             "student id, is in <code>mistakes.csv</code>.</p>"]
    by_assignment: dict[str, list[dict]] = {}
    for row in table:
        by_assignment.setdefault(row["assignment"], []).append(row)
    for assignment, rows in by_assignment.items():
        cells = []
        for row in rows:
            items = "".join(_mistake_item(label, ids) for label, ids in row["mistakes"])
            cells.append([f"<code>{_e(row['function'])}</code>", _e(_number(row["points"])),
                          f'<span class="nowrap">{row["passed"]} of '
                          f'{row["passed"] + row["failed"]}</span>',
                          f"<ul>{items}</ul>" if items else "all passed"])
        parts.append(f"<h3>{_e(assignment)}</h3>" + _table(
            ["test", "points", "passed", "why the others failed"], cells, "functions"))
    return "".join(parts)


def _attention_section(results: list[dict]) -> str:
    flagged = sorted((r for r in results if r["status"] in ATTENTION or
                      r["status"] not in SEVERITY),
                     key=lambda r: (ATTENTION.index(r["status"]) if r["status"] in ATTENTION
                                    else -1, r["assignment_id"], r["student_id"]))
    if not flagged:
        return ('<h2 id="attention">Submissions to look at</h2>'
                "<p>None: every submission was graded normally.</p>")
    rows = []
    for r in flagged:
        notes = "".join(f"<li>{_e(n if len(n) <= NOTE_CHARS else n[:NOTE_CHARS] + '…')}</li>"
                        for n in (r.get("notes") or []))
        rows.append([_e(r["student_id"]), _e(r["assignment_id"]),
                     f'<span class="status">{_e(r["status"])}</span>',
                     _e(f"{_number(r['score']) or '–'} / {_number(r['max_score'])}"),
                     f"<ul>{notes}</ul>" if notes else ""])
    return ('<h2 id="attention">Submissions to look at</h2>'
            "<p>Tampered, timed out, crashed or unreadable submissions, and grader errors, "
            "with the grader's notes (they quote student text: shown as text).</p>"
            + _table(["student", "assignment", "status", "score", "notes"], rows, "notes"))


def _slowest_section(results: list[dict]) -> str:
    timed = sorted((r for r in results if r.get("wall_seconds") is not None),
                   key=lambda r: (-r["wall_seconds"], r["student_id"], r["assignment_id"]))
    if not timed:
        return ('<h2 id="slowest">Slowest submissions</h2>'
                "<p>No grading times were recorded.</p>")
    rows = [[_e(r["student_id"]), _e(r["assignment_id"]), _e(r["status"]),
             f"{r['wall_seconds']:.1f}"] for r in timed[:SLOWEST]]
    total = sum(r["wall_seconds"] for r in timed)
    return ('<h2 id="slowest">Slowest submissions</h2>'
            f"<p>Wall-clock time of each grading job; {len(timed)} jobs took {total:.0f} s "
            "in all (workers run in parallel).</p>"
            + _table(["student", "assignment", "status", "seconds"], rows, "last-number"))


STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1200px; padding: 0 1em; color: #222; }
h1 { margin-bottom: .2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
h3 { margin: 1.2em 0 .3em; font-size: 105%; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: .8em 0; }
th, td { border: 1px solid #ddd; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f3f5f8; }
table.numbers td { text-align: right; } table.numbers td:first-child { text-align: left; }
table.last-number td:last-child { text-align: right; }
td ul { margin: 0; padding-left: 1.2em; }
td, li { overflow-wrap: break-word; }
.ids { color: #666; font-size: 90%; }
.status { font-weight: 600; color: #a33; }
.figures { display: flex; flex-wrap: wrap; gap: .5em; }
figure { margin: 0; }
code { background: #f3f3f3; padding: 0 .2em; } td code { white-space: nowrap; }
.unnamed { color: #666; font-style: italic; }
.message { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; color: #333; }
td li { margin-bottom: .25em; } .nowrap { white-space: nowrap; }
"""


def render(results: list[dict], *, title: str = "Class report", known: set[str] | None = None,
           similar_html: str | None = None) -> str:
    """The report page, as HTML text.

    Args:
        results: result dicts (`load_results`).
        title: the page's heading (escaped).
        known: the mistake names to accept in hints (None: any).
        similar_html: None (the section is left out), or the similar pairs as
            `autograder.similarity.render_html` shows them (it escapes what it quotes).

    Returns:
        A whole HTML document with no script, no external resource, and every
        student-written string escaped.
    """
    by_assignment: dict[str, list[dict]] = {}
    for r in sorted(results, key=lambda r: (r["assignment_id"], r["student_id"])):
        by_assignment.setdefault(r["assignment_id"], []).append(r)
    table = mistake_table(results, known)
    sections = [_scores_section(by_assignment) if by_assignment else
                '<h2 id="scores">Scores</h2><p>No submissions.</p>',
                _status_section(by_assignment), _functions_section(table),
                _attention_section(results), _slowest_section(results)]
    links = [("scores", "Scores"), ("statuses", "Statuses"), ("functions", "Graded functions"),
             ("attention", "Submissions to look at"), ("slowest", "Slowest")]
    if similar_html is not None:
        # render_html escapes what it quotes; its heading carries the anchor `similar`.
        sections.append(similar_html)
        links.append(("similar", "Similar submissions"))
    students = len({r["student_id"] for r in results})
    nav = "".join(f'<a href="#{anchor}">{text}</a>' for anchor, text in links)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        # Defence in depth: even a string escaped wrongly could neither run nor fetch.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1><p>{len(results)} submissions from {students} students, "
        f"{len(by_assignment)} assignment(s).</p><nav>{nav}</nav>"
        + "".join(sections) + "</body></html>\n")


def write_report(out: Path, *, submitted: Path | None = None,
                 pairs: list | None = None) -> list[Path]:
    """Write `out/report.html` and `out/mistakes.csv` from a graded folder.

    Args:
        out: the `--out` folder of `autograde` (grades.csv and .results/ in it).
        submitted: the folder that was graded; when given, the report lists the pairs
            of submissions that `autograder.similarity` finds alike, with their grades.
        pairs: `similarity.similar_pairs(submitted)` if already computed (`autograde`
            computes it while the class is graded); the graded assignments' are listed.

    Returns:
        The two paths written.

    Raises:
        FileNotFoundError: `out/grades.csv` does not exist.
    """
    out = Path(out)
    results = load_results(out)
    known = known_mistakes()
    page, csv_path = out / "report.html", out / "mistakes.csv"
    similar_html = None
    if submitted is not None:
        from autograder import similarity
        from autograder.lms_export import read_grades

        graded = sorted({r["assignment_id"] for r in results})
        if pairs is None:
            pairs = similarity.similar_pairs(Path(submitted), only=graded)
        pairs = [pair for pair in pairs if pair.assignment in graded]
        similar_html = similarity.render_html(pairs, scores=read_grades(out))
    write_private(page, render(results, title=f"Class report: {out.resolve().name}",
                               known=known, similar_html=similar_html))
    write_private(csv_path, mistakes_csv(mistake_table(results, known)))
    return [page, csv_path]
