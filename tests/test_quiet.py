"""Importing rnncourse and running Keras through it writes nothing to stderr.

nbgrader scores a cell zero for any stderr output, and TensorFlow prints its
start-up lines straight to file descriptor 2, so this is checked in a fresh
process, exactly as a notebook kernel would see it.
"""

import os
import subprocess
import sys

SCRIPT = """
import sys
import rnncourse
assert "tensorflow" not in sys.modules, "importing rnncourse must not load TensorFlow"
from rnncourse import reference
from rnncourse.cases import make_cases
from rnncourse.checks import check
assert "tensorflow" not in sys.modules, "importing the reference must not load TensorFlow"
for name in ("rnn_forward", "lstm_forward", "gru_forward", "rnn_backward"):
    case = make_cases(name, dtypes=("float64",))[0]
    getattr(reference, name)(*case.args, **case.kwargs)
print("done")
"""


def test_keras_reference_is_silent_on_stderr():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "ABSL", "GLOG"))}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
    assert result.stderr == "", f"stderr was not empty:\n{result.stderr}"


def test_silenced_stderr_restores_file_descriptor_2():
    script = (
        "import os, sys\n"
        "from rnncourse.quiet_tf import silenced_stderr\n"
        "with silenced_stderr():\n"
        "    os.write(2, b'hidden\\n')\n"
        "    print('hidden too', file=sys.stderr)\n"
        "os.write(2, b'visible\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.stderr == "visible\n"
