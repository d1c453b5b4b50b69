"""`python -m rnncourse validate NOTEBOOK.ipynb`: check an exercise before submitting it."""

from __future__ import annotations

import sys

USAGE = ("usage: python -m rnncourse validate NOTEBOOK.ipynb [--timeout SECONDS]\n"
         "  Runs the notebook as the grader does and reports every visible test.")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "validate":
        from rnncourse.validate import main as validate_main

        return validate_main(rest)
    print(f"unknown command {command!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
