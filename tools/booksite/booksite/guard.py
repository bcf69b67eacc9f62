"""Run one exec block so that nothing unexpected passes.

:func:`run` executes a block's code in its page's session and returns what it
printed, or raises :class:`BlockFailure` saying why the block must not ship:
it raised; it ran longer than the time limit; it emitted a warning; it tried to
end the process (``sys.exit``, ``exit()``, ``os._exit``, ``os.abort``); it wrote
to the real stdout or stderr behind the capture (Python or C level); or it
printed text that is not valid UTF-8 (a lone surrogate).

Warnings are errors inside a block: a page that demonstrates one expects it
explicitly (``with warnings.catch_warnings(): ...`` or ``np.errstate``).
"""

from __future__ import annotations

import contextlib
import io
import linecache
import os
import signal
import sys
import tempfile
import threading
import traceback
import types
import warnings
from functools import partial

# After the time limit the block is interrupted; if it cannot be (a long call into C),
# the process is ended this much later, after saying which block it was.
HARD_GRACE_SECONDS = 15.0


class BlockFailure(Exception):
    """A block that must not ship: ``reason`` is one line, ``detail`` the traceback or output."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


class _Interrupt(BaseException):
    """Raised inside a block; a BaseException so that the block's ``except Exception`` cannot swallow it."""


class BlockTimeout(_Interrupt):
    pass


class BlockExit(_Interrupt):
    pass


def _print(buffer: io.StringIO, *texts, sep: str = " ", end: str = "\n", file=None, flush: bool = False) -> None:
    """The ``print`` a block sees: it writes into the block's output (or to ``file`` when given)."""
    if file is not None:
        print(*texts, sep=sep, end=end, file=file, flush=flush)
    else:
        buffer.write(sep.join(str(text) for text in texts) + end)


@contextlib.contextmanager
def _time_limit(seconds: float, name: str):
    """Interrupt the block after ``seconds``; end the process if even that does not stop it."""
    real_exit, stderr_fd = os._exit, os.dup(2)

    def hard_stop():
        os.write(
            stderr_fd,
            f"\nERROR - booksite: {name} ran past its time limit of {seconds:g} s and could "
            f"not be interrupted; ending the build.\n".encode(),
        )
        real_exit(70)

    def interrupt(signum, frame):
        raise BlockTimeout(f"ran longer than the time limit of {seconds:g} s")

    watchdog = threading.Timer(seconds + HARD_GRACE_SECONDS, hard_stop)
    watchdog.daemon = True
    in_main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous = signal.signal(signal.SIGALRM, interrupt) if in_main else None
    watchdog.start()
    if in_main:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if in_main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        watchdog.cancel()
        os.close(stderr_fd)


@contextlib.contextmanager
def _no_exit():
    """``os._exit`` and ``os.abort`` raise instead of ending the process (``sys.exit`` raises already)."""

    def refuse(what, *args):
        raise BlockExit(f"called {what}({', '.join(map(repr, args))})")

    saved = os._exit, os.abort
    os._exit, os.abort = partial(refuse, "os._exit"), partial(refuse, "os.abort")
    try:
        yield
    finally:
        os._exit, os.abort = saved


@contextlib.contextmanager
def tripwire():
    """Catch writes to the real stdout and stderr, from Python (sys.stdout) or below it (fd 1, 2).

    Yields a dict that holds, once the block is done, what was written to each.
    """
    caught: dict[str, str] = {}
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    python = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    saved_streams = sys.stdout, sys.stderr
    saved_fds, files = {}, {}
    for fd, name in ((1, "stdout"), (2, "stderr")):
        files[name] = tempfile.TemporaryFile()
        saved_fds[fd] = os.dup(fd)
        os.dup2(files[name].fileno(), fd)
    sys.stdout, sys.stderr = python["stdout"], python["stderr"]
    try:
        yield caught
    finally:
        sys.stdout, sys.stderr = saved_streams
        for fd, name in ((1, "stdout"), (2, "stderr")):
            os.dup2(saved_fds[fd], fd)
            os.close(saved_fds[fd])
            files[name].seek(0)
            written = python[name].getvalue() + files[name].read().decode("utf-8", "replace")
            files[name].close()
            if written:
                caught[name] = written


def _traceback(error: BaseException, filename: str) -> str:
    """The traceback from the block's own frames on (MkDocs and this module left out)."""
    trace = traceback.TracebackException.from_exception(error)
    frames = list(trace.stack)
    first = next((i for i, frame in enumerate(frames) if frame.filename == filename), 0)
    trace.stack = traceback.StackSummary.from_list(frames[first:])
    return "".join(trace.format())


def run(code: str, *, filename: str, session: dict, timeout: float) -> str:
    """Run ``code`` in the ``session`` globals and return what it printed.

    Raises:
        BlockFailure: the block must not ship (see the module docstring).
    """
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    # Libraries expect functions to have a module (dataclasses, pickle): give the block one.
    module = "_booksite_" + "".join(c if c.isalnum() else "_" for c in filename)
    session["__name__"] = module
    sys.modules[module] = types.ModuleType(module)
    buffer = io.StringIO()
    session["print"] = partial(_print, buffer)
    try:
        compiled = compile(code, filename, "exec")
    except SyntaxError as error:
        raise BlockFailure(f"SyntaxError: {error.msg} (line {error.lineno})", _traceback(error, filename)) from None
    failure = None
    try:
        with tripwire() as stray, _no_exit(), warnings.catch_warnings():
            warnings.simplefilter("error")
            with _time_limit(timeout, filename):
                exec(compiled, session)  # noqa: S102 (running the page's code is the point)
    except KeyboardInterrupt:
        raise
    except _Interrupt as error:
        failure = BlockFailure(str(error), _traceback(error, filename))
    except SystemExit as error:
        failure = BlockFailure(f"called sys.exit({error.code!r})", _traceback(error, filename))
    except Warning as error:
        failure = BlockFailure(f"emitted a warning: {type(error).__name__}: {error}", _traceback(error, filename))
    except BaseException as error:  # noqa: BLE001 (anything a block raises fails it)
        failure = BlockFailure(f"raised {type(error).__name__}: {error}", _traceback(error, filename))
    if failure is None and stray:
        where = " and ".join(f"the real {name}" for name in stray)
        failure = BlockFailure(f"wrote to {where} behind the capture", "\n".join(stray.values())[:2000])
    if failure is not None:
        raise failure
    output = buffer.getvalue()
    try:
        output.encode("utf-8")
    except UnicodeEncodeError as error:
        raise BlockFailure(
            f"printed text that is not valid UTF-8 ({error.reason} at position {error.start}: "
            f"{output[max(error.start - 20, 0) : error.start]!r} then {output[error.start]!r})"
        ) from None
    return output
