"""Raw files → raw article records (or rejects): text dumps, HTML pages, CSV/JSON(L) exports."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import json
import re
import stat
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

from ..speedups import trafilatura_meta

__all__ = [
    "Note",
    "check_columns",
    "RawArticle",
    "Reject",
    "SUPPORTED_SUFFIXES",
    "SIDECAR_NAMES",
    "FIELD_ALIASES",
    "iter_input_files",
    "walk_inputs",
    "read_file",
    "read_manifest",
    "decode_bytes",
]

#: File suffixes read as articles, and the reader that handles them.
SUPPORTED_SUFFIXES = {
    ".txt": "txt", ".text": "txt", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "csv", ".tab": "csv",
}

#: Files that describe a raw folder rather than hold articles; they are not inputs.
SIDECAR_NAMES = {"sources.csv", "outlets.yaml", "boilerplate.yaml"}

#: Column names of tabular exports, mapped to article fields (compared without case, "_", "-" or spaces).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "heading", "headline"),
    "text": ("text", "content", "body", "article", "full_text", "maintext", "article_text", "story"),
    "published": ("published", "date", "publish_date", "publishedAt", "published_at", "pubdate",
                  "date_publish", "datetime", "publication_date"),
    "url": ("url", "link", "canonical_url", "article_url", "href"),
    "outlet": ("outlet", "source", "media_name", "source.name", "source_name", "publisher",
               "site_name", "media", "source_domain", "channel"),
    "author": ("author", "byline", "authors", "creator"),
    "id": ("id", "article_id", "guid", "stories_id", "uid"),
}

_MAGIC = (
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive (or docx/xlsx/epub)"),
    (b"\x89PNG", "PNG image"), (b"GIF8", "GIF image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip archive"), (b"7z\xbc\xaf", "7-Zip archive"), (b"Rar!", "RAR archive"),
    (b"BZh", "bzip2 archive"), (b"\xfd7zXZ", "xz archive"), (b"RIFF", "RIFF media"),
    (b"\x7fELF", "ELF executable"), (b"MZ", "Windows executable"), (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"), (b"\xd0\xcf\x11\xe0", "MS Office document"), (b"SQLite format 3", "SQLite database"),
    (b"PAR1", "Parquet file"),
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass
class RawArticle:
    """What a reader found before cleaning; fields it could not tell are None."""

    source_path: str
    article_id: str
    text: str
    reader: str
    encoding: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    sitename: str | None = None
    #: whose copy this is, when the source says so (a forwarded Telegram post: the channel it came from)
    wire: str | None = None
    given: dict[str, str] = field(default_factory=dict)  # field -> where it came from (export, html)
    #: an HTML page's own date, read only when called (when the text gives no better date)
    page_date: Callable[[], str | None] | None = None
    #: lines the reader removed before cleaning, with their rule (a Markdown dump's link lists)
    dropped: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Note:
    """Something a reader noticed and acted on without losing a row (a column that holds something
    other than its name says); it reaches the user as a warning and in ``Corpus.notes``."""

    source_path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.source_path}: {self.detail}"


@dataclass
class Reject:
    """A raw file or row that did not become an article, and why."""

    source_path: str
    reason: str
    detail: str


class DecodeError(ValueError):
    """Bytes that are binary or cannot be decoded as text."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def article_id(data: bytes) -> str:
    """Stable id of an article: the first 16 hex digits of the sha256 of its raw bytes.

    Examples
    --------
    >>> article_id(b"same bytes") == article_id(b"same bytes")
    True
    """
    return hashlib.sha256(data).hexdigest()[:16]


def _printable(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates) become ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a regular file"


def _skipped(name: str) -> bool:
    """Files that describe a raw folder (sidecars, READMEs) are not inputs."""
    return name.lower() in SIDECAR_NAMES or name.upper().startswith("README")


def walk_inputs(root: Path, *, follow_links: bool = False, sidecars: bool = False
                ) -> Iterator[tuple[Path, str] | Reject]:
    """Every input under `root`, lazily and in sorted order: ``(path, path relative to root)`` for
    a file to read, or a :class:`Reject` for an entry that is not read, with its reason.

    The raw folder is a boundary. A symbolic link (to a file or a folder) whose target lies outside
    `root` is not followed (``outside_root``, naming the link and its target) unless
    `follow_links`; a link inside it is followed, and a folder reached a second time (a link loop)
    is ``link_loop``. FIFOs, sockets and devices are ``not_a_file`` and are never opened (a FIFO
    would block); a dangling link is ``dangling_link``; a folder that cannot be listed, or an
    entry that cannot be examined, is ``unreadable``. Hidden entries (``.name``), sidecar files
    (``sources.csv``, ``outlets.yaml``, ``boilerplate.yaml``) and READMEs are not inputs. A name
    that is not UTF-8 appears with its bytes escaped (``caf\\xe9.txt``). With `sidecars`, the
    sidecar files and READMEs are listed too (the report's manifest hashes them).

    The environment variable ``FRAMING_FOLLOW_LINKS=1`` sets `follow_links` for every call, for a
    tool that links the files it ingests into a temporary folder.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_text("x")
    >>> (root / "passwd.txt").symlink_to("/etc/passwd")
    >>> [x[1] if isinstance(x, tuple) else (x.source_path, x.reason) for x in walk_inputs(root)]
    ['a.txt', ('passwd.txt', 'outside_root')]
    """
    follow_links = follow_links or os.environ.get("FRAMING_FOLLOW_LINKS", "") not in ("", "0")
    try:
        top = os.stat(root)
    except OSError as exc:
        yield Reject(_printable(root.name), "unreadable", f"{exc.strerror or exc}")
        return
    if not stat.S_ISDIR(top.st_mode):
        if stat.S_ISREG(top.st_mode):
            yield root, _printable(root.name)
        else:
            yield Reject(_printable(root.name), "not_a_file", f"{_kind(top.st_mode)}; not opened")
        return
    real_root = os.path.realpath(root)
    seen = {(top.st_dev, top.st_ino)}
    stack: list[tuple[str, str]] = [(str(root), "")]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Reject(rel or ".", "unreadable", f"the folder cannot be listed: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            where = f"{rel}/{_printable(entry.name)}" if rel else _printable(entry.name)
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not os.path.lexists(target) or not os.path.exists(entry.path):
                        yield Reject(where, "dangling_link", f"a link to {_printable(os.readlink(entry.path))}, "
                                                             "which does not exist")
                        continue
                    if not follow_links and not _inside(target, real_root):
                        yield Reject(where, "outside_root",
                                     f"a link to {_printable(target)}, outside the raw folder; not read "
                                     "(framing ingest --follow-links, follow_links=True or FRAMING_FOLLOW_LINKS=1 "
                                     "reads it)")
                        continue
                    info = os.stat(entry.path)
                else:
                    info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                yield Reject(where, "unreadable", f"cannot be examined: {exc.strerror or exc}")
                continue
            if stat.S_ISDIR(info.st_mode):
                if (info.st_dev, info.st_ino) in seen:
                    yield Reject(where, "link_loop", "a link to a folder that is read already; not read twice")
                else:
                    seen.add((info.st_dev, info.st_ino))
                    subfolders.append((entry.path, where))
            elif _skipped(entry.name) and not sidecars:
                continue
            elif stat.S_ISREG(info.st_mode):
                yield Path(entry.path), where
            else:
                yield Reject(where, "not_a_file", f"{_kind(info.st_mode)}; not opened")
        stack.extend(reversed(subfolders))  # depth first, in sorted order


def iter_input_files(root: Path, *, follow_links: bool = False) -> Iterator[Path]:
    """The files :func:`walk_inputs` would read (the entries it rejects left out)."""
    for item in walk_inputs(root, follow_links=follow_links):
        if isinstance(item, tuple):
            yield item[0]


def _sniff_binary(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


#: Legacy code pages tried besides charset-normalizer's pick, in order of preference on a tie.
LEGACY_ENCODINGS = ("cp1252", "cp1251", "cp1250", "koi8_r", "cp1253", "cp1254", "cp1257", "iso8859_5",
                    "mac_cyrillic", "iso8859_15")
_LETTERS = re.compile(r"[^\W\d_]+")
_CJK = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "IDEOGRAPHIC": "CJK"}
_ODD_SYMBOLS = set("¹²³¼½¾¿¡¤¦§¨©ª¬®¯°±´µ¶·¸º×÷þÞðÐ")


def _plausibility(text: str) -> float:
    """How much the non-ASCII part of `text` looks like real words (-1..1).

    A word counts as plausible when its letters are in one script, it does not switch from lower to
    upper case inside ("рПУУЙ" is KOI8-R read as cp1251), and, in Latin script, at most half its
    letters are accented ("âûíóæ" is Cyrillic read as cp1252). Stray symbols (¹ ³ ¿ ¤) count against.
    """
    words = [w for w in _LETTERS.findall(text) if not w.isascii()]
    odd = sum(1 for c in text if c in _ODD_SYMBOLS or unicodedata.category(c) in ("Co", "Cn", "So"))
    if not words and not odd:
        return 0.0
    good = 0
    for word in words:
        scripts = {_CJK.get(s, s) for s in (unicodedata.name(c, "?").split()[0] for c in word)}
        mixed_case = any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False))
        accented = sum(1 for c in word if ord(c) > 127)
        if len(scripts) == 1 and not mixed_case and (scripts != {"LATIN"} or accented <= 0.5 * len(word)):
            good += 1
    total = len(words) + odd
    return (2 * good - total) / total


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode non-UTF-8 bytes: charset-normalizer's pick and the common code pages, most plausible wins.

    charset-normalizer alone misreads short, mostly-ASCII texts (cp1251 news as cp949, cp1252 as cp775),
    so its pick competes with `LEGACY_ENCODINGS` on a plausibility score; ties go to the legacy order.
    Candidates are scored on the first 200 kB; only the winner decodes the whole file.
    """
    head = data[:200_000]
    best = charset_normalizer.from_bytes(head).best()
    candidates = list(LEGACY_ENCODINGS) + ([best.encoding] if best is not None else [])
    scored = []
    for rank, enc in enumerate(candidates):
        try:
            # "ignore" only forgives a multi-byte character cut at the end of the head
            scored.append((-_plausibility(head.decode(enc, errors="ignore" if rank == len(LEGACY_ENCODINGS) else "strict")),
                           rank, enc))
        except (UnicodeDecodeError, LookupError):
            continue
    for _, _, enc in sorted(scored):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise DecodeError("undecodable", "no text encoding fits these bytes (charset-normalizer and "
                      f"{', '.join(LEGACY_ENCODINGS)} tried)")


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the bytes look like UTF-16 without a byte-order mark: in
    text of Latin or Cyrillic script, nearly every other byte (the high byte) is NUL or one value."""
    head = data[:4000]
    if len(head) < 8 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        common = max((zeros.count(b) for b in set(zeros) - {0}), default=0)
        if zeros.count(0) >= 0.1 * len(zeros) and zeros.count(0) + common >= 0.8 * len(zeros) \
                and other.count(0) <= 0.02 * len(other):
            try:
                data[: len(data) // 2 * 2].decode(enc)
            except UnicodeDecodeError:
                return None
            return enc
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode raw bytes to text, detecting the encoding; raise DecodeError for binary data.

    A byte-order mark decides first, then strict UTF-8, then charset-normalizer.

    Examples
    --------
    >>> decode_bytes("Місто Київ".encode("cp1251"))
    ('Місто Київ', 'cp1251')
    """
    kind = _sniff_binary(data[:16])
    if kind:
        raise DecodeError("binary", f"content is a {kind} (judged by its first bytes)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.removesuffix("-sig") + ("-bom" if enc == "utf-8-sig" else "")
            except UnicodeDecodeError as exc:
                raise DecodeError("undecodable", f"starts with a {enc} byte-order mark but {exc.reason} "
                                  f"at byte {exc.start}") from exc
    wide = _utf16_without_bom(data)
    try:
        text, enc = (data.decode(wide), wide) if wide else (data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        text, enc = _decode_legacy(data)
    controls = len(_CONTROL.findall(text[:20000]))
    if controls > max(8, 0.02 * min(len(text), 20000)):
        raise DecodeError("binary", f"{controls} control characters in the first 20000 decoded as {enc}")
    return text, enc


# --------------------------------------------------------------------------- tabular helpers

def _norm_key(key: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(key)).lower()


_ALIAS_INDEX = {_norm_key(a): f for f, aliases in FIELD_ALIASES.items() for a in aliases}


def _flatten(row: Mapping, prefix: str = "") -> dict:
    out = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _map_columns(columns: list[str], mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Article field -> column name, from explicit `mapping` (field -> column) first, then aliases."""
    found: dict[str, str] = {}
    for col in columns:
        fld = _ALIAS_INDEX.get(_norm_key(col))
        if fld and fld not in found:
            found[fld] = col
    for fld, col in (mapping or {}).items():
        if fld not in FIELD_ALIASES:
            raise ValueError(f"mapping: unknown article field {fld!r}; known: {sorted(FIELD_ALIASES)}")
        found[fld] = col
    return found


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    value = str(value).strip()
    return value or None


def _parts(value) -> str:
    """The text of a Telegram-style list of parts: strings and ``{"type": …, "text": …}`` runs,
    written one after the other."""
    if isinstance(value, list):
        return "".join(_parts(v) for v in value)
    if isinstance(value, Mapping):
        return _parts(value.get("text", ""))
    return "" if value is None else str(value)


def _body_text(value) -> str | None:
    """An export's body: a string; a list of paragraphs (joined by blank lines, not by ", ", which
    glued "…reporters., Russia is…"); or a list of inline parts (joined as they are).

    Examples
    --------
    >>> _body_text(["First paragraph.", "Second one."])
    'First paragraph.\\n\\nSecond one.'
    >>> _body_text(["Talks in ", {"type": "bold", "text": "Kyiv"}, " went on."])
    'Talks in Kyiv went on.'
    """
    if isinstance(value, list):
        if any(isinstance(v, Mapping) for v in value):  # runs of one paragraph, some with formatting
            return _as_text(_parts(value))
        return _as_text("\n\n".join(str(v).strip() for v in value if v is not None and str(v).strip()))
    return _as_text(value)


def _row_article(row: Mapping, cols: dict[str, str], *, where: str, raw: bytes,
                 reader: str, encoding: str | None) -> RawArticle | Reject:
    text = _body_text(row.get(cols["text"]))
    if not text:
        return Reject(where, "no_body", f"column {cols['text']!r} is empty")
    values = {f: _as_text(row.get(c)) for f, c in cols.items() if f not in ("text", "id")}
    return RawArticle(
        source_path=where, article_id=article_id(raw), text=text, reader=reader, encoding=encoding,
        given={f: f"export column {cols[f]!r}" for f, v in values.items() if v}, **values,
    )


_URL_VALUE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_DATE_VALUE = re.compile(r"^(?=.{6,40}$)(?=.*\b(?:1[89]|20)\d\d\b)[\w ,./:+-]*\d[\w ,./:+-]*$")


def _share(values: list[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _is_date(value: str) -> bool:
    import pandas as pd

    if not _DATE_VALUE.match(value):
        return False
    try:
        return not pd.isna(pd.to_datetime(value, errors="coerce", utc=True, format="mixed"))
    except (ValueError, TypeError, OverflowError):
        return False


def check_columns(rows: list[dict], cols: dict[str, str], mapping=None) -> tuple[dict[str, str], list[str]]:
    """The field -> column map of an export, checked against a sample of its rows: a ``url`` column
    without URLs, a date column without dates or a ``text`` column of short strings is reported
    (the column and three values); where the evidence is clear the column is read as what it holds
    (a ``URL`` column of dates becomes the publication date; a column of URLs under another name
    becomes the URL; the long-text column becomes the text), else the field is left unread rather
    than filled with something else. A column named with `mapping` is taken as given.

    Examples
    --------
    >>> rows = [{"Date": "https://a.example/1", "URL": "2022-03-0%d" % i, "Text": "Body " * 40} for i in range(1, 6)]
    >>> cols, notes = check_columns(rows, {"published": "Date", "url": "URL", "text": "Text"})
    >>> sorted(cols.items())
    [('published', 'URL'), ('text', 'Text'), ('url', 'Date')]
    >>> notes[0]
    "column 'URL' (read as url) holds no URLs but dates ('2022-03-01', '2022-03-02', '2022-03-03'): read as the publication date"
    """
    if not rows:
        return dict(cols), []
    given = set(mapping or {})
    values = {c: [str(r[c]).strip() for r in rows if r.get(c) not in (None, "") and str(r[c]).strip()]
              for c in dict.fromkeys(k for r in rows for k in r)}
    urls = {c: _share(v[:200], _URL_VALUE.match) for c, v in values.items()}
    dates = {c: _share(v[:200], _is_date) for c, v in values.items()}
    words = {c: sorted(len(x.split()) for x in v)[len(v) // 2] if v else 0 for c, v in values.items()}
    out, notes = dict(cols), []

    def shown(c):
        return ", ".join(repr(x[:40]) for x in values.get(c, [])[:3])

    text = out.get("text")
    if text and text not in given and words.get(text, 0) < 8:
        longer = [c for c in values if c not in out.values() and words[c] >= 30]
        if len(longer) == 1:
            notes.append(f"column {text!r} (read as text) holds short strings ({shown(text)}); the text is read "
                         f"from {longer[0]!r}, whose values are paragraphs")
            out["text"] = longer[0]
        else:
            notes.append(f"column {text!r} (read as text) holds short strings ({shown(text)}); name the text "
                         "column with mapping={'text': ...} if this is not it")
    for fld, fits, what in (("url", urls, "URLs"), ("published", dates, "dates")):
        col = out.get(fld)
        if not col or col in given or not values.get(col) or fits[col] >= 0.5:
            continue
        other = "dates" if fld == "url" else "URLs"
        if fld == "url" and dates[col] >= 0.9 and ("published" not in out or dates.get(out["published"], 0) < 0.5):
            notes.append(f"column {col!r} (read as url) holds no URLs but dates ({shown(col)}): read as the "
                         "publication date")
            out["published"] = col
        else:
            notes.append(f"column {col!r} (read as {fld}) holds no {what} ({shown(col)}); not used as {fld}")
        del out[fld]
    for fld, fits, limit in (("url", urls, 0.9), ("published", dates, 0.9)):
        if fld in out:
            continue
        found = [c for c in values if fits[c] >= limit and c not in out.values()]
        if len(found) == 1:
            notes.append(f"column {found[0]!r} holds {'URLs' if fld == 'url' else 'dates'} ({shown(found[0])}): "
                         f"read as the {'URL' if fld == 'url' else 'publication date'}")
            out[fld] = found[0]
            for other in [f for f, c in out.items() if c == found[0] and f != fld]:
                del out[other]
    return out, notes


def _no_text_column(where: str, columns: list[str]) -> Reject:
    names = ", ".join(repr(c) for c in columns) or "none"
    return Reject(where, "no_text_column",
                  f"no text-like column among {names}; name one with mapping={{'text': '<column>'}}")


# --------------------------------------------------------------------------- readers

def _read_jsonl(path: Path, rel: str, mapping, max_bytes: int,
                span: tuple[int, int, int] | None = None) -> Iterator[RawArticle | Reject]:
    start, end, first_line = span or (0, -1, 1)
    with path.open("rb") as fh:
        fh.seek(start)
        yield from _jsonl_rows(fh, rel, mapping, max_bytes, end=end, first_line=first_line, rows_seen=span is not None)


def _jsonl_rows(fh, rel: str, mapping, max_bytes: int, *, end: int = -1, first_line: int = 1,
                rows_seen: bool = False) -> Iterator[RawArticle | Reject | Note]:
    """The rows of JSONL from a binary stream (a file, a span of one, or a decompressing reader);
    `rows_seen`: a part of a split file, whose planner saw rows. The columns are checked
    (:func:`check_columns`) on the first rows, held back until 200 rows or 2 MB have been read."""
    col_maps: dict[tuple[str, ...], dict[str, str]] = {}  # rows of an export nearly always share their keys
    held: list = []
    held_bytes, fitted, notes = 0, None, []
    lineno = first_line - 1
    for lineno, raw in enumerate(_bounded_lines(fh, max_bytes, end), start=first_line):
        where = f"{rel}#{lineno}"
        rows_seen = rows_seen or raw is None or bool(raw.strip())
        if raw is None:
            item = Reject(where, "too_large", f"line {lineno} is longer than {max_bytes} bytes")
        elif not raw.strip():
            continue
        else:
            obj = _json_row(raw, lineno)
            if isinstance(obj, str):
                item = Reject(where, "malformed_json", obj)
            elif not isinstance(obj, dict):
                item = Reject(where, "malformed_json", f"line {lineno}: expected an object, got {type(obj).__name__}")
            else:
                item = (where, raw, _flatten(obj))
        if fitted is None:
            held.append(item)
            held_bytes += len(raw or b"")
            if len(held) >= 200 or held_bytes >= 2_000_000:
                fitted, notes = yield from _jsonl_rows_checked(held, rel, mapping, col_maps)
                held = []
            continue
        yield item if isinstance(item, Reject) else _jsonl_article(*item, mapping, col_maps, fitted, notes)
    if held:  # a short file: checked on all its rows
        yield from _jsonl_rows_checked(held, rel, mapping, col_maps)
    if not rows_seen:  # every raw file ends up somewhere: a blank JSONL file is a reject too
        yield Reject(rel, "empty", f"only whitespace ({lineno} blank line(s))")


def _jsonl_rows_checked(held: list, rel: str, mapping, col_maps: dict):
    """Rows held back (row tuples and rejects), checked together and released in order; returns
    the columns as checked and the notes, for the rows after them."""
    fitted, notes = _fit_rows([x[2] for x in held if isinstance(x, tuple)], mapping)
    yield from (Note(rel, n) for n in notes)
    for x in held:
        yield x if isinstance(x, Reject) else _jsonl_article(*x, mapping, col_maps, fitted, notes)
    return fitted, notes


def _fit_rows(rows: list[dict], mapping) -> tuple[dict[str, str], list[str]]:
    """:func:`check_columns` on the rows of an export (their keys mapped together)."""
    if not rows:
        return {}, []
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return check_columns(rows, _map_columns(keys, mapping), mapping)


def _refit(cols: dict[str, str], fitted: dict[str, str], row: Mapping) -> dict[str, str]:
    """A row's field -> column map with the columns :func:`check_columns` read as something else."""
    cols = {f: c for f, c in cols.items() if fitted.get(f, c) == c and (f in fitted or f == "text")}
    return cols | {f: c for f, c in fitted.items() if c in row}


def _jsonl_article(where: str, raw: bytes, row: dict, mapping, col_maps: dict, fitted: dict, notes: list):
    keys = tuple(row)
    if keys not in col_maps:
        cols = _map_columns(list(keys), mapping)
        col_maps[keys] = _refit(cols, fitted, row) if notes else cols
    cols = col_maps[keys]
    if "text" not in cols:
        return _no_text_column(where, list(keys))
    return _row_article(row, cols, where=where, raw=raw.strip(), reader="jsonl", encoding="utf-8")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _lone_surrogate(value) -> bool:
    """Whether a decoded JSON value holds half of a UTF-16 pair (``"\\ud800"`` alone), which no
    UTF-8 writer (Parquet, CSV, HTML) accepts."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_lone_surrogate(k) or _lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_lone_surrogate(v) for v in value)
    return False


def _json_value(raw: str, where: str):
    """A JSON value, or a string that says why it is not one (every error of the decoder: syntax,
    numbers over Python's digit limit, nesting too deep to decode, lone surrogates)."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"{where}: {exc}"
    except UnicodeDecodeError as exc:
        return f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})"
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return f"{where}: {exc}"
    except RecursionError:
        return f"{where}: nested too deeply to decode"
    if _SURROGATE_ESCAPE.search(raw) and _lone_surrogate(obj):
        return f"{where}: a lone UTF-16 surrogate escape (such as \\ud800) is not a character"
    return obj


def _json_row(raw: bytes, lineno: int):
    try:
        data = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return f"line {lineno}: not UTF-8 ({exc.reason} at byte {exc.start})"
    return _json_value(data, f"line {lineno}")


def _bounded_lines(fh, max_bytes: int, end: int = -1) -> Iterator[bytes | None]:
    """Lines of a binary file up to byte `end` (-1: its end); a line longer than `max_bytes` yields
    None and is skipped in chunks."""
    while True:
        if end >= 0 and fh.tell() >= end:
            return
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # discard the rest of the over-long line without holding it
                rest = fh.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
        else:
            yield line


def _read_json(text: str, rel: str, mapping, encoding: str) -> Iterator[RawArticle | Reject]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Reject(rel, "malformed_json", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")
        return
    except ValueError as exc:  # a number over Python's digit limit
        yield Reject(rel, "malformed_json", str(exc))
        return
    except RecursionError:
        yield Reject(rel, "malformed_json", "nested too deeply to decode")
        return
    if _is_telegram(data):
        yield from _read_telegram(data, rel, mapping, encoding, text)
        return
    if isinstance(data, dict):
        lists = [k for k in ("articles", "data", "items", "results", "stories", "rows", "records", "posts")
                 if isinstance(data.get(k), list)]
        data = data[lists[0]] if lists else [data]
    surrogates = bool(_SURROGATE_ESCAPE.search(text))
    if not isinstance(data, list):
        yield Reject(rel, "malformed_json", f"expected a list of article objects, got {type(data).__name__}")
        return
    fitted, notes = _fit_rows([_flatten(o) for o in data[:200] if isinstance(o, dict)], mapping)
    yield from (Note(rel, n) for n in notes)
    for i, obj in enumerate(data, start=1):
        where = f"{rel}#{i}"
        if not isinstance(obj, dict):
            yield Reject(where, "malformed_json", f"item {i}: expected an object, got {type(obj).__name__}")
            continue
        if surrogates and _lone_surrogate(obj):
            yield Reject(where, "malformed_json", f"item {i}: a lone UTF-16 surrogate escape (such as \\ud800) "
                                                  "is not a character")
            continue
        row = _flatten(obj)
        cols = _map_columns(list(row), mapping)
        if notes:  # a column found to hold something else is read as what it holds
            cols = _refit(cols, fitted, row)
        if "text" not in cols:
            yield _no_text_column(where, list(row))
            continue
        raw = json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf-8")
        yield _row_article(row, cols, where=where, raw=raw, reader="json", encoding=encoding)


def _is_telegram(data) -> bool:
    """A Telegram Desktop channel export (result.json): the channel's name and its messages."""
    return isinstance(data, dict) and isinstance(data.get("messages"), list) and "name" in data \
        and any(isinstance(m, dict) and "date" in m and "type" in m for m in data["messages"][:20])


def _read_telegram(data: dict, rel: str, mapping, encoding: str, text: str) -> Iterator[RawArticle | Reject]:
    """A channel's messages as articles: the channel is the outlet, a message's text (a string or
    a list of formatted parts) the body, its Unix time the publication time, and a forwarded post's
    origin (``forwarded_from``) its ``wire``; service messages (pins, joins, title changes) are
    rejected ``service_message``."""
    channel = str(data.get("name") or "").strip() or None
    surrogates = bool(_SURROGATE_ESCAPE.search(text))
    for i, msg in enumerate(data["messages"], start=1):
        where = f"{rel}#{i}"
        if not isinstance(msg, dict):
            yield Reject(where, "malformed_json", f"message {i}: expected an object, got {type(msg).__name__}")
            continue
        if surrogates and _lone_surrogate(msg):
            yield Reject(where, "malformed_json", f"message {i}: a lone UTF-16 surrogate escape is not a character")
            continue
        if msg.get("type") != "message":
            yield Reject(where, "service_message", f"message {msg.get('id', i)}: a Telegram {msg.get('type')!r} "
                                                   f"entry ({msg.get('action', 'no text')}), not a post")
            continue
        stamp = msg.get("date_unixtime")
        published = (_unix_time(stamp) if stamp else None) or msg.get("date")
        row = {"text": _parts(msg.get("text")), "published": published, "outlet": channel,
               "author": msg.get("author") or msg.get("from"), "id": msg.get("id")}
        if msg.get("forwarded_from"):  # another channel's post: its copy, as agency copy is
            row["wire"] = str(msg["forwarded_from"])
        if mapping:  # a field named with mapping= is read from the message's own key
            flat = _flatten(msg)
            row.update({field: flat.get(column) for field, column in mapping.items()})
        cols = {k: k for k in row if k != "id"}
        raw = json.dumps(msg, sort_keys=True, ensure_ascii=False).encode("utf-8")
        yield _row_article(row, cols, where=where, raw=raw, reader="telegram", encoding=encoding)


def _unix_time(stamp) -> str | None:
    """A Unix time (seconds, as a number or a string) as an ISO time in UTC."""
    import datetime as dt

    try:
        return dt.datetime.fromtimestamp(int(stamp), tz=dt.timezone.utc).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


class _Semicolon(csv.excel):
    delimiter = ";"


class _Pipe(csv.excel):
    delimiter = "|"


#: The dialects tried, in order: RFC 4180 (comma, doubled quotes) first, then the other common
#: separators; a dialect the sniffer finds (an escape character, say) is tried last.
CSV_DIALECTS: tuple[tuple[str, type[csv.Dialect]], ...] = (
    ("csv", csv.excel), ("csv:tab", csv.excel_tab), ("csv:semicolon", _Semicolon), ("csv:pipe", _Pipe),
)
_DIALECT_SAMPLE = 1 << 20  # characters of the file each candidate dialect is tried on


def _fit(text: str, dialect) -> tuple[int, int, int]:
    """How well `dialect` reads the start of `text`: (rows with the header's field count, minus the
    rows without, header fields), for comparing dialects."""
    sample = text[:_DIALECT_SAMPLE]
    if len(text) > _DIALECT_SAMPLE:  # the last row may be cut: stop at a line end
        sample = sample[: sample.rfind("\n") + 1] or sample
    reader = csv.reader(io.StringIO(sample, newline=""), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return (0, 0, 0)
    good = bad = 0
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) == len(header):
                good += 1
            else:
                bad += 1
    except csv.Error:
        bad += 1
    return (good - bad, good, len(header))


def csv_dialect(text: str) -> tuple[str, type[csv.Dialect] | csv.Dialect]:
    """The dialect an export is read with, and its name for the ``reader`` column.

    Every candidate (:data:`CSV_DIALECTS`, then the sniffer's guess) reads the first megabyte; the
    one whose rows most often have the header's number of fields wins, ties going to the earlier
    candidate, so a file that parses as standard CSV is read as standard CSV (the sniffer alone
    guessed "no doubled quotes" for real exports and split every row holding ``""``). A one-column
    header counts as a fit only when no candidate does better.

    Examples
    --------
    >>> csv_dialect('title,text\\n"A ""quoted"" word","Body, with a comma"\\n')[0]
    'csv'
    >>> csv_dialect('title;text\\nKyiv;Talks went on, officials said.\\n')[0]
    'csv:semicolon'
    """
    candidates = list(CSV_DIALECTS)
    try:
        sniffed = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|")
        candidates.append(("csv:sniffed", sniffed))
    except csv.Error:
        pass
    scored = [(_fit(text, d), -k, name, d) for k, (name, d) in enumerate(candidates)]
    (score, good, width), _, name, dialect = max(scored, key=lambda x: (x[0][2] > 1, x[0][0], x[0][1], x[1]))
    return name, dialect


def _csv_sample(text: str, dialect, header: list[str], n: int = 200) -> list[dict]:
    """The first `n` rows that fit the header, as dicts (for :func:`check_columns`)."""
    reader = csv.reader(io.StringIO(text[:_DIALECT_SAMPLE], newline=""), dialect)
    rows = []
    try:
        next(reader)
        for values in reader:
            if len(values) == len(header):
                rows.append(dict(zip(header, values, strict=True)))
                if len(rows) >= n:
                    break
    except (csv.Error, StopIteration):
        pass
    return rows


def _read_csv(text: str, rel: str, mapping, encoding: str, max_bytes: int = 50_000_000) -> Iterator[RawArticle | Reject | Note]:
    """The rows of a CSV (or TSV, ``;``- or ``|``-separated) export, in the dialect
    :func:`csv_dialect` chooses; a field may be as long as `max_bytes` (the file limit), and a row
    the csv module cannot parse is rejected with its line while the rows after it are read."""
    if csv.field_size_limit() < max_bytes:  # the module's default, 131,072 characters, is one long article
        csv.field_size_limit(min(max_bytes, 2**31 - 1))
    text = text.replace("\x00", "") if "\x00" in text else text  # NUL bytes stop the csv module
    name, dialect = csv_dialect(text)
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        yield Reject(rel, "malformed_csv", f"no header row: {exc}")
        return
    cols = _map_columns(header, mapping)
    if "text" not in cols:
        yield _no_text_column(rel, header)
        return
    cols, notes = check_columns(_csv_sample(text, dialect, header), cols, mapping)
    yield from (Note(rel, n) for n in notes)
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # this row only: the reader goes on at the next line
            yield Reject(f"{rel}#{start}", "malformed_csv", f"line {start}: {exc}")
            if reader.line_num + 1 <= start:  # pragma: no cover - the reader did not move
                return
            start = reader.line_num + 1
            continue
        where, start = f"{rel}#{start}", reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield Reject(where, "malformed_csv", f"{len(values)} fields where the header has {len(header)} "
                                                 f"(read as {name})")
            continue
        row = dict(zip(header, values, strict=True))
        raw = "\x1f".join(values).encode("utf-8")
        yield _row_article(row, cols, where=where, raw=raw, reader=name, encoding=encoding)


_META_TIME = re.compile(
    r"""<meta[^>]+(?:property|itemprop|name)=["'](?:article:published_time|datePublished|pubdate)["'][^>]*"""
    r"""content=["'](\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)["']""", re.IGNORECASE)


def _page_date(tree, url: str | None, html: str) -> str | None:
    """htmldate's publication day for the page (as trafilatura asks for it), with the time of the
    page's own published-time meta tag when that tag has the same day."""
    from htmldate import find_date

    return _with_meta_time(find_date(tree, url=url, **trafilatura_meta.DATE_PARAMS), html)


def _with_meta_time(day: str | None, html: str) -> str | None:
    # htmldate returns a day only; a page's own published-time meta tag also has the time
    stamp = _META_TIME.search(html)
    return stamp.group(1) if stamp and day and stamp.group(1).startswith(day) else day


def _extract_page(text: str):
    """(text, metadata, date) of an HTML page with trafilatura: the page is parsed once, its
    metadata read by :func:`framing.speedups.trafilatura_meta.page_metadata`, then its text
    extracted (from a copy of the tree: trafilatura makes one itself). `date` is a string, or a
    function that reads it from the page when called. (None, None, None) when trafilatura finds no
    article."""
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it
    from trafilatura.utils import load_html

    tree = load_html(text)
    meta = trafilatura_meta.page_metadata(tree, text) if tree is not None else None
    if meta is None:  # no tree, or a trafilatura without the steps: let it do everything
        doc = trafilatura_meta.metadata_reference(text)
        if doc is None:
            return None, None, None
        return getattr(doc, "text", None), doc, _with_meta_time(doc.date, text)
    doc = trafilatura.bare_extraction(tree, url=meta.url, with_metadata=False, **trafilatura_meta.OPTIONS)
    if doc is None:
        return None, None, None
    return getattr(doc, "text", None), meta, functools.partial(_page_date, tree, meta.url, text)


def _read_html(text: str, rel: str, raw: bytes, encoding: str) -> Iterator[RawArticle | Reject]:
    body, doc, date = _extract_page(text)
    if not body or not body.strip():
        yield Reject(rel, "no_body", "trafilatura found no article text in the page")
        return
    given = {}
    meta = {"title": doc.title, "author": doc.author, "url": doc.url, "published": date}
    for key, value in meta.items():
        if value:
            given[key] = "html metadata"
    if callable(date):
        meta["published"], meta["page_date"] = None, date
    yield RawArticle(
        source_path=rel, article_id=article_id(raw), text=body, reader="html", encoding=encoding,
        sitename=doc.sitename or doc.hostname, given=given, **meta,
    )


def _read_markdown(text: str, rel: str, raw: bytes, encoding: str) -> RawArticle | Reject:
    from .markdown import read_markdown

    page = read_markdown(text)
    if not page.text.strip():
        return Reject(rel, "no_body", f"nothing but metadata and links: {len(page.dropped)} line(s) removed")
    meta = {k: page.meta.get(k) for k in ("title", "url", "published", "author", "sitename")}
    return RawArticle(source_path=rel, article_id=article_id(raw), text=page.text, reader="markdown",
                      encoding=encoding, given={k: "markdown metadata" for k, v in meta.items() if v},
                      dropped=page.dropped, **meta)


#: Compressed single files: ``story.txt.gz``, ``feed.jsonl.xz``; the suffix before decides the reader.
COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".xz": "lzma"}


def _open_compressed(path: Path, suffix: str):
    import bz2
    import gzip
    import lzma

    return {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix](path, "rb")


_CORRUPT = (EOFError, OSError, ValueError, zlib.error)  # gzip.BadGzipFile and lzma.LZMAError are among them


def read_file(path: Path, rel: str, *, mapping: Mapping[str, str] | None = None,
              max_bytes: int = 50_000_000, span: tuple[int, int, int] | None = None) -> Iterator[RawArticle | Reject]:
    """Read one raw file into raw article records, or rejects that say why not.

    Parameters
    ----------
    path : the file to read.
    rel : its path relative to the raw root, used in `source_path`.
    mapping : article field -> column name, for exports whose columns have other names.
    max_bytes : files (or JSONL lines) larger than this are rejected as ``too_large`` unread; for a
        compressed file, its content (a zip bomb stops there).
    span : for a JSONL file split by the streaming ingest: (first byte, end byte, first line number);
        the span starts at a line start and ends after a newline.

    A ``.gz``, ``.bz2`` or ``.xz`` file is read as the file it compresses (``feed.jsonl.gz`` as JSONL,
    streamed); a ``.zip`` archive gives each member as an input named ``archive.zip/member``. A
    corrupt archive is ``corrupt_archive``.
    """
    suffix = path.suffix.lower()
    if suffix == ".zip":
        yield from _read_zip(path, rel, mapping=mapping, max_bytes=max_bytes)
        return
    if suffix in COMPRESSED:
        yield from _read_compressed(path, rel, suffix, mapping=mapping, max_bytes=max_bytes)
        return
    reader = SUPPORTED_SUFFIXES.get(suffix)
    if reader is None:
        yield _unsupported(rel, suffix)
        return
    try:
        size = path.stat().st_size
        if size == 0:
            yield Reject(rel, "empty", "the file has 0 bytes")
            return
        with path.open("rb") as fh:
            head = fh.read(16)
        kind = _sniff_binary(head)
        if kind:
            yield Reject(rel, "binary", f"content is a {kind} (judged by its first bytes)")
            return
        if reader == "jsonl":
            yield from _read_jsonl(path, rel, mapping, max_bytes, span)
            return
        if size > max_bytes:
            yield Reject(rel, "too_large", f"{size} bytes is more than max_bytes={max_bytes}; "
                                           "split it, or export it as JSONL, which is streamed")
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield Reject(rel, "unreadable", f"{exc.strerror or exc}")
        return
    yield from _read_bytes(raw, rel, reader, mapping=mapping, max_bytes=max_bytes)


def _unsupported(rel: str, suffix: str) -> Reject:
    known = sorted([*SUPPORTED_SUFFIXES, *COMPRESSED, ".zip"])
    return Reject(rel, "unsupported_type", f"suffix {suffix or '(none)'!r} is not read; supported: {', '.join(known)}")


def _read_bytes(raw: bytes, rel: str, reader: str, *, mapping, max_bytes: int) -> Iterator[RawArticle | Reject]:
    """The articles of a whole file's bytes, read by `reader` (txt, html, json, csv, jsonl)."""
    if not raw:
        yield Reject(rel, "empty", "the file has 0 bytes")
        return
    kind = _sniff_binary(raw[:16])
    if kind:
        yield Reject(rel, "binary", f"content is a {kind} (judged by its first bytes)")
        return
    if reader == "jsonl":
        yield from _jsonl_rows(io.BytesIO(raw), rel, mapping, max_bytes)
        return
    try:
        text, encoding = decode_bytes(raw)
    except DecodeError as exc:
        yield Reject(rel, exc.reason, str(exc))
        return
    if not text.strip():
        yield Reject(rel, "empty", f"only whitespace ({len(raw)} bytes)")
        return
    if reader == "txt":
        yield RawArticle(source_path=rel, article_id=article_id(raw), text=text, reader="txt", encoding=encoding)
    elif reader == "markdown":
        yield _read_markdown(text, rel, raw, encoding)
    elif reader == "html":
        yield from _read_html(text, rel, raw, encoding)
    else:  # an export: one article a row; an export with no rows at all is rejected, not passed over
        rows = _read_json(text, rel, mapping, encoding) if reader == "json" else _read_csv(text, rel, mapping, encoding, max_bytes)
        any_row = False
        for item in rows:
            any_row = any_row or not isinstance(item, Note)
            yield item
        if not any_row:
            yield Reject(rel, "empty", f"the {reader.upper()} export holds no rows")


def _read_compressed(path: Path, rel: str, suffix: str, *, mapping, max_bytes: int) -> Iterator[RawArticle | Reject]:
    """A compressed file as the file inside it: JSONL streamed line by line, anything else read
    whole up to `max_bytes` of content."""
    inner = Path(path.stem).suffix.lower()
    reader = SUPPORTED_SUFFIXES.get(inner)
    if reader is None:
        yield _unsupported(rel, f"{inner}{suffix}" if inner else suffix)
        return
    try:
        with _open_compressed(path, suffix) as fh:
            if reader == "jsonl":
                yield from _jsonl_rows(fh, rel, mapping, max_bytes)
                return
            data = fh.read(max_bytes + 1)
    except _CORRUPT as exc:
        yield Reject(rel, "corrupt_archive", f"not a readable {COMPRESSED[suffix]} file: {exc}")
        return
    if len(data) > max_bytes:
        yield Reject(rel, "too_large", f"its content is more than max_bytes={max_bytes} bytes; "
                                       "export it as JSONL, which is streamed")
        return
    yield from _read_bytes(data, rel, reader, mapping=mapping, max_bytes=max_bytes)


def _read_zip(path: Path, rel: str, *, mapping, max_bytes: int) -> Iterator[RawArticle | Reject]:
    """Each member of a zip archive as an input of its own, ``archive.zip/member`` (hidden and
    sidecar members, folders and macOS resource forks are not inputs; an archive inside it is
    ``unsupported_type``)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, *_CORRUPT) as exc:
        yield Reject(rel, "corrupt_archive", f"not a readable zip archive: {exc}")
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        any_member = False
        for member in sorted(members, key=lambda m: m.filename):
            name = member.filename
            base = name.rsplit("/", 1)[-1]
            if not base or base.startswith(".") or name.startswith("__MACOSX/") or _skipped(base):
                continue
            any_member = True
            where = f"{rel}/{_printable(name)}"
            suffix = Path(base).suffix.lower()
            reader = SUPPORTED_SUFFIXES.get(suffix)
            if reader is None:
                yield _unsupported(where, suffix)
                continue
            try:
                with archive.open(member) as fh:
                    if reader == "jsonl":
                        yield from _jsonl_rows(fh, where, mapping, max_bytes)
                        continue
                    data = fh.read(max_bytes + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, *_CORRUPT) as exc:
                yield Reject(where, "corrupt_archive", f"member not readable: {exc}")
                continue
            if len(data) > max_bytes:
                yield Reject(where, "too_large", f"more than max_bytes={max_bytes} bytes once unpacked")
                continue
            yield from _read_bytes(data, where, reader, mapping=mapping, max_bytes=max_bytes)
        if not any_member:
            yield Reject(rel, "empty", "the zip archive holds no input files")


# --------------------------------------------------------------------------- manifest

_MANIFEST_FIELDS = {
    "file": ("file", "path", "filename", "source_path"),
    "outlet": ("outlet", "source", "publisher"),
    "url": ("url", "link"),
    "published": ("published", "date", "publish_date"),
    "author": ("author", "byline"),
    "title": ("title", "headline"),
}


def read_manifest(path: Path) -> dict[Path, dict[str, str]]:
    """Read a `sources.csv` manifest: resolved file path -> {outlet, url, published, author, title}.

    File names in the manifest are relative to the manifest's own folder.

    Examples
    --------
    A manifest looks like::

        file,outlet,url,published
        2022/kyiv-01.txt,Demo Daily,https://demo.example/a,2022-02-24
    """
    text, _ = decode_bytes(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = {_norm_key(c): c for c in reader.fieldnames or []}
    cols = {}
    for fld, aliases in _MANIFEST_FIELDS.items():
        for alias in aliases:
            if _norm_key(alias) in header:
                cols[fld] = header[_norm_key(alias)]
                break
    if "file" not in cols:
        raise ValueError(f"{path}: manifest needs a 'file' column; found {reader.fieldnames}")
    entries: dict[Path, dict[str, str]] = {}
    for row in reader:
        name = (row.get(cols["file"]) or "").strip()
        if not name:
            continue
        values = {f: (row.get(c) or "").strip() for f, c in cols.items() if f != "file"}
        entries[(path.parent / name).resolve()] = {f: v for f, v in values.items() if v}
    return entries
