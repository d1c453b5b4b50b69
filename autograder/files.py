"""The grader writes only to files it creates itself.

Every output (a saved result, a feedback page, an autograded notebook, grades.csv) is
written to a fresh private temporary file in the target's folder (`O_EXCL`, so nothing
planted can be opened in its place) and renamed over the target. A target that exists
but is not a regular file (a FIFO, a link, a folder) is refused: a rename would not
hang on a FIFO, but something planted there means the folder is not what the grader
thinks it is.

Example:

>>> write_private(Path("out/grades.csv"), "student_id,...\\n")     # doctest: +SKIP
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import tempfile
from pathlib import Path


class UnsafeTarget(OSError):
    """The target path holds something the grader did not write (not a regular file)."""


def _checked(path: Path) -> Path:
    """`path`, its folder made; refused if something that is not a regular file is there."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise UnsafeTarget(f"{path} exists and is not a regular file; remove it first")
    return path


def write_private(path: Path, data: str | bytes, *, mode: int = 0o644) -> None:
    """Write `data` to `path` atomically, through a private temporary file."""
    path = _checked(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def link_private(source: Path, path: Path) -> None:
    """Put the file `source` at `path` as a hard link (no copy on disk), renamed into
    place from a fresh name like `write_private`; a copy where no link can be made."""
    path = _checked(path)
    while True:
        temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}"
        try:
            os.link(source, temporary)
            break
        except FileExistsError:
            continue
        except OSError as err:
            if err.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            write_private(path, Path(source).read_bytes())   # another file system
            return
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
