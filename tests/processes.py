"""Processes on this machine, seen from /proc (used to prove that none outlives a job)."""

from __future__ import annotations

from pathlib import Path


def processes_with(marker: str, *, environ: bool = False) -> list[str]:
    """The command lines (NULs as spaces) of running processes that contain `marker`
    (in their command line, or with `environ=True` in their environment too)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    errors="replace")
                env = (entry / "environ").read_bytes().decode(errors="replace") \
                    if environ else ""
            except OSError:
                continue
            if marker in cmdline or marker in env:
                found.append(cmdline)
    return found
