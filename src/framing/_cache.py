"""The package's one caching idiom: results memoised by their arguments, or derived from a live object.

Three helpers, and no other cache in the package:

- :func:`memo` memoises a function of hashable arguments (a path, a compiled pattern, a name). A
  call with an argument that cannot be hashed (a dict handed in from a notebook) is computed
  afresh every time, so a mutable argument is never served stale.
- :func:`derived` keeps a value built from an object (the matcher of a lexicon, the prefilter of
  a set of rules) for as long as that object lives: it is held by a weak reference to the object,
  compared by identity, so a rebuilt or unpickled object gets its own value.
- :func:`latest` keeps the few values most recently built from data named by a content digest
  (the document-term matrix of a corpus): an edited table has another digest, so never a stale value.
"""

from __future__ import annotations

import collections
import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["derived", "memo", "latest"]

T = TypeVar("T")

_DERIVED: "weakref.WeakKeyDictionary[Any, dict[Any, Any]]" = weakref.WeakKeyDictionary()


def memo(maxsize: int | None = 8) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Memoise a function on its (hashable) arguments, keeping the `maxsize` most recent results.

    Examples
    --------
    >>> @memo(maxsize=2)
    ... def size(source):
    ...     print("built")
    ...     return len(source)
    >>> size("abc"), size("abc")
    built
    (3, 3)
    >>> size({"a": 1}), size({"a": 1})  # unhashable: computed each time
    built
    built
    (1, 1)
    """

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        cached = functools.lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> T:
            try:  # lru_cache hashes the arguments itself: no second hash on the common path
                return cached(*args, **kwargs)
            except TypeError:
                try:
                    hash((args, tuple(kwargs.items())))
                except TypeError:  # an unhashable argument: computed afresh
                    return fn(*args, **kwargs)
                raise  # the TypeError came from `fn` itself

        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return decorate


def derived(owner: object, key: Any, build: Callable[[], T]) -> T:
    """The value `build()` made for `owner` under `key`, built on first use and dropped with `owner`.

    `owner` must support weak references and hash by identity (a plain object, or a dataclass
    with ``eq=False``).

    Examples
    --------
    >>> class Rules:
    ...     pass
    >>> rules = Rules()
    >>> derived(rules, "n", lambda: 42), derived(rules, "n", lambda: 0)
    (42, 42)
    """
    global _LAST_OWNER
    ref, held = _LAST_OWNER
    if ref is None or ref() is not owner:  # hot loops ask the same owner again and again: no new weakref
        held = _DERIVED.get(owner)
        if held is None:
            held = _DERIVED[owner] = {}
        _LAST_OWNER = (weakref.ref(owner), held)  # one assignment: a (ref, held) pair never mixes
    try:
        return held[key]
    except KeyError:
        value = held[key] = build()
        return value


_LAST_OWNER: tuple = (None, None)


_LATEST: "collections.OrderedDict[Any, Any]" = collections.OrderedDict()


def latest(key: Any, build: Callable[[], T], *, keep: int = 4) -> T:
    """The value `build()` made under `key`, a digest of the data it was built from; the `keep`
    most recently used values are held.

    For values built from a table (the document-term matrix of a corpus): the key is a digest of
    the table's content, so a table edited in place gets a new value, never a stale one.

    Examples
    --------
    >>> latest(("demo", "abc"), lambda: 42), latest(("demo", "abc"), lambda: 0)
    (42, 42)
    """
    try:
        _LATEST.move_to_end(key)
        return _LATEST[key]
    except KeyError:
        value = build()
        _LATEST[key] = value
        while len(_LATEST) > keep:
            _LATEST.popitem(last=False)
        return value


latest.clear = _LATEST.clear  # type: ignore[attr-defined]  # for tests
