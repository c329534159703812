"""Characters and UTF-8 bytes as Python's ``re`` sees them: its whitespace, its word characters,
and the character at a byte offset of UTF-8 text."""

from __future__ import annotations

__all__ = ["PY_SPACE", "char_at", "char_before", "is_word"]

#: Characters Python's ``\s`` matches (``str.isspace``), as code points (tested).
PY_SPACE = (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
            *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)


def is_word(ch: str) -> bool:
    """Python's ``\\w`` for one character."""
    return ch.isalnum() or ch == "_"


def char_before(data: memoryview, pos: int) -> str:
    """The character that ends at byte `pos` of UTF-8 `data`."""
    lo = pos - 1
    while lo > 0 and pos - lo < 4 and data[lo] & 0xC0 == 0x80:
        lo -= 1
    return bytes(data[lo:pos]).decode("utf-8", "replace")[-1:]


def char_at(data: memoryview, pos: int) -> str:
    """The character that starts at byte `pos` of UTF-8 `data`."""
    return bytes(data[pos:pos + 4]).decode("utf-8", "ignore")[:1]
