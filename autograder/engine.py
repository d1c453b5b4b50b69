"""Grade a class: run the jobs in parallel, keep every result, then write the outputs.

`autograde` is what `python -m autograder autograde` runs:

1. find every (student, assignment) in SUBMITTED;
2. grade the jobs not already graded, in a local process pool (default) or on a
   Dask cluster (`scheduler=ADDRESS`), while this process computes Keras's reference
   outputs once (`references`): the jobs that compare with them (the from-scratch
   assignments) start when the table is ready, the Keras assignments at once (on Dask,
   the table comes first); each result is saved as soon as it arrives,
   so an interrupted run loses nothing and a re-run resumes where it stopped;
3. write the gradebook (one writer), `grades.csv`, the feedback and the
   autograded notebooks, and return the rows for the summary.

A result is reused when the submission's files and the grader's settings are
unchanged and its status is not `error`; `force=True` regrades everything.

Example:

>>> rows = autograde(Path("submitted"), Path("out"), workers=2)   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from autograder import feedback, gradebook, jail, report
from autograder.files import write_private
from autograder.job import Settings, grade
from autograder.references import reference_table, table_paths
from autograder.release import assignments
from autograder.spec import load_assignment
from autograder.submissions import Job, discover, fingerprint

GRADER_VERSION = "1"


# --- workers -------------------------------------------------------------------------

def needs_references(job, specs: dict) -> bool:
    """Does the job's assignment compare answers with Keras's reference outputs (a
    from-scratch notebook)? Unknown assignments count as yes: they wait like the rest."""
    spec = specs.get(job.assignment_id)
    return spec is None or any(nb.from_scratch for nb in spec.notebooks)


def longest_first(pending: list, specs: dict) -> list:
    """`(job, ...)` items with the jobs of the Keras assignments (no reference table)
    first.

    Such a job is about ten times a from-scratch job's work (its tests train models);
    started last, they would run on alone while the other workers idle, and they need
    not wait for the reference table. Otherwise the order is kept (students stay sorted).
    """
    return sorted(pending, key=lambda item: needs_references(item[0], specs))  # stable


_INSTALLED: set[str] = set()        # the reference tables this worker has installed


def _init_worker(table=None):
    from rnncourse import reference_cache

    # Before TensorFlow is imported here (by a test's setup): see jail.ONE_THREAD.
    os.environ.update(jail.ONE_THREAD)
    if table is not None:
        reference_cache.install(table)


def _grade_in_worker(job, settings, table=None, table_path=None):
    if table is not None:
        _init_worker(table)
    if table_path is not None and table_path not in _INSTALLED:
        from rnncourse import reference_cache

        reference_cache.install(reference_cache.load(table_path))
        _INSTALLED.add(table_path)
    return grade(job, settings)


def kill_pool(executor: ProcessPoolExecutor):
    """Kill a process pool's processes now, finished or not, and let it go."""
    for process in list((executor._processes or {}).values()):
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)


RUNNING_SCRATCH: list[str] = []     # this process's runs' scratch folders, while they run


class LocalPool:
    """A pool of fresh processes (spawned: the parent may hold TensorFlow's threads).

    If a worker process dies (a crash in a native library, the kernel's OOM killer), the
    pool is rebuilt and the unfinished jobs run again; a job caught in `MAX_ATTEMPTS`
    crashes is reported as failed.
    """

    MAX_ATTEMPTS = 3

    def __init__(self, workers, table=None, fn=None):
        self.workers, self.table = workers, table
        self.fn = fn or _grade_in_worker
        self.pool = self._new_pool()

    def _new_pool(self):
        return ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(self.table,))

    def run(self, jobs, settings, then=None):
        """Yield `(job, future)` as jobs finish.

        `then`, if given, is called once the first `jobs` are submitted, while they run;
        it returns `(more_jobs, table_path)`: jobs to grade next, and the file of
        reference outputs that their workers install (see `autograde`).
        """
        pending, attempts, table_path = list(jobs), {}, None
        while pending or then:
            futures = {self._submit(job, settings, table_path): job for job in pending}
            pending = []
            if then is not None:
                more, table_path = then()
                then = None
                futures.update({self._submit(job, settings, table_path): job for job in more})
            for future in as_completed(futures):
                job = futures[future]
                if isinstance(future.exception(), BrokenProcessPool):
                    attempts[job] = attempts.get(job, 0) + 1
                    if attempts[job] < self.MAX_ATTEMPTS:
                        pending.append(job)
                        continue
                yield job, future
            if pending:
                self.pool.shutdown(cancel_futures=True)
                self.pool = self._new_pool()

    def _submit(self, job, settings, table_path):
        if table_path is None:
            return self.pool.submit(self.fn, job, settings)
        return self.pool.submit(self.fn, job, settings, table_path=table_path)

    def close(self):
        # Every job is done and the workers are idle: kill them, rather than let each
        # tear TensorFlow down (a second or two of CPU) while the gradebook and the
        # report are written.
        kill_pool(self.pool)

    def abort(self):
        """Stop now (Ctrl-C; SIGTERM is the CLI's `_terminate`): kill the workers; each
        one's rooms die with it (--die-with-parent), so no student code outlives the run."""
        kill_pool(self.pool)


class DaskPool:
    """The same jobs on a Dask distributed cluster."""

    def __init__(self, address, table):
        from distributed import Client

        self.client = Client(address)
        self.table = self.client.scatter(table, broadcast=True)

    def run(self, jobs, settings):
        from distributed import as_completed as dask_completed

        futures = {self.client.submit(_grade_in_worker, job, settings, self.table,
                                      pure=False, key=f"grade-{job.student_id}-"
                                      f"{job.assignment_id}-{time.monotonic_ns()}"): job
                   for job in jobs}
        self.futures = list(futures)
        for future in dask_completed(futures):
            yield futures[future], future

    def close(self):
        self.client.close()

    def abort(self):
        """Stop now: cancel what has not finished (a running task stops with its worker's
        job, whose rooms end when it returns)."""
        self.client.cancel(getattr(self, "futures", []))
        self.client.close()


# --- results on disk -------------------------------------------------------------------

def _settings_key(settings: Settings) -> str:
    data = settings.recorded()
    root = Path(__file__).parent
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode() + GRADER_VERSION.encode())
    for path in sorted(root.rglob("*.py")) + sorted((root.parent / "notebooks").rglob("*.ipynb")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _result_path(out: Path, job: Job) -> Path:
    return out / ".results" / job.student_id / f"{job.assignment_id}.json"


def _timing_path(out: Path, job: Job) -> Path:
    return out / ".timing" / job.student_id / f"{job.assignment_id}.json"


def _save(out: Path, job: Job, result: dict):
    """Write one result and its files atomically, as soon as it is known.

    The job's time goes to `OUT/.timing/` (for the class report), not into the result:
    a result stays byte-for-byte the same when the same files are graded again.
    """
    path = _result_path(out, job)
    seconds = result.pop("wall_seconds", None)
    path.parent.mkdir(parents=True, exist_ok=True)
    for notebook in result.get("notebooks", []):
        name = notebook["notebook"]
        html, autograded = notebook.pop("feedback_html", None), notebook.pop("autograded", None)
        if html:
            folder = out / "feedback" / job.student_id / job.assignment_id
            write_private(folder / name.replace(".ipynb", ".html"), html)
            feedback.install_mathjax(folder)
        if autograded:
            write_private(out / "autograded" / job.student_id / job.assignment_id / name,
                          autograded)
    write_private(path, json.dumps(result, indent=1))
    try:
        write_private(_timing_path(out, job), json.dumps({"wall_seconds": seconds}))
    except OSError:
        pass                # only the report's table of slow jobs misses it


def _load(out: Path, job: Job, stamp: dict) -> dict | None:
    path = _result_path(out, job)
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if result.get("status") == "error" or (stamp is not None and result.get("stamp") != stamp):
        return None
    return result


# --- the run -------------------------------------------------------------------------------

def autograde(submitted: Path, out: Path, *, workers: int | None = None,
              only: list[str] | None = None, timeout: float = 60.0,
              memory_gib: float = 3.0, db_url: str | None = None,
              scheduler: str | None = None, force: bool = False,
              unsafe_no_sandbox: bool = False, progress=None) -> list[dict]:
    """Grade every submission in `submitted` into `out`; see the module docstring.

    Args:
        submitted: nbgrader's `submitted/` folder.
        out: where grades.csv, feedback/, autograded/ and the gradebook go.
        workers: processes for the local pool (default: the number of cores).
        only: grade only these assignment ids.
        timeout: seconds per cell.
        memory_gib: the memory cap of each process running student code.
        db_url: the gradebook's SQLAlchemy URL (default `sqlite:///OUT/gradebook.db`).
        scheduler: a Dask scheduler address; grades on that cluster instead.
        force: regrade even unchanged submissions.
        unsafe_no_sandbox: grade without the OS sandbox (limits and the audit hook only);
            every row's notes say so.
        progress: called as `progress(done, total, row)` after each job.

    Returns:
        The grades.csv rows, one per (student, assignment): those graded now, and those
        of other assignments graded by an earlier run whose files have not changed.

    Raises:
        ValueError: a bad argument (unknown assignment, non-positive timeout...).
        FileNotFoundError: `submitted` is not a folder.
        jail.SandboxUnavailable: bubblewrap cannot run here (and no `unsafe_no_sandbox`).
    """
    if timeout <= 0:
        raise ValueError(f"--timeout must be positive, got {timeout}")
    if memory_gib <= 0:
        raise ValueError(f"--memory must be positive, got {memory_gib}")
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    known = assignments()
    unknown = sorted(set(only or []) - set(known))
    if unknown:
        raise ValueError(f"unknown assignment(s) {unknown}; known: {known}")
    submitted, out = Path(submitted), Path(out)
    everyone = discover(submitted)
    if not unsafe_no_sandbox and jail.check() is not None:
        raise jail.SandboxUnavailable(jail.check())
    jail.sweep_cgroups()
    jobs = [j for j in everyone if not only or j.assignment_id in only]
    out.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{(out / 'gradebook.db').resolve()}"

    specs = {a: load_assignment(a) for a in sorted({j.assignment_id for j in everyone}
                                                   & set(known))}
    graded_specs = [specs[a] for a in sorted({j.assignment_id for j in jobs} & set(specs))]
    table_file, visible_table = table_paths(graded_specs, out / ".cache")
    visible_table.parent.mkdir(exist_ok=True)  # hidden from student code from the start

    def references() -> dict:
        table, _, _ = reference_table(graded_specs, out / ".cache",
                                      isolated=not unsafe_no_sandbox)
        return table

    scratch_root = tempfile.mkdtemp(prefix="rnncourse-run-")
    RUNNING_SCRATCH.append(scratch_root)        # for the CLI's SIGTERM handler
    settings = Settings(timeout=float(timeout), memory_bytes=int(memory_gib * 2**30),
                        reference_cache=str(visible_table.resolve()),
                        isolated=not unsafe_no_sandbox, scratch_root=scratch_root)
    key = _settings_key(settings)

    results, pending = {}, []
    for job in jobs:
        stamp = {"files": fingerprint(Path(job.folder)), "grader": key}
        cached = None if force else _load(out, job, stamp)
        if cached:
            results[job.key] = cached
        else:
            pending.append((job, stamp))
    # Assignments left out with --assignment keep their earlier results, if still current.
    earlier = {}
    for job in everyone:
        if job not in jobs:
            result = _load(out, job, None)
            if result and result.get("stamp", {}).get("files") == fingerprint(Path(job.folder)):
                earlier[job.key] = result

    done = len(results)
    if progress:
        for result in results.values():
            progress(done, len(jobs), report.row(result))
    if pending:
        stamps = {job.key: stamp for job, stamp in pending}
        pending = [job for job, _ in longest_first(pending, specs)]
        if scheduler:
            pool = DaskPool(scheduler, references())
            finished = pool.run(pending, settings)
        else:
            # Keras's reference outputs are computed here while the workers already grade
            # the jobs that do not compare with them (the Keras assignments, which
            # `longest_first` puts first anyway); the other jobs follow with the table.
            pool = LocalPool(workers)
            first = [job for job in pending if not needs_references(job, specs)]
            rest = [job for job in pending if needs_references(job, specs)]

            def then():
                references()
                return rest, str(table_file)

            finished = pool.run(first, settings, then=then)
        try:
            for job, future in finished:
                try:
                    result = future.result()
                except Exception as err:  # noqa: BLE001 - a lost worker is an error row
                    result = {"student_id": job.student_id, "assignment_id": job.assignment_id,
                              "status": "error", "score": None, "max_score": None,
                              "notes": [f"the grading worker failed: {type(err).__name__}: "
                                        f"{err}"[:1000]], "notebooks": []}
                result["stamp"] = stamps[job.key]
                try:
                    _save(out, job, result)
                except OSError as err:      # e.g. something planted where a file goes
                    result["status"], result["score"] = "error", None
                    result["notes"] = list(result.get("notes", [])) + [
                        f"the grader could not save this result: {err}"[:1000]]
                results[job.key] = result
                done += 1
                if progress:
                    progress(done, len(jobs), report.row(result))
        except BaseException:
            pool.abort()
            raise
        pool.close()
    shutil.rmtree(scratch_root, ignore_errors=True)     # what killed workers left behind
    RUNNING_SCRATCH.remove(scratch_root)

    ordered = [results.get(job.key) or earlier.get(job.key) for job in everyone]
    ordered = [r for r in ordered if r is not None]
    gradebook.record(db_url, specs, ordered)
    rows = [report.row(r) for r in ordered]
    report.write_csv(out / "grades.csv", rows)
    return rows


def progress_printer(stream=sys.stderr):
    """A progress bar on a terminal, one line per job otherwise."""
    start = time.monotonic()

    def show(done, total, row):
        elapsed = time.monotonic() - start
        if stream.isatty():
            width = 30
            filled = int(width * done / max(total, 1))
            stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                         f"{elapsed:5.0f} s  {row['student_id'][:20]:20} {row['status']:16}")
            if done == total:
                stream.write("\n")
        else:
            stream.write(f"[{done}/{total}] {row['student_id']}/{row['assignment_id']}: "
                         f"{row['status']} {row['score']}/{row['max_score']} "
                         f"({elapsed:.0f} s)\n")
        stream.flush()

    return show
