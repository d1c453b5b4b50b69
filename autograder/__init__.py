"""The instructor pipeline around nbgrader (run from the repository root).

    python -m autograder release --out DIR    student versions of every assignment

This folder is also nbgrader's course root: `nbgrader_config.py`, and `source/`,
a link to the repository's `notebooks/`.
"""
