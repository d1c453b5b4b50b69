"""Command line: `python -m autograder release --out DIR`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.release import release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="rnncourse's instructor pipeline")
    commands = parser.add_subparsers(dest="command", required=True)
    release_cmd = commands.add_parser(
        "release", help="write the student version of every assignment to DIR")
    release_cmd.add_argument("--out", required=True, type=Path, help="output folder")
    release_cmd.add_argument("--assignment", action="append",
                             help="release only this assignment (repeatable)")
    args = parser.parse_args(argv)
    try:
        written = release(args.out, args.assignment)
    except (ValueError, RuntimeError) as err:
        print(f"release failed: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
