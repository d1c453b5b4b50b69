"""The process that runs a student's code for the clean verdict (the untrusted side).

The grader (`autograder.clean_run`) starts this file with `python -I`, sends it the
notebook's code, and then asks it to call the student's functions. Nothing here
decides a grade: it only sends back what a function returned, encoded with
`rnncourse.codec`, and the grader compares that with Keras in its own process.
So whatever the student's code does to this process (monkeypatching numpy,
`assert`, `sys.modules` or our modules) cannot change a score.

Before student code runs, an audit hook (which Python cannot remove once added)
restricts the process: no subprocesses, sockets or ctypes; files may be written
only in the working folder; and, for from-scratch assignments, TensorFlow,
Keras, PyTorch and JAX cannot be imported.

Protocol, over the two file descriptors given on the command line: every
message is a 4-byte little-endian length and a `rnncourse.codec` value.

1. grader -> sandbox: `{"setup": [source, ...], "student": [[label, source], ...],
   "from_scratch": bool, "workdir": str, "hidden": [...], "visible": [...]}`; setup
   cells are the instructor's locked cells and run before the hook is installed;
   `hidden` and `visible` are `install_guard`'s folders.
2. sandbox -> grader: `{"cell": label}` before each student cell (so a cell that
   kills the process can be named), then `{"ready": [[label, error], ...]}`.
3. grader -> sandbox: `{"call": name, "args": [...], "kwargs": {...}}`, and optionally
   `"repeat": n` (call it n times on the same objects; `ok` is then the list of results);
   sandbox -> grader: `{"ok": result, "after": [...]}` or `{"error": [type, message]}`.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from guard import install_guard, populate_workdir, stub_forbidden_imports  # noqa: E402


def _read_exactly(fd, n):
    chunks, left = [], n
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def main(read_fd, write_fd):
    # Everything this process needs is imported before any student code runs.
    from IPython.core.inputtransformer2 import TransformerManager

    from rnncourse import codec
    from rnncourse.calls import MAX_REPEATS
    from rnncourse.checks import call_from_scratch

    def receive():
        (length,) = struct.unpack("<I", _read_exactly(read_fd, 4))
        return codec.loads(_read_exactly(read_fd, length))

    def send(value):
        try:
            data = codec.dumps(value)
        except codec.EncodeError as err:
            data = codec.dumps({"error": ["EncodeError", str(err)]})
        os.write(write_fd, struct.pack("<I", len(data)))
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view):]

    program = receive()
    populate_workdir()
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    transform = TransformerManager().transform_cell
    shell = _Shell(namespace, transform)
    namespace["get_ipython"] = lambda: shell
    for source in program["setup"]:
        try:
            exec(compile(transform(source), "<setup>", "exec"), namespace)
        except BaseException:  # noqa: BLE001 - a broken setup shows up as failing calls
            pass
    from_scratch = bool(program["from_scratch"])
    finder = stub_forbidden_imports() if from_scratch else None
    install_guard(program["workdir"], from_scratch, program["hidden"], program["visible"],
                  stub_finder=finder)

    errors = []
    for label, source in program["student"]:
        send({"cell": label})
        try:
            exec(compile(transform(source), f"<cell {label}>", "exec"), namespace)
        except BaseException as err:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
            errors.append([label, (f"{type(err).__name__}: {err}" if str(err)
                                   else type(err).__name__)[:500]])
    send({"ready": errors})

    while True:
        try:
            request = receive()
        except EOFError:
            return
        name = request["call"]
        if name == "__seed__":      # the test seeded Keras just before the next call
            try:
                namespace["keras"].utils.set_random_seed(int(request["args"][0]))
            except BaseException:  # noqa: BLE001 - a seed that cannot be set changes nothing
                pass
            send({"ok": None})
            continue
        fn = namespace.get(name)
        if not callable(fn):
            send({"error": ["NameError", f"name {name!r} is not defined in your notebook"]})
            continue
        args, kwargs = request["args"], request["kwargs"]
        # `repeat`: the same call n times on the same objects, one list back
        # (rnncourse.calls.repeat_calls), so a 10,000-draw test is one exchange.
        repeat = request.get("repeat")
        try:
            results, forbidden = [], None
            for _ in range(1 if repeat is None else min(int(repeat), MAX_REPEATS)):
                if from_scratch:
                    result, forbidden = call_from_scratch(fn, args, kwargs)
                else:
                    result = fn(*args, **kwargs)
                if forbidden:
                    break
                results.append(result)
            result = results if repeat is not None else result
        except BaseException as err:  # noqa: BLE001 - report SystemExit etc. as failures
            builtin = [c.__name__ for c in type(err).__mro__ if c.__module__ == "builtins"]
            send({"error": [type(err).__name__, str(err)[:2000], builtin]})
            continue
        if forbidden:
            send({"error": ["FromScratchViolation",
                            f"{name} calls {forbidden}: this exercise is from scratch, so "
                            "compute it with NumPy only (no TensorFlow, Keras or rnncourse "
                            "inside your function)"]})
            continue
        # Generators and models passed in may have changed in place: send them back.
        after = [a if _changes_in_place(a) else None for a in args]
        send({"ok": result, "after": after})


class _Shell:
    """Stands in for IPython, so that cells run as Jupyter runs them.

    IPython's transformer turns `%%time` into `get_ipython().run_cell_magic(...)`: the
    magics that only measure or capture (`%%time`, `%%timeit`, `%%capture`, `%%prun`)
    run their cell once here; `%%writefile` writes it; line magics and the rest do
    nothing (a plot backend, an extension: nothing a grade depends on).
    """

    RUN = {"time", "timeit", "capture", "prun", "memit", "script"}

    def __init__(self, namespace, transform):
        self.namespace, self.transform = namespace, transform

    def run_cell_magic(self, name, line, cell):
        if name in self.RUN - {"script"}:
            exec(compile(self.transform(cell), f"<%%{name}>", "exec"), self.namespace)
        elif name == "writefile" and line.split():
            with open(line.split()[-1], "a" if "-a" in line.split() else "w") as file:
                file.write(cell)

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _changes_in_place(value):
    import numpy as np

    from rnncourse.codec import is_keras

    return isinstance(value, np.random.Generator) or is_keras(value, "Model")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
