"""Command line of the instructor pipeline (run from the repository root).

    python -m autograder release --out DIR
    python -m autograder autograde SUBMITTED --out OUT [--workers N] [--assignment A]
                                   [--timeout S] [--memory GIB] [--db URL]
                                   [--scheduler ADDRESS] [--force] [--unsafe-no-sandbox]
    python -m autograder demo --out DIR
    python -m autograder export OUT --to canvas|moodle [--file PATH] [--canvas-id COLUMN]
    python -m autograder report OUT
    python -m autograder similarity SUBMITTED [--out FILE.html] [--threshold X] [--assignment A]

`autograde` ends by writing the class report, OUT/report.html and OUT/mistakes.csv
(`autograder.class_report`); `report` writes them again from OUT's saved results.

Exit status: 0 when every submission got a grade (whatever its status), 1 when
the grader itself failed on some submission (status `error`) or could not run,
2 for bad arguments.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _fraction(text):
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _parser():
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="rnncourse's instructor pipeline")
    commands = parser.add_subparsers(dest="command", required=True)

    release_cmd = commands.add_parser(
        "release", help="write the student version of every assignment to DIR")
    release_cmd.add_argument("--out", required=True, type=Path, help="output folder")
    release_cmd.add_argument("--assignment", action="append",
                             help="release only this assignment (repeatable)")

    grade_cmd = commands.add_parser(
        "autograde", help="grade SUBMITTED/<student>/<assignment>/<notebook>.ipynb")
    grade_cmd.add_argument("submitted", type=Path, help="nbgrader's submitted/ folder")
    grade_cmd.add_argument("--out", required=True, type=Path,
                           help="where grades.csv, feedback/ and the gradebook go")
    grade_cmd.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 1,
                           help="parallel grading processes (default: the number of cores)")
    grade_cmd.add_argument("--assignment", action="append",
                           help="grade only this assignment (repeatable)")
    grade_cmd.add_argument("--timeout", type=_positive_float, default=60.0,
                           help="seconds each cell may run (default 60)")
    grade_cmd.add_argument("--memory", type=_positive_float, default=3.0,
                           help="GiB of memory per process running student code (default 3)")
    grade_cmd.add_argument("--db", help="gradebook SQLAlchemy URL "
                           "(default sqlite:///OUT/gradebook.db)")
    grade_cmd.add_argument("--scheduler", help="a Dask scheduler address, e.g. "
                           "tcp://10.0.0.5:8786 (default: a local process pool)")
    grade_cmd.add_argument("--force", action="store_true",
                           help="regrade submissions already graded with these settings")
    grade_cmd.add_argument("--unsafe-no-sandbox", action="store_true",
                           help="grade without the OS sandbox (bubblewrap): only resource "
                           "limits and an audit hook stand between student code and the "
                           "course; every row's notes say so")

    report_cmd = commands.add_parser(
        "report", help="write OUT/report.html and OUT/mistakes.csv from OUT's saved results")
    report_cmd.add_argument("out", type=Path, help="the --out folder of autograde")
    report_cmd.add_argument("--submitted", type=Path,
                            help="the graded submissions: also list similar pairs")

    demo_cmd = commands.add_parser("demo", help="write a demo class of submissions to DIR")
    demo_cmd.add_argument("--out", required=True, type=Path)

    export_cmd = commands.add_parser(
        "export", help="write OUT/grades.csv in the CSV format Canvas or Moodle imports")
    export_cmd.add_argument("out", type=Path, help="the --out folder of autograde")
    export_cmd.add_argument("--to", required=True, choices=("canvas", "moodle"))
    export_cmd.add_argument("--file", type=Path,
                            help="where to write (default OUT/canvas.csv or OUT/moodle.csv)")
    export_cmd.add_argument("--canvas-id", default="SIS Login ID",
                            choices=("SIS Login ID", "SIS User ID", "ID"),
                            help="the Canvas column that holds nbgrader's student id")

    similar_cmd = commands.add_parser(
        "similarity", help="list pairs of submissions whose answers are suspiciously alike")
    similar_cmd.add_argument("submitted", type=Path, help="nbgrader's submitted/ folder")
    similar_cmd.add_argument("--out", type=Path, help="also write the side-by-side view here")
    similar_cmd.add_argument("--threshold", type=_fraction, default=None,
                             help="smallest similarity listed, 0 to 1 (default 0.5)")
    similar_cmd.add_argument("--assignment", action="append",
                             help="check only this assignment (repeatable)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "release":
        from autograder.release import release

        try:
            written = release(args.out, args.assignment)
        except (ValueError, RuntimeError) as err:
            print(f"release failed: {err}", file=sys.stderr)
            return 1
        for path in written:
            print(path)
        return 0
    if args.command == "export":
        from autograder.files import write_private
        from autograder.lms_export import canvas_csv, moodle_csv, read_grades

        try:
            rows = read_grades(args.out)
        except (FileNotFoundError, ValueError) as err:
            print(f"export: {err}", file=sys.stderr)
            return 2
        text = canvas_csv(rows, args.canvas_id) if args.to == "canvas" else moodle_csv(rows)
        target = args.file or args.out / f"{args.to}.csv"
        write_private(target, text)
        print(target)
        return 0
    if args.command == "report":
        try:
            written = _write_report(args.out, args.submitted)
        except (FileNotFoundError, ValueError) as err:
            print(f"report: {err}", file=sys.stderr)
            return 2
        for path in written:
            print(path)
        return 0
    if args.command == "similarity":
        from autograder import similarity

        threshold = similarity.THRESHOLD if args.threshold is None else args.threshold
        notes = []
        try:
            pairs = similarity.similar_pairs(args.submitted, threshold, args.assignment,
                                             notes=notes)
        except FileNotFoundError as err:
            print(f"similarity: {err}", file=sys.stderr)
            return 2
        print(similarity.table(pairs))
        for note in notes:
            print(f"note: {note}")
        if args.out:
            similarity.write_html(args.out, pairs, threshold=threshold)
            print(f"side by side: {args.out}")
        return 0
    if args.command == "demo":
        from autograder.demo import write_class

        others = ("02_bptt", "03_bidirectional_stacked_attention", "04_lstm_gru",
                  "05_language_model", "06_keras_models")
        students = write_class(args.out, other_assignments=others)
        print(f"wrote {len(students)} students to {args.out}")
        return 0

    from autograder import engine, jail, report, similarity
    from autograder.references import SolutionFails

    signal.signal(signal.SIGTERM, _terminate)

    # The report's similarity check reads only the submissions, so it runs in a process
    # of its own while the class is graded, not after.
    helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        similar = helper.submit(similarity.similar_pairs, args.submitted)
        rows = engine.autograde(
            args.submitted, args.out, workers=args.workers, only=args.assignment,
            timeout=args.timeout, memory_gib=args.memory, db_url=args.db,
            scheduler=args.scheduler, force=args.force,
            unsafe_no_sandbox=args.unsafe_no_sandbox, progress=engine.progress_printer())
        pairs = None if similar.exception() else similar.result()   # else: again below
    except (ValueError, FileNotFoundError) as err:
        print(f"autograde: {err}", file=sys.stderr)
        return 2
    except jail.SandboxUnavailable as err:
        print(f"autograde: refusing to grade without the OS sandbox: {err}", file=sys.stderr)
        return 1
    except SolutionFails as err:
        print(f"autograde: the assignment itself is broken: {err}", file=sys.stderr)
        return 1
    finally:
        engine.kill_pool(helper)        # it only reads; done, or no longer needed
    print(report.summary(rows))
    print(f"\ngrades: {args.out / 'grades.csv'}   feedback: {args.out / 'feedback'}")
    failed = any(r["status"] == "error" for r in rows)
    try:
        page, _ = _write_report(args.out, args.submitted, pairs)
    except Exception as err:  # noqa: BLE001 - the grades are written; say what failed
        print(f"autograde: the class report failed: {type(err).__name__}: {err}",
              file=sys.stderr)
        return 1
    print(f"report: {page}")
    return 1 if failed else 0


def _write_report(out: Path, submitted: Path | None, pairs=None) -> list[Path]:
    from autograder.class_report import write_report

    return write_report(out, submitted=submitted, pairs=pairs)


def _terminate(signum, frame):
    """SIGTERM (a job scheduler, `kill`): stop now, leaving nothing running.

    An exception raised wherever the signal lands can be caught or can wait on the very
    processes being stopped, so this kills every child of this process directly (the
    workers, the rooms it started itself, multiprocessing's helpers; each worker's rooms
    die with it, `--die-with-parent`), removes the run's scratch folder and exits.
    """
    from autograder import engine

    me = str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == me:                   # its parent is this process
            try:
                os.kill(int(stat.parent.name), signal.SIGKILL)
            except OSError:
                pass
    for folder in engine.RUNNING_SCRATCH:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(128 + signum)


if __name__ == "__main__":
    status = main()
    # Everything is written and closed, and the workers are gone. What is left is the
    # interpreter's own teardown, which with TensorFlow loaded (this process computes
    # Keras's reference outputs) takes about 1.5 s and does nothing a finished run needs.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
