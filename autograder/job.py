"""Grade one submission: a pure job, notebook files in, scores, status and feedback out.

A job reads only its own submission folder and the instructor's sources, writes
only to a scratch folder it deletes, and returns a plain dict (JSON-ready), so a
local process pool and a Dask cluster can run it alike.

For each notebook of the assignment it:

1. finds the file (a renamed copy is accepted, with a note) and reads it defensively;
2. rebuilds the notebook to grade from the source (`submissions.merge`);
3. runs the tests where student code cannot reach them (`clean_run`): the scores
   come from this clean verdict;
4. unless that verdict is already full marks, runs the notebook in a guarded kernel,
   as nbgrader would (`kernel_run`): the outputs shown in the feedback, and the
   in-kernel test results. A kernel can only agree with full marks or score lower,
   so skipping it then changes no score or status, and saves the slowest step. For
   the same reason the kernel leaves out each test whose visible part passed in the
   clean run, or that ran out of time there;
5. compares the two: a test that passed in the kernel but fails in the clean run
   means the submission changed the grading, so the status is `tampered`.

Statuses, from most to least severe: `missing_notebook`, `invalid_notebook`,
`error`, `tampered`, `kernel_died`, `timeout`, `graded`.

Example:

>>> result = grade(Job("alice", "01_forward_pass", "submitted/alice/01_forward_pass"),
...                Settings(timeout=30))                          # doctest: +SKIP
>>> result["status"], result["score"], result["max_score"]        # doctest: +SKIP
('graded', 5.0, 5.0)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from autograder import clean_run, feedback, jail, kernel_run
from autograder.history import earlier_releases
from autograder.spec import NOTEBOOKS, load_assignment
from autograder.submissions import BadNotebook, Job, locate, merge, read_notebook

REPO = Path(__file__).resolve().parents[1]
UNSAFE_NOTE = ("graded with --unsafe-no-sandbox: no OS sandbox, only resource limits and "
               "an audit hook")
SEVERITY = ["missing_notebook", "invalid_notebook", "error", "tampered", "kernel_died",
            "timeout", "graded"]


@dataclass(frozen=True)
class Settings:
    timeout: float = 60.0                 # seconds per cell
    memory_bytes: int = 3 << 30           # heap cap of every process running student code
    max_output_bytes: int = 1 << 20       # output kept per cell
    reference_cache: str | None = None    # file of Keras outputs for the kernels
    isolated: bool = True                 # False only with --unsafe-no-sandbox
    scratch_root: str | None = None       # the run's folder of scratch folders

    def limits(self) -> jail.Limits:
        return jail.Limits(memory_bytes=self.memory_bytes)

    def recorded(self) -> dict:
        """The settings that decide a grade: what a result records and is reused by.
        Where this run keeps its files does not, so the same class graded twice gives
        byte-for-byte the same results."""
        data = asdict(self)
        for where in ("reference_cache", "scratch_root"):
            data.pop(where)
        return data


def _folders(job: Job, settings: Settings):
    """What student code may not read: the course repository (solutions, hidden tests,
    git history), every submission, and (in the sandbox) the reference outputs."""
    hidden = [REPO, Path(job.folder).resolve().parents[1]]
    visible = [Path(sys.prefix), REPO / "rnncourse", REPO / "autograder"]
    cache = [Path(settings.reference_cache).parent] if settings.reference_cache else []
    return hidden, hidden + cache, visible


def _timed_out(cell, timeout: float) -> str:
    """The note for a cell stopped at the time limit, by the kernel run or the clean run."""
    return f"cell {cell} ran past the {timeout:g} s limit and was stopped"


def _worst(statuses):
    return min(statuses, key=SEVERITY.index) if statuses else "graded"


def _kernel_passed(cell, completed: bool) -> bool | None:
    """Did a test cell pass in the kernel? None if it never finished."""
    if not completed:
        return None
    return not any(o.output_type == "error" for o in cell.outputs)


def grade_notebook(job: Job, spec, settings: Settings, taken: set[str]) -> dict:
    """Grade one notebook of the assignment; see the module docstring."""
    folder = Path(job.folder)
    record = {"notebook": spec.name, "status": "graded", "score": 0.0,
              "max_score": spec.max_score, "notes": [], "tests": {}, "feedback_html": None,
              "autograded": None}
    path, note = locate(folder, spec, taken)
    if note:
        record["notes"].append(note)
    if path is None:
        record["status"] = "missing_notebook"
        return record
    taken.add(path.name)
    try:
        submitted = read_notebook(path)
    except (BadNotebook, OSError) as err:
        record["status"] = "invalid_notebook"
        record["notes"].append(str(err))
        return record

    merged = merge(submitted, spec, released_as=earlier_releases(
        NOTEBOOKS / job.assignment_id / spec.name))
    record["notes"] += merged.notes
    statuses = []
    if merged.tests_touched:
        statuses.append("tampered")
        record["notes"].append("test cells were changed or removed ("
                               + ", ".join(merged.tests_touched) + "): graded with the "
                               "originals")
    # Under the run's own folder, which the engine removes at the end even if a worker
    # was killed mid-job (on a Dask worker elsewhere, the system's temporary folder).
    root = settings.scratch_root if settings.scratch_root and \
        os.path.isdir(settings.scratch_root) else None
    scratch = Path(tempfile.mkdtemp(prefix="rnncourse-grade-", dir=root))
    rooms = []
    try:
        inputs = scratch / "inputs"
        # Links are copied as links (the rooms show them pointing at nothing), never
        # followed. Each room copies these files into its own working folder.
        shutil.copytree(folder, inputs, symlinks=True, ignore=shutil.ignore_patterns("*.ipynb"))
        os.chmod(inputs, 0o755)

        def room(name, **options):
            (scratch / name).mkdir()
            rooms.append(jail.Room(scratch / name, inputs, settings.limits(),
                                   isolated=settings.isolated, **options))
            return rooms[-1]

        kernel_hidden, sandbox_hidden, visible = _folders(job, settings)
        not_rerun: set[str] = set()     # tests the kernel run leaves out
        outcomes, sandbox_notes, cell_errors = clean_run.run_tests(
            spec, merged.student_cells,
            room("clean", hide=jail.not_from_scratch() if spec.from_scratch else ()),
            timeout=settings.timeout,
            hidden=sandbox_hidden, visible=visible)
        if all(o.passed for o in outcomes.values()) and not merged.tests_touched:
            # Full marks in the clean run: the kernel could only agree or score lower, so
            # it can change neither the score nor the status. Skip it (the slow part).
            executed = kernel_run.KernelResult(merged.notebook)
            record["kernel_run"] = False
        else:
            # Hidden tests never run where student code runs: the kernel gets the
            # visible tests only (what the student has), and they are compared with the
            # clean run's verdict on that same visible part. A test whose visible part
            # passed in the clean run, or that ran out of time there, is left blank: it
            # cannot be `tampered`, and the feedback shows the clean run's output for
            # every test, so running it again would only cost time (for a Keras
            # assignment, a model trained again; for an endless loop, another timeout).
            released = {t.grade_id: t.visible_source for t in spec.tests}
            for cell in merged.notebook.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if grade_id in released:
                    outcome = outcomes.get(grade_id)
                    settled = outcome is not None and (outcome.visible_passed or
                                                       outcome.timed_out)
                    cell.source = "" if settled else released[grade_id]
                    if settled:
                        not_rerun.add(grade_id)
            executed = kernel_run.execute(
                merged.notebook, room("kernel"), timeout=settings.timeout,
                max_output_bytes=settings.max_output_bytes,
                # Absent while a run still computes it: only notebooks that do not
                # compare with Keras's outputs are graded before it exists.
                reference_cache=settings.reference_cache if settings.reference_cache
                and os.path.exists(settings.reference_cache) else None,
                hidden=kernel_hidden,
                visible=visible,
                expected_cells=sum(c.cell_type == "code" for c in spec.notebook.cells))
            for cell in executed.notebook.cells:       # the feedback shows every test
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if grade_id in not_rerun:
                    cell.source = released[grade_id]
            record["kernel_run"] = True
    finally:
        for each in rooms:
            each.close()
        shutil.rmtree(scratch, ignore_errors=True)

    notebook = executed.notebook
    if executed.died:
        statuses.append("timeout" if executed.stuck else
                        "tampered" if executed.forged else "kernel_died")
        record["notes"].append(executed.died)
    for index in executed.timed_out:
        statuses.append("timeout")
        grade_id = notebook.cells[index].metadata.get("nbgrader", {}).get("grade_id")
        record["notes"].append(_timed_out(grade_id or index + 1, settings.timeout))
    if executed.truncated:
        record["notes"].append(f"{len(executed.truncated)} cell(s) printed more than "
                               f"{settings.max_output_bytes // 1024} KiB; the rest was dropped")
    for note in sandbox_notes:
        statuses.append("timeout" if "time limit" in note else
                        "tampered" if clean_run.FORGED in note else "kernel_died")
        record["notes"].append(note)
    if any("MemoryError" in o.get("ename", "") for c in notebook.cells
           for o in c.get("outputs", [])):
        record["notes"].append(f"the code ran out of memory (the cap is "
                               f"{settings.memory_bytes / 2**30:.1f} GiB)")

    for label, error in cell_errors:
        record["notes"].append(f"your cell {label} stopped with {error}; the code after "
                               f"that point in the cell did not run")
    tampered = []
    for index, cell in enumerate(notebook.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in outcomes:
            continue
        outcome = outcomes[grade_id]
        in_kernel = None if grade_id in not_rerun else \
            _kernel_passed(cell, index in executed.completed)
        if in_kernel and not outcome.visible_passed and not outcome.timed_out:
            tampered.append(grade_id)
        if outcome.timed_out:
            statuses.append("timeout")
            if grade_id in not_rerun:       # else the kernel run's own note says it
                record["notes"].append(_timed_out(grade_id, settings.timeout))
        record["tests"][grade_id] = {
            "points": outcome.points, "score": outcome.points if outcome.passed else 0.0,
            "kernel_passed": in_kernel, "clean_passed": outcome.passed,
            "message": outcome.message[:2000]}
    if tampered:
        statuses.append("tampered")
        record["notes"].append(
            "these tests passed inside your notebook but fail when your functions are "
            "checked on their own: " + ", ".join(tampered) + ". Your notebook changed how "
            "it was graded; the clean result counts")
    record["score"] = sum(t["score"] for t in record["tests"].values())
    record["status"] = _worst(statuses)
    graded = feedback.feedback_notebook(notebook, outcomes)
    record["autograded"] = nbformat.writes(graded)
    record["feedback_html"] = feedback.render(
        graded, spec, outcomes, record["notes"], student_id=job.student_id,
        assignment_id=job.assignment_id)
    return record


def grade(job: Job, settings: Settings, spec=None) -> dict:
    """Grade every notebook of `job`'s assignment. Never raises: errors become a status.

    The result's `wall_seconds` is the job's own time (the class report's slowest
    submissions). It is the one field that differs between two gradings of the same
    files, so the engine keeps it out of the saved result, in `OUT/.timing/`.
    """
    start = time.monotonic()
    result = _grade(job, settings, spec)
    result["wall_seconds"] = round(time.monotonic() - start, 3)
    return result


def _grade(job: Job, settings: Settings, spec=None) -> dict:
    result = {"student_id": job.student_id, "assignment_id": job.assignment_id,
              "status": "error", "score": None, "max_score": None, "notes": [],
              "notebooks": [], "settings": settings.recorded()}
    try:
        spec = spec or load_assignment(job.assignment_id)
    except ValueError as err:
        result["notes"].append(str(err))
        return result
    result["max_score"] = spec.max_score
    try:
        taken: set[str] = set()
        for notebook_spec in spec.notebooks:
            result["notebooks"].append(grade_notebook(job, notebook_spec, settings, taken))
    except Exception as err:  # noqa: BLE001 - a grader failure must not lose the others
        result["notes"].append(f"the grader failed: {type(err).__name__}: {err}"[:1000])
        result["traceback"] = traceback.format_exc()[-5000:]
        return result
    result["status"] = _worst([nb["status"] for nb in result["notebooks"]])
    result["score"] = sum(nb["score"] for nb in result["notebooks"])
    result["notes"] = [n for nb in result["notebooks"] for n in nb["notes"]]
    if not settings.isolated:
        result["notes"].append(UNSAFE_NOTE)
    return result
