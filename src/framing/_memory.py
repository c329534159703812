"""Giving freed memory back to the operating system after the steps that churn the most.

Building a document-term matrix or a keyness table allocates and frees hundreds of arrays of a few
megabytes. glibc's allocator keeps such freed blocks in the process's heap for reuse, so a
notebook kernel that has built the matrix of 100,000 articles stays about 600 MB larger than what
it holds (measured with ``benchmarks/run.py``'s report stage), and the next step's peak starts
from there. :func:`give_back` asks glibc to return those pages (``malloc_trim``); elsewhere, or
without glibc, it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["give_back", "releasing"]

_TRIM = None
if sys.platform.startswith("linux"):
    try:
        _TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        _TRIM.argtypes, _TRIM.restype = [ctypes.c_size_t], ctypes.c_int
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        _TRIM = None


def give_back() -> bool:
    """Return the heap's free pages to the operating system; whether that could be asked.

    Examples
    --------
    >>> give_back() in (True, False)
    True
    """
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


def releasing(func):
    """``func``, followed by :func:`give_back` (for the package's heaviest verbs)."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            give_back()

    return wrapper
