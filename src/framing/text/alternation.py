"""A list of literal words as one prefix-shared regex (a trie), for alternations of hundreds of names.

Python's regex engine tries the branches of ``(?:Vladimir Putin|Volodymyr Zelensky|…)`` one after
another at every position it reaches. Written as a trie, ``V(?:ladimir Putin|olodymyr Zelensky)``,
it looks at the first letter once and follows one branch. At one position the words that match
are prefixes of one another, and the trie tries the longer before the shorter, as a
longest-first alternation does, so the two match the same text.
"""

from __future__ import annotations

import re
from typing import Iterable

__all__ = ["trie_alternation"]

_END = ""  # the key that marks the end of a word in the trie


def trie_alternation(words: Iterable[str], *, space: str | None = None) -> str:
    """A non-capturing regex matching any of `words` (taken literally), longest first.

    `space`, if given, is the regex written for a space inside a word (``r"\\s+"``: "told
    reporters" also matches across a line break); the words should then have one space between
    their parts, and none at either end (runs of spaces are read as one).

    Examples
    --------
    >>> trie_alternation(["Putin", "Vladimir Putin", "Peskov"])
    '(?:P(?:eskov|utin)|Vladimir\\\\ Putin)'
    >>> rx = re.compile(trie_alternation(["US", "USA", "U.S."]))
    >>> [m.group() for m in rx.finditer("USA, U.S. and US")]
    ['USA', 'U.S.', 'US']
    >>> trie_alternation(["told", "told reporters"], space=r"\\s+")
    '(?:told(?:\\\\s+reporters)?)'
    >>> trie_alternation([])  # matches nothing
    '(?!)'
    """
    root: dict = {}
    for word in words:
        if space is not None:
            word = " ".join(word.split())
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = {}
    if not root:
        return "(?!)"
    return "(?:" + _branches(root, space) + ")"


def _branches(node: dict, space: str | None) -> str:
    """The alternation below `node`, without its end: each child's letter and what follows it."""
    parts = [(space if ch == " " and space else re.escape(ch)) + _tail(child, space)
             for ch, child in sorted(node.items()) if ch != _END]
    return "|".join(parts)


def _tail(node: dict, space: str | None) -> str:
    children = [ch for ch in node if ch != _END]
    if not children:
        return ""
    inner = _branches(node, space)
    if _END in node:  # a word ends here and longer ones go on: try the longer ones first
        return f"(?:{inner})?"
    return inner if len(children) == 1 else f"(?:{inner})"
