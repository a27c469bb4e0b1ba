"""Limits on what one input may cost, and the isolated process that enforces them.

This module owns the numbers (their defaults and sensible ranges, and ``--limit NAME=VALUE`` /
``$GUIDANCE_LIMITS`` that raise them, parsed strictly), the one-line errors that name them,
``run_isolated``: reading (or extracting) one file in a forked child process that has an address-space
cap, dies with its parent and is killed when the time budget runs out, and ``bounded``: the same time
and memory budget held in-process, for the stages that work on several files at once (comparing
editions, rendering and writing results). A hostile file therefore ends as one error for that file,
and the other files of the run still come out. The caps on inflated PDF streams and on characters per
page are checked inside the PDF reader (``ingest/pdfguard.py``), which reads the active limits from here.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import math
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

from guidance_parser.errors import GuidanceError, caused_by_memory

T = TypeVar("T")
ENV = "GUIDANCE_LIMITS"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What reading one input may cost. Each field is a name for ``--limit NAME=VALUE``."""

    time: float = 45.0  # wall-clock seconds for one stage of one file (read, extract, compare, write)
    memory: int = 768  # MiB of memory one stage may add to the program's own
    stream: int = 64  # MiB any one PDF stream may inflate to
    page_chars: int = 200_000  # characters on one PDF page


_UNITS = {"time": "s", "memory": "MiB", "stream": "MiB", "page_chars": "characters"}
# The sensible range of each limit: below it nothing can be read (a 1 MiB memory cap fails every file,
# blaming the file), above it the number means "no limit" or overflows the system call that sets it.
_RANGES: dict[str, tuple[float, float]] = {"time": (1, 86_400), "memory": (64, 1 << 20), "stream": (1, 1 << 16),
                                           "page_chars": (1, 1 << 30)}


def parse_limits(values: Sequence[str], env: str | None = None) -> Limits:
    """Limits from ``NAME=VALUE`` items: ``$GUIDANCE_LIMITS`` (comma-separated) first, then ``values``.

    Each value must be finite, within its limit's range and, for a count, a whole number; anything else
    is one error naming where the item came from (``--limit`` or ``$GUIDANCE_LIMITS``)."""
    items = [(v, f"${ENV}") for v in (env or "").split(",") if v.strip()] + [(v, "--limit") for v in values]
    limits = Limits()
    for item, source in items:
        name, value = _parse_item(item, source)
        changes: dict[str, Any] = {name: value}
        limits = replace(limits, **changes)
    return limits


def _parse_item(item: str, source: str) -> tuple[str, float | int]:
    kinds = {f.name: f.type for f in fields(Limits)}
    name, _, raw = item.strip().partition("=")
    name = name.strip().replace("-", "_")
    flag = name.replace("_", "-")
    where = f"{source} {item.strip()}"
    fix = f"set {ENV}={flag}=N" if source.startswith("$") else f"give --limit {flag}=N"
    if name not in kinds:
        raise GuidanceError(where, "unknown limit",
                            f"use one of {', '.join(n.replace('_', '-') for n in _UNITS)}, e.g. --limit time=120")
    low, high = _RANGES.get(name, (1, math.inf))
    whole = kinds[name] != "float"
    unit = {"s": "seconds"}.get(_UNITS.get(name, ""), _UNITS.get(name, ""))
    what = f"a whole number of {unit}" if whole else f"a number of {unit}"
    span = f"from {low:,.0f} to {high:,.0f}" if math.isfinite(high) else f"of at least {low:,.0f}"
    value: float | int | None
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or not low <= value <= high:
        raise GuidanceError(where, f"the {flag} limit must be {what} {span}",
                            f"{fix}, e.g. {flag}={_example(name)}")
    return name, value


def _example(name: str) -> str:
    value = getattr(Limits(), name)
    return f"{value * 2:g}"


def limit_error(path: str, name: str, problem: str, limits: Limits, hint: str = "") -> GuidanceError:
    """The one-line error for an input that went over a limit: the file, the limit, how to raise it."""
    value = getattr(limits, name)
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    flag = name.replace("_", "-")
    return GuidanceError(path, f"{problem} (limit: {shown} {_UNITS[name]})",
                         f"{hint}raise it with --limit {flag}=N or {ENV}={flag}=N if the file is genuine")


class LimitExceeded(BaseException):
    """Raised inside a reader when an input goes over a limit.

    A BaseException because PDF libraries catch ``Exception`` broadly and carry on (pdfminer retries
    a broken stream, and so loops); this must end the read.
    """

    def __init__(self, error: GuidanceError) -> None:
        super().__init__(str(error))
        self.error = error


# --- the limits in force in this process (set in the isolated reader, else the defaults) -------

_active: Limits | None = None


def active() -> Limits:
    return _active or parse_limits([], os.environ.get(ENV))


def out_of_memory(path: str, doing: str = "reading it") -> GuidanceError:
    return limit_error(path, "memory", f"{doing} ran out of memory", active())


# --- the isolated reader -----------------------------------------------------------------------

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have Linux kill this process when ``parent`` (the process that started it) dies.

    Without this, SIGKILL on a run leaves its workers running with no one to read their results.
    The check after ``prctl`` covers a parent that died before the request took effect.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _address_space() -> int:
    """This process's current virtual size in bytes (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _cap_memory(mib: int) -> None:
    """Cap the address space at what the process already maps plus ``mib`` (never above the hard cap).

    Linux only (the current size comes from /proc); elsewhere the caps inside the readers remain."""
    current = _address_space()
    if not current:
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = current + mib * MIB
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def out_of_address_space(err: BaseException) -> bool:
    """An OSError or ImportError that is the address-space cap at work: a library loaded lazily, or a file
    mapped, once the cap was reached ("failed to map segment from shared object", ENOMEM)."""
    return getattr(err, "errno", None) == errno.ENOMEM or "failed to map segment" in str(err) or \
        "Cannot allocate memory" in str(err)


def nesting_error(path: str, doing: str = "reading it") -> GuidanceError:
    """Python's recursion limit reached: a structure nested deeper than any real document's (HTML elements
    nested about 1,000 deep). Not a crash of the tool, so not "please report"."""
    return GuidanceError(path, f"{doing} met a structure nested too deeply to follow (e.g. HTML elements "
                         "nested about 1,000 deep)", "flatten or re-save the file, or export it as PDF or text")


def crash_error(path: str, detail: str) -> GuidanceError:
    """A reader failure no rule foresaw: the message carries the cause, since there is no traceback."""
    opens_in = "a PDF reader" if path.lower().endswith(".pdf") else "a browser or text editor"
    return GuidanceError(path, f"could not be processed ({detail})",
                         f"if the file opens in {opens_in}, please report this message")


def _child(work: Callable[[], object], send: multiprocessing.connection.Connection, path: str,
           limits: Limits, parent: int, doing: str) -> None:
    global _active
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it kills this child
    _active = limits
    result: tuple[str, object]
    try:
        _cap_memory(limits.memory)
        result = ("ok", work())
    except GuidanceError as err:
        result = ("error", err)
    except LimitExceeded as exc:
        result = ("error", exc.error)
    except MemoryError:
        result = ("error", out_of_memory(path, doing))
    except RecursionError:
        result = ("error", nesting_error(path, doing))
    except (ImportError, OSError) as err:
        result = ("error", out_of_memory(path, doing) if out_of_address_space(err) or caused_by_memory(err) else
                  crash_error(path, f"{type(err).__name__}: {err}"))
    except Exception as err:  # a library's own error may wrap a MemoryError: still said as memory
        result = ("error", out_of_memory(path, doing) if caused_by_memory(err)
                  else crash_error(path, f"{type(err).__name__}: {err}"))
    try:
        send.send(result)
    except MemoryError:
        send.send(("error", out_of_memory(path, doing)))
    except RecursionError:  # a result nested too deep to pickle
        send.send(("error", nesting_error(path, doing)))
    send.close()
    os._exit(0)  # no atexit handlers or inherited finalisers of the parent's state


def run_isolated(work: Callable[[], T], path: str, limits: Limits, doing: str = "reading it") -> T:
    """``work()`` run in a forked child under ``limits`` (time, memory); its result or its GuidanceError.
    ``doing`` names the stage in the errors ("reading it", "extracting from it").

    The child is forked, so ``work`` needs no pickling and the modules the parent imported are
    already there; only the result travels back (pickled through a pipe).
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # Windows: no isolation, the in-reader caps hold
        return work()
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(work, send, path, limits, os.getpid(), doing), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(limits.time):
            raise limit_error(path, "time", f"{doing} took longer than the time budget", limits,
                              "try --engine pdfium, or " if doing == "reading it" else "")
        try:
            kind, value = recv.recv()
        except EOFError:  # the child died without a word: killed by the kernel or a crash in C
            proc.join(5)
            code = proc.exitcode or 0
            name = signal.Signals(-code).name if code < 0 else f"exit status {code}"
            if code in (-signal.SIGTERM, -signal.SIGHUP, -signal.SIGINT):
                raise GuidanceError(path, f"the reader was stopped from outside ({name})", "run again") from None
            raise limit_error(path, "memory", f"{doing} stopped ({name}), most likely out of memory",
                              limits) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    if kind == "error":
        assert isinstance(value, GuidanceError)
        raise value
    return value


# --- the same budget in-process ------------------------------------------------------------------

@contextlib.contextmanager
def bounded(path: str, limits: Limits, doing: str) -> Iterator[None]:
    """Within the block: at most ``limits.memory`` MiB more address space and ``limits.time`` seconds, else
    the one-line error for ``path`` (which may name several files) saying what was being done.

    For the stages that use many files' results at once (comparing editions, rendering, writing), which
    cannot move to a child process cheaply. The memory cap is Linux's RLIMIT_AS (restored afterwards); the
    time budget is a SIGALRM timer, so it holds in the main thread only and takes effect between Python
    steps (a forked reader, ``run_isolated``, is the stronger guard: it is killed outright)."""
    import resource
    import threading

    main = threading.current_thread() is threading.main_thread()

    def on_alarm(signum: int, frame: object) -> None:
        raise LimitExceeded(limit_error(path, "time", f"{doing} took longer than the time budget", limits))

    old_handler = signal.signal(signal.SIGALRM, on_alarm) if main else None
    old_timer = signal.setitimer(signal.ITIMER_REAL, limits.time) if main else (0.0, 0.0)
    old_as = resource.getrlimit(resource.RLIMIT_AS)
    capped = sys.platform.startswith("linux") and bool(_address_space())
    if capped:
        _cap_memory(limits.memory)
    try:
        yield
    except LimitExceeded as exc:
        raise exc.error from None
    except MemoryError:
        raise limit_error(path, "memory", f"{doing} ran out of memory", limits) from None
    except RecursionError:
        raise nesting_error(path, doing) from None
    except (ImportError, OSError) as err:
        if not out_of_address_space(err):
            raise
        raise limit_error(path, "memory", f"{doing} ran out of memory", limits) from None
    finally:
        if capped:
            resource.setrlimit(resource.RLIMIT_AS, old_as)
        if main:
            signal.setitimer(signal.ITIMER_REAL, *old_timer)
            signal.signal(signal.SIGALRM, old_handler)


@dataclass(frozen=True)
class BoundedCall:
    """``func`` run under ``bounded``: what a worker process runs for one piece of a bounded stage (picklable
    when ``func`` is a module-level function)."""

    func: Callable[..., Any]
    path: str
    limits: Limits
    doing: str

    def __call__(self, *args: Any) -> Any:
        with bounded(self.path, self.limits, self.doing):
            return self.func(*args)
