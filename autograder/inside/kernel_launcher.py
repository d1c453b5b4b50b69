"""Start a grading kernel inside a room (`autograder/jail.py`), then run ipykernel.

Used as the grading kernel's command (see `autograder.kernel_run`):

    python -I kernel_launcher.py -f CONNECTION_FILE

The room already caps memory, processes, files and disk, and shows only what the
job needs. Here, before any student code: the job's files are copied into the
working folder, and the audit hook (`guard.install_guard`, the second line) is
installed with the folder lists `RNNCOURSE_KERNEL_HIDDEN` / `RNNCOURSE_KERNEL_VISIBLE`.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from guard import install_guard, populate_workdir  # noqa: E402


def main():
    populate_workdir()
    # In its own PID namespace the kernel's parent is bubblewrap's init (PID 1), which
    # ipykernel's parent poller takes for an orphaned kernel. The room dies with the
    # grader anyway (--die-with-parent).
    os.environ.pop("JPY_PARENT_PID", None)
    workdir = os.environ["RNNCOURSE_WORKDIR"]
    from ipykernel import kernelapp  # imported before the guard: it needs its files
    split = os.environ.get
    install_guard(workdir, from_scratch=False,
                  hidden=[p for p in split("RNNCOURSE_KERNEL_HIDDEN", "").split(os.pathsep) if p],
                  visible=[p for p in split("RNNCOURSE_KERNEL_VISIBLE", "").split(os.pathsep)
                           if p])
    kernelapp.launch_new_instance(argv=sys.argv[1:])


if __name__ == "__main__":
    main()
