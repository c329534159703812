"""Time limits on work that could run away: one file's ingest, one text's pattern matching.

Python cannot stop a thread from outside, but it can interrupt its own main thread: a real-time
timer (``signal.setitimer``) sends SIGALRM, whose handler raises :class:`TimeLimit` at the next
bytecode. Python's ``re`` checks for signals while it backtracks, and trafilatura and the cleaning
rules are Python loops, so a runaway regex or a pathological page stops within milliseconds of its
deadline. Where that is impossible (a thread other than the main one, a platform without
``setitimer``, or a deadline already running) the work runs without a limit: :func:`deadline`
says which in ``.armed``.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from collections.abc import Iterator

__all__ = ["TimeLimit", "deadline"]


class TimeLimit(BaseException):
    """Raised inside the guarded block when its time is up.

    A BaseException, as KeyboardInterrupt is, so that a library's ``except Exception`` cannot
    swallow it; and raised again every 0.1 s until the block is left, for one that catches it all."""


class _State:
    armed = False


@contextmanager
def deadline(seconds: float | None) -> Iterator[_State]:
    """Raise :class:`TimeLimit` inside the ``with`` block once `seconds` of wall time have passed.

    ``None`` or ``0`` means no limit. Deadlines do not nest: an inner one while another is running
    is not armed (the outer one still holds).

    Examples
    --------
    >>> import re
    >>> try:
    ...     with deadline(0.2):
    ...         re.search(r"(a+)+$", "a" * 40 + "b")
    ... except TimeLimit:
    ...     print("stopped")
    stopped
    """
    state = _State()
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield state
        return

    def expire(signum, frame):
        raise TimeLimit(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    state.armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield state
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
