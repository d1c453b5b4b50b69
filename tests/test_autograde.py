"""The autograde command on a class of correct, broken and hostile submissions.

One run of the real CLI grades the whole demo class (`autograder/demo.py`), plus
correct submissions of assignments 2 to 5, and every test below reads its
outputs: grades.csv, the feedback, the autograded notebooks and the gradebook.
Each broken or hostile student must get the expected status and exactly the
score their honest functions earn (rnn_cell_forward right, 2 points; rnn_forward
wrong, 0 of 3), and the correct students must keep full marks beside them.
"""

from __future__ import annotations

import contextlib
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from processes import processes_with

from autograder.demo import write_class
from autograder.spec import HIDDEN, load_assignment

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
A1 = "01_forward_pass"
OTHERS = ("02_bptt", "03_bidirectional_stacked_attention", "04_lstm_gru", "05_language_model",
          "06_keras_models")
TIMEOUT = "10"
# Small enough that the memory bombs hit it in a few allocations, whatever the machine's
# load: a status must never depend on speed. Assignment 1 needs no TensorFlow.
MEMORY_GIB = "1"

# student -> (status, score on assignment 1, a phrase the notes must contain)
EXPECTED = {
    "correct": ("graded", 5, ""),
    "correct_vectorised_helper": ("graded", 5, ""),
    "correct_with_stderr_warnings": ("graded", 5, ""),
    "renamed_copy": ("graded", 5, "Copy of forward_pass.ipynb"),
    "correct_nbformat3": ("graded", 5, ""),
    "correct_with_cell_magics": ("graded", 5, ""),
    "correct_with_large_outputs": ("graded", 5, ""),
    "correct_imports_tensorflow": ("graded", 5, ""),
    "correct_retyped_in_a_new_cell": ("graded", 5, "found in a cell you added"),
    "one_function_wrong": ("graded", 2, ""),
    "unanswered": ("graded", 0, ""),
    "truncated_file": ("invalid_notebook", 0, "ends too early"),
    "not_a_notebook": ("invalid_notebook", 0, "not a notebook"),
    "binary_garbage": ("invalid_notebook", 0, "not text"),
    "missing_notebook": ("missing_notebook", 0, "forward_pass.ipynb is missing"),
    "deleted_answer_cell": ("graded", 0, "rnn_cell_forward was deleted"),
    "duplicated_answer_cell": ("graded", 5, "appears 2 times"),
    "edited_test_cell": ("tampered", 2, "test_rnn_forward was edited"),
    "deleted_test_cell": ("tampered", 2, "test_rnn_forward was deleted"),
    "infinite_loop_at_top_level": ("timeout", 2, "ran past the 10 s limit"),
    "infinite_loop_in_function": ("timeout", 2, "ran past the 10 s limit"),
    "os_exit_at_top_level": ("kernel_died", 2, "kernel died"),
    "os_exit_in_function": ("kernel_died", 2, "kernel died"),
    "system_exit": ("graded", 2, "SystemExit"),
    "memory_bomb": ("graded", 2, "out of memory"),
    "memory_bomb_list": ("graded", 2, "out of memory"),
    "megabytes_of_output": ("graded", 2, "the rest was dropped"),
    "patches_numpy": ("tampered", 2, "passed inside your notebook"),
    "patches_numpy_allclose": ("timeout", 2, "ran past"),
    "patches_check": ("tampered", 2, "passed inside your notebook"),
    "patches_assert_helpers": ("tampered", 2, "passed inside your notebook"),
    "replaces_sys_modules": ("tampered", 2, "passed inside your notebook"),
    "replaces_import": ("tampered", 2, "passed inside your notebook"),
    "silences_tracebacks": ("tampered", 2, "passed inside your notebook"),
    "lying_ndarray_subclass": ("graded", 2, ""),
    "calls_keras": ("graded", 2, ""),
    "writes_outside_its_folder": ("graded", 5, ""),
    "copies_another_submission": ("graded", 2, ""),
    "reads_the_solution": ("graded", 2, ""),
    "kills_the_grader": ("graded", 2, ""),
    "link_to_a_classmate": ("missing_notebook", 0, "is a link, not a file"),
    "deeply_nested_json": ("invalid_notebook", 0, "nested too deeply"),
    "cells_that_are_not_text": ("invalid_notebook", 0, "not a notebook cell"),
    "script_in_output": ("graded", 2, ""),
    "reads_by_directory_fd": ("graded", 2, ""),
    "tampers_with_the_output": ("graded", 2, ""),
    "leaves_a_process_behind": ("graded", 2, ""),
    "forges_a_reply": ("tampered", 2, "wrote into the grader's channel"),
    "forges_a_grader_note": ("graded", 2, "stopped with ValueError"),
    # The library of NumPy variants is in no room (nor in the student package) now.
    "calls_the_packages_numpy": ("graded", 2, ""),
}

# Honest students graded beside the attackers, and graded again alone: every file the
# grader writes for them must be byte-for-byte the same both times.
BYSTANDERS = ["correct", "correct_vectorised_helper", "correct_with_cell_magics",
              "one_function_wrong", "unanswered", "deleted_answer_cell", "truncated_file"]


@contextlib.contextmanager
def _offline_chromium():
    """Headless Chromium (Debian's) in which every request that leaves the machine goes
    to a closed port: no network at all."""
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from test_site import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*CHROMIUM_FLAGS, "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)),
                              options=options)
    try:
        yield driver
    finally:
        driver.quit()


def run_cli(*args, check=False, path=None):
    env = dict(os.environ, PATH=path or
               f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=1800)
    if check:
        assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def read_grades(out: Path) -> dict:
    with open(out / "grades.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return {(r["student_id"], r["assignment_id"]): r for r in rows}


def _digests(*folders: Path) -> dict[str, str]:
    """sha256 of every file under `folders` (links as links)."""
    import hashlib

    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


GRADER = [ROOT / "autograder", ROOT / "rnncourse", ROOT / "notebooks"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The demo class, graded once by the CLI with 2 workers."""
    code_before = _digests(*GRADER)
    root = tmp_path_factory.mktemp("autograde")
    canary = root / "canary.txt"
    canary.write_text("original")
    submitted = root / "submitted"
    write_class(submitted, canary=str(canary), other_assignments=OTHERS)
    out = root / "out"
    # Assignment 1 (the hostile class) with a short cell limit, then the others, whose
    # Keras training needs longer; the second run keeps the first run's rows.
    proc = run_cli("autograde", submitted, "--out", out, "--workers", 2, "--timeout", TIMEOUT,
                   "--memory", MEMORY_GIB, "--assignment", A1)
    others = [arg for a in OTHERS for arg in ("--assignment", a)]
    proc_others = run_cli("autograde", submitted, "--out", out, "--workers", 2, *others)
    # The bystanders again, alone: the same files, the same settings, no attacker.
    alone = root / "alone"
    for student in BYSTANDERS:
        shutil.copytree(submitted / student, alone / "submitted" / student)
    shutil.copytree(out / ".cache", alone / "out" / ".cache")    # Keras's outputs: the same
    run_cli("autograde", alone / "submitted", "--out", alone / "out", "--workers", 2,
            "--timeout", TIMEOUT, "--memory", MEMORY_GIB, "--assignment", A1)
    return {"root": root, "submitted": submitted, "out": out, "proc": proc,
            "alone": alone / "out",
            "proc_others": proc_others, "canary": canary, "code_before": code_before,
            "code_after": _digests(*GRADER),
            "grades": read_grades(out) if (out / "grades.csv").exists() else {}}


def test_every_student_and_assignment_found_gets_exactly_one_row(graded):
    found = {(s.name, a.name) for s in graded["submitted"].iterdir() for a in s.iterdir()}
    assert set(graded["grades"]) == found, (graded["proc"].stderr[-3000:]
                                            + graded["proc_others"].stderr[-3000:])
    assert graded["proc"].returncode == graded["proc_others"].returncode == 0
    with open(graded["out"] / "grades.csv", newline="") as file:
        assert next(csv.reader(file)) == ["student_id", "assignment_id", "score", "max_score",
                                          "status", "notes"]


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_status_score_and_note(graded, student):
    status, score, phrase = EXPECTED[student]
    row = graded["grades"][(student, A1)]
    assert (row["status"], float(row["score"]), float(row["max_score"])) == (status, score, 5), (
        f"{student}: expected {status} {score}/5, got {row['status']} "
        f"{row['score']}/{row['max_score']}; notes: {row['notes']}")
    assert phrase in row["notes"], f"{student}: notes should mention {phrase!r}: {row['notes']}"


def test_the_class_shows_every_status_but_error(graded):
    statuses = {row["status"] for row in graded["grades"].values()}
    assert statuses == {"graded", "timeout", "kernel_died", "invalid_notebook",
                        "missing_notebook", "tampered"}


def test_correct_submissions_of_every_assignment_keep_full_marks(graded):
    for assignment in OTHERS:
        row = graded["grades"][("correct", assignment)]
        assert row["status"] == "graded" and row["score"] == row["max_score"], row


def test_a_folder_that_is_not_an_assignment_is_reported_not_dropped(tmp_path):
    (tmp_path / "submitted" / "bob" / "99_not_an_assignment").mkdir(parents=True)
    proc = run_cli("autograde", tmp_path / "submitted", "--out", tmp_path / "out")
    row = read_grades(tmp_path / "out")[("bob", "99_not_an_assignment")]
    assert row["status"] == "error" and "unknown assignment" in row["notes"]
    assert proc.returncode == 1     # the instructor must look at it


def test_without_bubblewrap_autograde_refuses_unless_told_to_grade_unsafely(tmp_path):
    write_class(tmp_path / "submitted", kinds=["correct", "one_function_wrong"])
    no_bwrap = str(Path(sys.executable).parent)         # a PATH on which bwrap is not found
    refused = run_cli("autograde", tmp_path / "submitted", "--out", tmp_path / "out",
                      path=no_bwrap)
    assert refused.returncode == 1, refused.stderr
    assert "bubblewrap" in refused.stderr and "--unsafe-no-sandbox" in refused.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()
    unsafe = run_cli("autograde", tmp_path / "submitted", "--out", tmp_path / "out",
                     "--unsafe-no-sandbox", "--workers", 1, path=no_bwrap)
    assert unsafe.returncode == 0, unsafe.stderr[-2000:]
    grades = read_grades(tmp_path / "out")
    assert [grades[(s, A1)]["score"] for s in ("correct", "one_function_wrong")] == ["5", "2"]
    assert all("--unsafe-no-sandbox" in row["notes"] for row in grades.values())


def test_sigterm_ends_the_run_with_its_workers_and_rooms(tmp_path):
    # A job scheduler or `kill` stops a run with SIGTERM: the workers and every room they
    # started (student code stuck in a loop) must end with it, not run on unseen.
    import signal
    import time

    write_class(tmp_path / "submitted",
                kinds=["infinite_loop_in_function", "infinite_loop_at_top_level"])
    marker = tmp_path / "tmp"       # the run's scratch folders, hence its rooms' binds
    marker.mkdir()
    env = dict(os.environ, TMPDIR=str(marker),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder", "autograde", str(tmp_path / "submitted"),
         "--out", str(tmp_path / "out"), "--workers", "2", "--timeout", "600"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # Wait until student code runs in a room (the loop never ends by itself).
        for _ in range(1200):
            if any("sandbox.py" in line for line in processes_with(str(marker))):
                break
            assert proc.poll() is None, proc.stderr.read()[-2000:]
            time.sleep(0.5)
        else:
            pytest.fail("no room started within 10 minutes")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=300) == 128 + signal.SIGTERM
        for _ in range(120):        # a killed process leaves /proc at once, or nearly
            left = processes_with(str(marker), environ=True)
            if not left:
                break
            time.sleep(0.5)
        assert not left, f"still running after SIGTERM: {left}"
        assert not list(marker.glob("rnncourse-run-*")), "the run's scratch folder was left"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_the_kernel_runs_only_when_the_clean_verdict_is_not_full_marks(graded):
    for student, (status, score, _) in EXPECTED.items():
        path = graded["out"] / ".results" / student / f"{A1}.json"
        result = json.loads(path.read_text())
        for notebook in result["notebooks"]:
            if "kernel_run" in notebook:
                assert notebook["kernel_run"] == (score < 5 or status == "tampered"), student


def test_the_kernel_reruns_only_the_tests_whose_visible_part_failed(graded):
    """one_function_wrong: rnn_cell_forward is right, rnn_forward wrong. The kernel run
    leaves out the passing test (it cannot be tampered, and the feedback shows the clean
    run's output), runs the failing one, and the autograded notebook still shows both
    tests as released."""
    result = json.loads((graded["out"] / ".results" / "one_function_wrong" /
                         f"{A1}.json").read_text())
    [notebook] = result["notebooks"]
    tests = notebook["tests"]
    assert notebook["kernel_run"] is True
    assert tests["test_rnn_cell_forward"]["clean_passed"] is True
    assert tests["test_rnn_cell_forward"]["kernel_passed"] is None     # not run again
    assert tests["test_rnn_forward"]["kernel_passed"] is False          # run, and failed
    autograded = next((graded["out"] / "autograded" / "one_function_wrong" / A1).glob(
        "*.ipynb"))
    cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): "".join(c["source"])
             for c in json.loads(autograded.read_text(encoding="utf8"))["cells"]}
    for test in load_assignment(A1).notebooks[0].tests:
        assert cells[test.grade_id].strip() == test.visible_source.strip(), test.grade_id


def test_a_submission_cannot_write_outside_its_own_folder(graded):
    assert graded["canary"].read_text() == "original"


def test_the_graders_code_is_unchanged_by_grading(graded):
    assert graded["code_after"] == graded["code_before"]


def test_saved_results_and_grades_are_untouched_by_the_attackers(graded):
    import time

    time.sleep(4)       # the daemon of leaves_a_process_behind would have woken up by now
    assert processes_with("rnncourse-stayed-behind") == []
    attackers = {"leaves_a_process_behind", "tampers_with_the_output"}  # their own source
    for path in graded["out"].rglob("*"):
        if path.is_file() and path.suffix in (".json", ".csv", ".html", ".ipynb") and \
                not attackers & set(path.parts):
            text = path.read_text(encoding="utf-8")
            if path.name == "report.html":
                # The class report quotes answers (the attackers' too) side by side.
                assert text.endswith("</html>\n"), path
                text = text[:text.index('<section class="similarity">')]
            assert not text.endswith("tampered") and "stayed-behind" not in text, path
            if path.suffix == ".json":
                json.loads(text)
    assert "stayed-behind," not in (graded["out"] / "grades.csv").read_text()
    assert read_grades(graded["out"]) == graded["grades"]


def test_honest_results_are_the_same_with_or_without_the_attackers(graded):
    # The attackers ran in the same run, on the same workers, before and after these
    # students: nothing the grader wrote for the bystanders may differ from a run without
    # them (scores, statuses, notes, feedback pages, autograded notebooks).
    alone = graded["alone"]
    for student in BYSTANDERS:
        files = sorted(p.relative_to(alone) for folder in (".results", "feedback", "autograded")
                       for p in (alone / folder / student).rglob("*") if p.is_file())
        assert any(f.parts[0] == ".results" for f in files), (student, files)
        for relative in files:
            beside, by_itself = graded["out"] / relative, alone / relative
            assert beside.read_bytes() == by_itself.read_bytes(), (
                f"{relative} differs between the class run and a run without attackers")
    alone_rows = read_grades(alone)
    for student in BYSTANDERS:
        assert graded["grades"][(student, A1)] == alone_rows[(student, A1)]


@pytest.mark.parametrize("student", ["copies_another_submission", "reads_the_solution"])
def test_copying_at_grading_time_would_work_if_the_files_were_readable(graded, student):
    """The two copiers fail only because the grader hides the files they read."""
    import numpy as np

    from rnncourse import check, reference
    from rnncourse.cases import make_cases

    notebook = json.loads((graded["submitted"] / student / A1 / "forward_pass.ipynb").read_text())
    sources = ["".join(c["source"]) for c in notebook["cells"]
               if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("rnn_")]
    scope = {"np": np}
    for source in sources:
        exec(source, scope)
    # Raises unless the copied answer matches Keras.
    check(scope["rnn_forward"], reference.rnn_forward, make_cases("rnn_forward")[:2],
          from_scratch=False, verbose=False)


def test_the_summary_counts_statuses_and_scores(graded):
    stdout = graded["proc"].stdout
    tampered = sum(status == "tampered" for status, _, _ in EXPECTED.values())
    assert re.search(rf"tampered\s+{tampered}\b", stdout), stdout
    assert "scores (percent of max)" in stdout


def _text(html_page: str) -> str:
    """What a reader sees: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_page))


def _lines(text):
    return {re.sub(r"\s+", " ", line.strip()) for line in text.splitlines()
            if len(line.strip()) > 12}


def _hidden():
    """Lines found only in hidden tests (not, say, also in a solution), and their seeds."""
    hidden, elsewhere, seeds = set(), set(), set()
    for assignment in (A1, *OTHERS):
        for notebook in load_assignment(assignment).notebooks:
            for cell in notebook.notebook.cells:
                for block in HIDDEN.findall(cell.source):
                    hidden |= _lines(block)
                    seeds |= set(re.findall(r"seed=\d+", block))
                elsewhere |= _lines(HIDDEN.sub("", cell.source))
    return hidden - elsewhere - {"### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"}, seeds


def test_feedback_and_autograded_notebooks_hold_no_hidden_test(graded):
    hidden, seeds = _hidden()
    assert len(hidden) > 40 and len(seeds) > 10
    pages = list((graded["out"] / "feedback").rglob("*.html"))
    notebooks = list((graded["out"] / "autograded").rglob("*.ipynb"))
    assert len(pages) >= 30 and len(pages) == len(notebooks)
    for path in pages + notebooks:
        raw = path.read_text(encoding="utf-8")
        text = _text(raw) if path.suffix == ".html" else "\n".join(
            "".join(c["source"]) for c in json.loads(raw)["cells"])
        assert "HIDDEN TESTS" not in text, path
        leaked = sorted(_lines(text) & hidden) + [s for s in seeds if s in text]
        assert not leaked, f"{path} shows hidden tests: {leaked[:3]}"


def test_feedback_of_an_unanswered_notebook_holds_no_solution(graded):
    from autograder.spec import SOLUTION

    solution_lines, elsewhere = set(), set()
    for notebook in load_assignment(A1).notebooks:
        for cell in notebook.notebook.cells:
            for match in SOLUTION.finditer(cell.source):
                solution_lines |= _lines(match.group(0))
            elsewhere |= _lines(SOLUTION.sub("", cell.source))
    solution_lines -= elsewhere
    assert len(solution_lines) >= 3
    page = graded["out"] / "feedback" / "unanswered" / A1 / "forward_pass.html"
    shown = _lines(_text(page.read_text(encoding="utf-8")))
    assert not shown & solution_lines
    assert "raise NotImplementedError()" in shown


def test_scripts_in_a_students_output_do_not_run_in_the_feedback(graded):
    page = (graded["out"] / "feedback" / "script_in_output" / A1 / "forward_pass.html")
    raw = page.read_text(encoding="utf-8")
    assert "<b>bold</b>" in raw                          # the output is shown, as HTML
    assert "<script>document.title" not in raw           # but its script is inert text


def test_student_text_in_the_notes_is_shown_as_text(graded):
    page = graded["out"] / "feedback" / "forges_a_grader_note" / A1 / "forward_pass.html"
    raw = page.read_text(encoding="utf-8")
    assert "198.51.100.7/pixel.png" in _text(raw)          # the message is shown...
    assert "<img" not in raw and "<strong>Notes from the grader: full" not in raw  # as text


def test_feedback_names_the_mistake_and_the_score(graded):
    page = (graded["out"] / "feedback" / "one_function_wrong" / A1 / "forward_pass.html")
    text = _text(page.read_text(encoding="utf-8"))
    assert "(Score: 2.0 / 5.0)" in text
    assert "recurrent_kernel_transposed" in text
    assert "Traceback" not in text and "checks.py" not in text


def test_gradebook_holds_the_same_scores_as_grades_csv(graded):
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{graded['out'] / 'gradebook.db'}") as gb:
        for student in gb.students:
            for submission in student.submissions:
                scores[(student.id, submission.assignment.name)] = submission.score
    expected = {key: float(row["score"]) for key, row in graded["grades"].items()
                if row["status"] != "error"}
    assert scores == expected


def test_the_gradebook_is_stamped_with_nbgraders_own_schema_revision(graded):
    # We read the revision in-process (autograder.gradebook.alembic_head) instead of
    # letting nbgrader start `alembic heads`; nbgrader's migrations (`nbgrader db
    # upgrade`) must still recognise the gradebook, so the stamp must be alembic's answer.
    import sqlite3

    from nbgrader.dbutil import _temp_alembic_ini

    from autograder.release import nbgrader_env

    with _temp_alembic_ini("sqlite:////nonexistent/gradebook.db") as ini:
        heads = subprocess.run(["alembic", "-c", ini, "heads"], capture_output=True,
                               text=True, check=True, env=nbgrader_env()).stdout
    with contextlib.closing(sqlite3.connect(graded["out"] / "gradebook.db")) as db:
        [(stamp,)] = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert stamp == heads.split()[0]


def test_rerun_reuses_results_and_regrades_only_what_changed(graded, tmp_path):
    out, submitted = tmp_path / "out", tmp_path / "submitted"
    shutil.copytree(graded["out"], out)
    shutil.copytree(graded["submitted"], submitted, symlinks=True)
    results = {p: p.stat().st_mtime_ns for p in (out / ".results").rglob("*.json")}
    changed = submitted / "one_function_wrong" / A1 / "forward_pass.ipynb"
    shutil.copy(submitted / "correct" / A1 / "forward_pass.ipynb", changed)
    run_cli("autograde", submitted, "--out", out, "--workers", 2, "--timeout", TIMEOUT,
            "--memory", MEMORY_GIB, "--assignment", A1)
    grades = read_grades(out)
    assert grades[("one_function_wrong", A1)]["score"] == "5"
    for path, mtime in results.items():
        if path.parent.name == "one_function_wrong" or A1 not in path.name:
            continue
        assert path.stat().st_mtime_ns == mtime, f"{path} was regraded but had not changed"
    for key, row in graded["grades"].items():
        if key[0] != "one_function_wrong":
            assert grades[key] == row, key      # other assignments' rows are kept too


@pytest.mark.parametrize("args, message", [
    (["autograde", "/no/such/folder", "--out", "{tmp}"], "is not a folder"),
    (["autograde", "{tmp}", "--out", "{tmp}/o", "--workers", "0"], "at least 1"),
    (["autograde", "{tmp}", "--out", "{tmp}/o", "--timeout", "-3"], "must be positive"),
    (["autograde", "{tmp}", "--out", "{tmp}/o", "--assignment", "nope"], "unknown assignment"),
])
def test_bad_arguments_get_a_clear_message_and_exit_2(tmp_path, args, message):
    proc = run_cli(*[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr, proc.stderr


def test_kernels_are_handed_the_visible_reference_calls_only(graded):
    # The kernel run, where student code runs, gets a table of Keras's outputs to save
    # TensorFlow time. It must hold what the visible tests need and nothing of the hidden
    # cases: their inputs and outputs are the hidden tests' answers.
    from rnncourse import reference_cache
    from rnncourse.cases import make_cases

    whole, visible = {}, {}
    tables = [p for p in (graded["out"] / ".cache").glob("reference-*.rnnc")
              if not p.stem.endswith("-visible")]
    assert len(tables) == 2, tables     # one per run: assignment 1, then the others
    for path in tables:
        one = reference_cache.load(path)
        its_visible = reference_cache.load(path.with_name(path.stem + "-visible.rnnc"))
        assert its_visible and set(its_visible) < set(one)
        assert all(one[key] == value for key, value in its_visible.items())
        whole.update(one)
        visible.update(its_visible)

    def keys(name, seed=0):
        return {reference_cache.key(name, case.args, case.kwargs)
                for case in make_cases(name, seed=seed)}

    hidden_calls = re.compile(r'make_cases\("(\w+)", seed=(\d+)\)')
    found = 0
    for assignment in (A1, *OTHERS):
        for notebook in load_assignment(assignment).notebooks:
            for cell in notebook.notebook.cells:
                for block in HIDDEN.findall(cell.source):
                    for name, seed in hidden_calls.findall(block):
                        hidden_keys = keys(name, int(seed)) & set(whole)
                        found += len(hidden_keys)
                        assert not hidden_keys & set(visible), (assignment, name, seed)
    assert found > 20, f"expected the hidden cases among the recorded calls; found {found}"
    # The visible test of rnn_forward (case 0 of seed 0) is there for the kernels.
    assert keys("rnn_forward") & set(visible)


def test_feedback_renders_its_maths_with_no_network(graded):
    # nbgrader's template loads MathJax 2 from a CDN; ours is MathJax 3 in a folder beside
    # the page, and typesets the notebook's own text only (never a student's output).
    folder = graded["out"] / "feedback" / "one_function_wrong" / A1
    page = folder / "forward_pass.html"
    assert "cdnjs" not in page.read_text(encoding="utf-8")
    assert (folder / "mathjax" / "tex-chtml-full.js").is_file()
    with _offline_chromium() as driver:
        from selenium.webdriver.support.ui import WebDriverWait

        driver.get(page.as_uri())
        count = "return document.querySelectorAll(arguments[0]).length"
        WebDriverWait(driver, 30).until(lambda d: d.execute_script(count, "mjx-container"))
        assert driver.execute_script(count, "mjx-container") >= 3, "expected typeset maths"
        assert driver.execute_script(count, "mjx-merror") == 0, "a formula failed to typeset"
        assert driver.execute_script(count, ".output_area mjx-container") == 0


# --- the class report (autograder/class_report.py) ------------------------------------------

def _failing(graded, test: str, phrase: str) -> set[str]:
    """The students whose assignment-1 test `test` failed with `phrase` in its message,
    read straight from the saved results."""
    found = set()
    for path in (graded["out"] / ".results").glob(f"*/{A1}.json"):
        for notebook in json.loads(path.read_text())["notebooks"]:
            outcome = notebook["tests"].get(test)
            if outcome and not outcome["clean_passed"] and phrase in outcome["message"]:
                found.add(path.parent.name)
    return found


def test_the_class_report_counts_the_named_mistakes_of_each_function(graded):
    out = graded["out"]
    assert f"report: {out / 'report.html'}" in graded["proc"].stdout
    with open(out / "mistakes.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    forward = [r for r in rows if (r["assignment"], r["function"]) == (A1, "test_rnn_forward")]
    transposed = _failing(graded, "test_rnn_forward", "Hint (recurrent_kernel_transposed)")
    assert "one_function_wrong" in transposed
    [row] = [r for r in forward if r["mistake"] == "recurrent_kernel_transposed"]
    assert int(row["students"]) == len(transposed)
    assert set(row["student_ids"].split()) == transposed
    # The named mistakes, most common first, then the failures no mistake explains.
    kinds = [r["mistake"].startswith("no named mistake: ") for r in forward]
    assert kinds == sorted(kinds), forward
    for unnamed in (False, True):
        counts = [int(r["students"]) for r, kind in zip(forward, kinds) if kind == unnamed]
        assert counts == sorted(counts, reverse=True), forward
    # A failure no mistake explains is grouped by its first line.
    unanswered = _failing(graded, "test_rnn_cell_forward", "NotImplementedError")
    assert {"unanswered", "deleted_answer_cell"} <= unanswered
    [row] = [r for r in rows if r["function"] == "test_rnn_cell_forward"
             and r["mistake"] == "no named mistake: NotImplementedError"]
    assert set(row["student_ids"].split()) == unanswered
    page = (out / "report.html").read_text(encoding="utf-8")
    plural = "s" if len(transposed) > 1 else ""
    assert f"<b>recurrent_kernel_transposed</b>: {len(transposed)} student{plural}" in page


def test_the_class_report_lists_every_flagged_submission_and_the_slowest(graded):
    page = (graded["out"] / "report.html").read_text(encoding="utf-8")
    attention = page[page.index('id="attention"'):page.index('id="slowest"')]
    for student, (status, _, phrase) in EXPECTED.items():
        if status == "graded":
            assert f"<td>{student}</td>" not in attention, student
        else:
            assert re.search(rf"<td>{student}</td><td>{A1}</td><td><span class=\"status\">"
                             rf"{status}</span>", attention), student
            assert html.escape(phrase) in attention, (student, phrase)
    for key in graded["grades"]:      # every job's time is kept beside its result
        timing = json.loads((graded["out"] / ".timing" / key[0] / f"{key[1]}.json").read_text())
        assert isinstance(timing["wall_seconds"], float) and timing["wall_seconds"] >= 0, key
    slowest = page[page.index('id="slowest"'):]
    seconds = [float(s) for s in re.findall(r"<td>([\d.]+)</td></tr>", slowest)]
    assert len(seconds) == 10 and seconds == sorted(seconds, reverse=True)


def test_the_class_report_opens_offline_with_its_figures_and_tables(graded):
    page = graded["out"] / "report.html"
    raw = page.read_text(encoding="utf-8")
    # Student code quoted in the similarity view may mention URLs (escaped text); no
    # attribute of the page's own elements may point at another host.
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", raw), \
        "the report must load nothing"
    with _offline_chromium() as driver:
        driver.get(page.as_uri())
        images = driver.execute_script(
            "return Array.from(document.images, i => [i.complete, i.naturalWidth, "
            "i.src.slice(0, 22)])")
        rows = driver.execute_script(
            "return Array.from(document.querySelectorAll('table'), t => t.tBodies[0].rows.length)")
        scripts = driver.execute_script("return document.scripts.length")
    assignments = {a for _, a in graded["grades"]}
    # One histogram per assignment, each loaded, and no other image (a student's `<img>`).
    assert len(images) == len(assignments) == 1 + len(OTHERS)
    assert all(done and width > 0 and src == "data:image/png;base64," for done, width, src
               in images), images
    assert len(rows) >= 5 and all(n > 0 for n in rows), rows
    assert scripts == 0


def test_the_report_command_writes_the_same_report_again(graded, tmp_path):
    from autograder.__main__ import main

    copy = tmp_path / "out"         # the same folder name: the page's title is the same
    for part in (".results", ".timing"):
        shutil.copytree(graded["out"] / part, copy / part)
    shutil.copy(graded["out"] / "grades.csv", copy / "grades.csv")
    assert main(["report", str(copy), "--submitted", str(graded["submitted"])]) == 0
    for name in ("report.html", "mistakes.csv"):
        assert (copy / name).read_bytes() == (graded["out"] / name).read_bytes(), name


def test_the_class_report_lists_identical_answers_as_similar(graded):
    page = (graded["out"] / "report.html").read_text(encoding="utf-8")
    similar = page[page.index('id="similar"'):]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<(]+)(?: \([^)]*\))?</td>"
                      r"<td>([^<(]+)(?: \([^)]*\))?</td><td>(\d+)%</td>", similar)
    pairs = {(a, s.strip(), t.strip()) for a, s, t, _ in rows}
    # The demo class's honest variants hand in the same answers: every pair is listed,
    # with each student's grade beside the name.
    assert (A1, "correct", "correct_with_cell_magics") in pairs, sorted(pairs)[:20]
    assert "correct (5/5)" in similar
    # Two notebooks left unanswered share only the released code, which does not count.
    assert not {(A1, "deleted_answer_cell", "unanswered"),
                (A1, "unanswered", "deleted_answer_cell")} & pairs
