"""Start a grading kernel with a memory cap and a write guard, then run ipykernel.

Used as the grading kernel's command (see `autograder.kernel_run`):

    python -I kernel_launcher.py -f CONNECTION_FILE

It reads `RNNCOURSE_KERNEL_MEMORY` (bytes), `RNNCOURSE_KERNEL_WORKDIR` and the
folder lists `RNNCOURSE_KERNEL_HIDDEN` / `RNNCOURSE_KERNEL_VISIBLE` from its
environment: the heap is capped, the student's code may write files only in the
working folder, and it may not read the course's sources or other submissions.
"""

import os
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from autograder.sandbox import install_guard  # noqa: E402


def main():
    memory = int(os.environ.get("RNNCOURSE_KERNEL_MEMORY", "0"))
    if memory:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    workdir = os.environ["RNNCOURSE_KERNEL_WORKDIR"]
    from ipykernel import kernelapp  # imported before the guard: it needs its files
    split = os.environ.get
    install_guard(workdir, from_scratch=False,
                  hidden=[p for p in split("RNNCOURSE_KERNEL_HIDDEN", "").split(os.pathsep) if p],
                  visible=[p for p in split("RNNCOURSE_KERNEL_VISIBLE", "").split(os.pathsep)
                           if p])
    kernelapp.launch_new_instance(argv=sys.argv[1:])


if __name__ == "__main__":
    main()
