"""The class report (`autograder.class_report`) on hand-made results: counts, order, escaping.

The report of a real graded class, in a browser, is checked in test_autograde.py.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import struct

import pytest

from autograder import class_report
from autograder.__main__ import main
from autograder.class_report import (
    NO_NAMED_MISTAKE,
    failure_summary,
    mistake_table,
    mistakes_csv,
    named_mistakes,
    render,
    write_report,
)

A1 = "01_forward_pass"
HOSTILE_NOTE = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert('owned')</script>"
KNOWN = {"recurrent_kernel_transposed", "no_bias", "gate_order_fico"}


def check_failure(output="hs", case=1, hints=()):
    """A message as rnncourse.checks.check writes it (case `case` failed first)."""
    message = (f"AssertionError: rnn_forward failed on case {case} of 8 (batch=3, time=5, D=4, "
               f"H=6 (D < H), float32), output {output!r}:\n"
               "  shape (3, 5, 6) is right, but the values are not.\n"
               "  largest absolute error 1.49 at index (1, 4, 4): expected 0.868, got -0.626")
    for name in hints:
        message += f"\n  Hint ({name}): it matches Keras if ..."
    return message


def result(student, *, status="graded", forward=None, cell=None, notes=(), seconds=None,
           score=None, assignment=A1):
    """A result dict like autograder.job.grade's; `forward`/`cell`: a failure message, or
    None for a passed test."""
    tests = {}
    for grade_id, points, message in (("test_rnn_cell_forward", 2.0, cell),
                                      ("test_rnn_forward", 3.0, forward)):
        tests[grade_id] = {"points": points, "score": 0.0 if message else points,
                           "clean_passed": message is None, "kernel_passed": None,
                           "message": message or ""}
    notebooks = [] if status in ("missing_notebook", "invalid_notebook", "error") else [
        {"notebook": "forward_pass.ipynb", "tests": tests}]
    if score is None:
        score = sum(t["score"] for t in tests.values()) if notebooks else 0.0
    return {"student_id": student, "assignment_id": assignment, "status": status,
            "score": None if status == "error" else score, "max_score": 5.0,
            "notes": list(notes), "notebooks": notebooks, "wall_seconds": seconds}


def a_class():
    forged = ("AssertionError: rnn_forward failed on case 1 of 8 (batch=3, float32): it raised "
              "ValueError: nope\n  Hint (gate_order_fico): forged by the student\n"
              "  Arguments: x: float32 (3, 5, 4)")
    return [
        result("ann", seconds=3.0),
        result("bob", forward=check_failure(case=1, hints=["recurrent_kernel_transposed"]),
               seconds=4.5),
        result("cat", forward=check_failure(case=3, hints=["recurrent_kernel_transposed"])),
        result("dan", forward=check_failure(hints=["no_bias", "recurrent_kernel_transposed"]),
               seconds=12.25),
        result("eve", forward="NotImplementedError: ", cell="NotImplementedError: "),
        result("fay", forward=check_failure(case=2), seconds=1.0),
        result("gus", forward=check_failure(case=5)),
        result("hal", forward=forged),
        result("ivy", forward=check_failure(hints=["made_up_name"])),
        result("mallory", status="tampered",
               forward=check_failure(hints=["recurrent_kernel_transposed"]),
               notes=[HOSTILE_NOTE, HOSTILE_SCRIPT]),
        result(HOSTILE_SCRIPT, forward=f"ValueError: {HOSTILE_NOTE}"),
        result("tim", status="timeout", forward="TimeoutError: the test ran past its limit of "
               "10 s", notes=["cell rnn_forward ran past the 10 s limit and was stopped"],
               seconds=61.0),
        result("kit", status="kernel_died",
               forward=check_failure(hints=["recurrent_kernel_transposed"]),
               notes=["the kernel died while running cell 5"]),
        result("ina", status="invalid_notebook", notes=["not a notebook: ends too early"]),
        result("mia", status="missing_notebook", notes=["forward_pass.ipynb is missing"]),
        result("err", status="error", notes=["the grader failed: OSError: disk full"]),
    ]


def row_of(table, function, assignment=A1):
    [row] = [r for r in table if (r["assignment"], r["function"]) == (assignment, function)]
    return row


def test_named_mistakes_come_first_most_common_first_then_unnamed_groups():
    row = row_of(mistake_table(a_class(), KNOWN), "test_rnn_forward")
    unnamed = NO_NAMED_MISTAKE + "AssertionError: rnn_forward failed"
    assert row["mistakes"] == [
        ("recurrent_kernel_transposed", ["bob", "cat", "dan", "kit", "mallory"]),
        ("no_bias", ["dan"]),       # dan's failure names two mistakes: counted under both
        # ivy's hint names no known mistake; fay's and gus's failed on other cases.
        (unnamed + ", output 'hs': shape (3, 5, 6) is right, but the values are not.",
         ["fay", "gus", "ivy"]),
        (unnamed + ": it raised ValueError: nope", ["hal"]),     # its hint was forged
        (NO_NAMED_MISTAKE + "NotImplementedError", ["eve"]),
        (NO_NAMED_MISTAKE + "TimeoutError: the test ran past its limit of 10 s", ["tim"]),
        (NO_NAMED_MISTAKE + f"ValueError: {HOSTILE_NOTE}", [HOSTILE_SCRIPT]),
    ]
    assert (row["passed"], row["failed"], row["points"]) == (1, 12, 3.0)
    cell = row_of(mistake_table(a_class(), KNOWN), "test_rnn_cell_forward")
    assert (cell["passed"], cell["failed"]) == (12, 1)
    assert cell["mistakes"] == [(NO_NAMED_MISTAKE + "NotImplementedError", ["eve"])]


def test_a_hint_quoted_from_a_students_exception_or_unknown_is_not_a_named_mistake():
    table = mistake_table(a_class(), KNOWN)
    named = {label for row in table for label, _ in row["mistakes"]}
    assert "gate_order_fico" not in named and "made_up_name" not in named
    assert named_mistakes(check_failure(hints=["no_bias"]), KNOWN) == ["no_bias"]
    assert named_mistakes(check_failure(hints=["no_bias", "no_bias"])) == ["no_bias"]


def test_failures_without_a_named_mistake_group_by_first_line_whatever_the_case():
    assert failure_summary(check_failure(case=1)) == failure_summary(check_failure(case=7))
    assert failure_summary(check_failure(output="h_T")) != failure_summary(check_failure())
    assert failure_summary("AssertionError: loss 3.272 nats, baseline 2.908.") == \
        failure_summary("AssertionError: loss 0.693 nats, baseline 2.908.") == \
        "AssertionError: loss # nats, baseline #."
    assert failure_summary("") == "(no message)"
    assert len(failure_summary("ValueError: " + "x" * 5000)) == 200


def test_student_text_is_escaped_never_html():
    page = render(a_class(), known=KNOWN)
    for hostile in (HOSTILE_NOTE, HOSTILE_SCRIPT):
        assert hostile not in page
        assert html.escape(hostile, quote=True) in page
    assert "<script" not in page.lower()
    assert not re.search(r"<img(?![^>]*src=\"data:image/png;base64,)", page), \
        "every img must be one of the report's own figures"
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert HOSTILE_NOTE in text and HOSTILE_SCRIPT in text   # shown, as text
    assert not re.search(r"https?:|(?:src|href)=\"//", page), "the page must load nothing"


def test_figures_are_inline_pngs_one_per_assignment():
    # An unknown assignment's folder name is anything, even what matplotlib reads as TeX.
    results = a_class() + [result("ann", assignment="02_bptt", score=4.0),
                           result("ann", assignment=r"x$\frac{$", status="error")]
    page = render(results, known=KNOWN)
    sources = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(sources) == 3
    for source in sources:
        png = base64.b64decode(source)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert width > 200 and height > 100


def _section(page, anchor):
    start = page.index(f'id="{anchor}"')
    end = page.find("<h2", start)
    return page[start:end if end > 0 else None]


def test_every_status_but_graded_is_listed_with_its_notes():
    page = render(a_class(), known=KNOWN)
    attention = _section(page, "attention")
    for student, status, note in [
            ("mallory", "tampered", html.escape(HOSTILE_NOTE)),
            ("tim", "timeout", "ran past the 10 s limit"),
            ("kit", "kernel_died", "the kernel died"),
            ("ina", "invalid_notebook", "ends too early"),
            ("mia", "missing_notebook", "forward_pass.ipynb is missing"),
            ("err", "error", "disk full")]:
        assert f"<td>{student}</td>" in attention and status in attention, student
        assert note in attention, note
    assert "<td>ann</td>" not in attention and "<td>bob</td>" not in attention
    # Most severe first.
    order = [attention.index(f"<td>{s}</td>") for s in ("mia", "ina", "err", "mallory", "kit",
                                                          "tim")]
    assert order == sorted(order)
    statuses = _section(page, "statuses")
    assert re.search(r"<td>01_forward_pass</td><td>10</td>", statuses), statuses
    assert "<b>16</b>" in statuses          # the total


def test_slowest_submissions_come_first():
    slowest = _section(render(a_class(), known=KNOWN), "slowest")
    order = [slowest.index(f"<td>{s}</td>") for s in ("tim", "dan", "bob", "ann", "fay")]
    assert order == sorted(order)
    assert "61.0" in slowest and "12.2" in slowest
    assert "<td>cat</td>" not in slowest        # no time recorded


def test_mistakes_csv_has_one_line_per_function_and_mistake():
    rows = list(csv.DictReader(io.StringIO(mistakes_csv(mistake_table(a_class(), KNOWN)))))
    assert list(rows[0]) == ["assignment", "function", "mistake", "students", "student_ids"]
    forward = [r for r in rows if r["function"] == "test_rnn_forward"]
    assert forward[0] == {"assignment": A1, "function": "test_rnn_forward",
                          "mistake": "recurrent_kernel_transposed", "students": "5",
                          "student_ids": "bob cat dan kit mallory"}
    for named in (True, False):
        counts = [int(r["students"]) for r in forward
                  if r["mistake"].startswith(NO_NAMED_MISTAKE) != named]
        assert counts == sorted(counts, reverse=True) and counts, forward
    kinds = [r["mistake"].startswith(NO_NAMED_MISTAKE) for r in forward]
    assert kinds == sorted(kinds), "the named mistakes come first"
    assert {"assignment": A1, "function": "test_rnn_cell_forward",
            "mistake": NO_NAMED_MISTAKE + "NotImplementedError", "students": "1",
            "student_ids": "eve"} in rows


def test_similar_submissions_appear_only_when_given():
    from autograder.similarity import SimilarPair, render_html

    assert 'id="similar"' not in render(a_class(), known=KNOWN)
    code = f"def f(x):\n    return '{HOSTILE_SCRIPT}'\n"
    pair = SimilarPair(A1, "bob", HOSTILE_SCRIPT, 0.97, {"rnn_forward": 0.97}, 120,
                       code, code, ((0, len(code)),), ((0, len(code)),))
    page = render(a_class(), known=KNOWN, similar_html=render_html([pair]))
    similar = _section(page, "similar")
    assert "97%" in similar and "rnn_forward" in similar
    assert HOSTILE_SCRIPT not in similar and html.escape(HOSTILE_SCRIPT) in similar


def _graded_folder(tmp_path, results):
    """An OUT folder as autograde leaves it: grades.csv, .results/, .timing/."""
    from autograder import report

    out = tmp_path / "out"
    rows = []
    for r in results:
        saved = {k: v for k, v in r.items() if k != "wall_seconds"}
        path = out / ".results" / r["student_id"] / f"{r['assignment_id']}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(saved))
        timing = out / ".timing" / r["student_id"] / f"{r['assignment_id']}.json"
        timing.parent.mkdir(parents=True, exist_ok=True)
        timing.write_text(json.dumps({"wall_seconds": r["wall_seconds"]}))
        rows.append(report.row(r))
    report.write_csv(out / "grades.csv", rows)
    return out


def test_report_command_writes_both_files_from_a_graded_folder(tmp_path, capsys):
    results = [r for r in a_class() if "<" not in r["student_id"]]
    out = _graded_folder(tmp_path, results)
    assert main(["report", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / "report.html"), str(out / "mistakes.csv")]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "recurrent_kernel_transposed</b>: 5 students" in page
    assert "<td>61.0</td>" in page              # the time, read from .timing/
    assert html.escape(HOSTILE_NOTE) in _section(page, "attention")
    csv_text = (out / "mistakes.csv").read_text()
    assert "recurrent_kernel_transposed,5,bob cat dan kit mallory" in csv_text


def test_a_row_whose_saved_result_disagrees_or_is_missing_keeps_the_rows_status(tmp_path):
    out = _graded_folder(tmp_path, [result("bob", forward=check_failure(hints=["no_bias"]))])
    (out / ".results" / "bob" / f"{A1}.json").unlink()
    [loaded] = class_report.load_results(out)
    assert (loaded["status"], loaded["score"], loaded["notebooks"]) == ("graded", 2.0, [])
    write_report(out)
    assert "No test results were saved" in (out / "report.html").read_text()


def test_report_of_a_folder_never_graded_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "grades.csv does not exist" in capsys.readouterr().err
    assert not (tmp_path / "report.html").exists()


def test_write_report_refuses_a_planted_target(tmp_path):
    from autograder.files import UnsafeTarget

    out = _graded_folder(tmp_path, [result("ann")])
    (out / "report.html").symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(UnsafeTarget):
        write_report(out)
    assert not (tmp_path / "elsewhere.html").exists()
