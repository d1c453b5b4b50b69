"""Reading a submitted notebook: what is wrong with a broken file is said in plain words."""

import json

import pytest

from autograder.submissions import BadNotebook, read_notebook


def _notebook(long_line: str) -> bytes:
    cell = {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", long_line]}
    return json.dumps({"cells": [cell] * 3, "metadata": {}, "nbformat": 4,
                       "nbformat_minor": 5}, indent=1).encode()


@pytest.mark.parametrize("where", ["in a long string", "between values"])
def test_a_cut_off_notebook_is_said_to_end_too_early(tmp_path, where):
    data = _notebook("word " * 400)
    # Cut in the middle of the last long line, or just after a comma between values.
    cut = data.rindex(b"word") if where == "in a long string" else data.rindex(b",") + 1
    path = tmp_path / "forward_pass.ipynb"
    path.write_bytes(data[:cut])
    with pytest.raises(BadNotebook, match="ends too early"):
        read_notebook(path)


def test_a_broken_notebook_says_where_it_is_broken(tmp_path):
    data = _notebook("short").replace(b'"cell_type"', b'cell_type', 1)
    path = tmp_path / "forward_pass.ipynb"
    path.write_bytes(data)
    with pytest.raises(BadNotebook, match=r"line \d+, column \d+"):
        read_notebook(path)
