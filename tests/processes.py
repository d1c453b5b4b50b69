"""Processes on this machine, seen from /proc (used to prove that none outlives a job)."""

from __future__ import annotations

from pathlib import Path


def processes_with(marker: str) -> list[str]:
    """The command lines (NULs as spaces) of running processes that contain `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    errors="replace")
            except OSError:
                continue
            if marker in cmdline:
                found.append(cmdline)
    return found
