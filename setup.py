"""One build step beyond pyproject.toml: the named-hints table.

`rnncourse/data/known_mistakes.rnnc` holds the outputs of the instructor's library of
mistakes (`autograder/mistakes.py`, never shipped: its variants with no mistake switched
on are correct answers) on the package's own cases. `make venv` writes it for a checkout;
this step writes it into every wheel, so `pip install "rnncourse @ git+..."` gets the
named hints too. Without `autograder/` (a build from an sdist), the table already in the
source tree ships as it is, or the package builds without named hints and says so.
"""

import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TABLE = Path("rnncourse", "data", "known_mistakes.rnnc")


class BuildPyWithHints(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / TABLE
        if not (HERE / "autograder" / "mistakes.py").exists():
            if not target.exists():
                print(f"warning: no autograder/mistakes.py and no {TABLE}: this package "
                      "will check answers but name no known mistake", file=sys.stderr)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # A fresh interpreter with the source tree first on sys.path: the table must be
        # made by the code being built, not by whatever rnncourse is installed.
        subprocess.run([sys.executable, "-m", "autograder.mistakes", str(target)],
                       cwd=HERE, check=True)


setup(cmdclass={"build_py": BuildPyWithHints})
