"""Raw article text → the body only, with every removed line kept for the audit."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from ..knowledge.boilerplate import Boilerplate, load_boilerplate
from ..knowledge.chrome_model import load_model
from ..text.prefilter import Prefilter, may_match, prefilter_for
from .chrome import CLOSERS, FEATURES, SENTENCE_END, code_share, line_features, max_run

__all__ = [
    "Cleaned",
    "clean_text",
    "page_lines",
    "normalize_whitespace",
    "repair_glued_sentences",
    "split_glued_lines",
    "is_body_paragraph",
    "line_key",
    "key_bytes",
]

#: Spaces other than the plain one, each made plain; then runs of plain spaces made one (two passes
#: that each skip ahead to their first character: far faster than one pattern starting at every space).
_ODD_SPACE = re.compile(r"[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_RUN = re.compile(r"  +")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
#: Anything normalize_whitespace changes but a run of plain spaces: invisible marks, odd spaces, odd line breaks.
_ODD_CHAR = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\r\u2028\u2029]")
_GLUED = (  # each starts with its punctuation mark, so that re can skip to the candidates
    re.compile(r"[.!?](?<=[a-z][a-z][.!?])(?=[A-Z][a-z]|[“‘])"),  # "peace.Moscow", "said.“We" — not "U.S."
    re.compile(r"[”’](?<=[a-z][.!?][”’])(?=[A-Z“])"),  # "…diplomacy.”Moscow"
    re.compile(r"[.!?](?<=[a-z][”’»][.!?])(?=[A-Z][a-z])"),  # "…for Ukraine”.The"
)
_GLUED_STRAIGHT = re.compile(r'(?<=[a-z])[.!?]"(?=[A-Z])')
_TERMINAL = tuple('.!?…:;"”’»)')
_WORD = re.compile(r"\w+")
_KEY_JUNK = re.compile(r"[\W_]+")
_TRAILING_ELLIPSIS = re.compile(r"(?:\.\.\.|…)\s*$")
_ASCII_JUNK = {c: " " for c in range(128) if not chr(c).isalnum()}  # [\W_] in ASCII
_COMMON_MARKS = ("“", "”", "‘", "’", "—", "–", "…", "«", "»", "·", "•")  # all [\W_], outside ASCII


@dataclass
class Cleaned:
    """The result of cleaning one text.

    paragraphs : the body, in order, one string per paragraph.
    dropped : (line, why) for every removed line, in the order met.
    header : every line before the first body paragraph, dropped or not, for the metadata readers.
    lines : every line after splitting and the footer cut (signatures and wire signs are read here).
    keys : :func:`line_key` of each paragraph (computed once here; later steps compare by them).
    by_model : the lines the line model dropped (the rules kept them): still candidates for a title.
    """

    paragraphs: list[str]
    dropped: list[tuple[str, str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    by_model: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if len(self.keys) != len(self.paragraphs):
            self.keys = [line_key(x) for x in self.paragraphs]

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)


def normalize_whitespace(text: str) -> str:
    """Unify line breaks, turn no-break and other odd spaces into plain spaces, drop invisible marks.

    Quotation marks and apostrophes are left exactly as they are.

    Examples
    --------
    >>> normalize_whitespace("Kyiv\\u00a0 says\\r\\n\\r\\n  more ")
    'Kyiv says\\n\\nmore'
    """
    text = unicodedata.normalize("NFC", text)
    if _ODD_CHAR.search(text):  # most texts have none: one scan instead of four replacements
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
        text = _ODD_SPACE.sub(" ", _INVISIBLE.sub("", text))
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _space_straight_quote(match: re.Match) -> str:
    # an odd number of straight quotes before this one means it closes a quotation
    closes = match.string.count('"', 0, match.start() + 1) % 2 == 1
    return match.group(0) + " " if closes else match.group(0)[0] + ' "'

def repair_glued_sentences(text: str) -> str:
    """Put a space back between sentences glued at a full stop, leaving abbreviations alone.

    Examples
    --------
    >>> repair_glued_sentences("lasting peace.Moscow launched a U.S.-made drone.")
    'lasting peace. Moscow launched a U.S.-made drone.'
    >>> repair_glued_sentences('"It was done."Locals helped. He said."We stopped them."')
    '"It was done." Locals helped. He said. "We stopped them."'
    """
    for pattern in _GLUED:
        text = pattern.sub(r"\g<0> ", text)
    return _GLUED_STRAIGHT.sub(_space_straight_quote, text) if '"' in text else text


def split_glued_lines(text: str, rules: Boilerplate | None = None) -> str:
    """Insert line breaks where the boilerplate rules say a glued page dump has a seam.

    Examples
    --------
    >>> split_glued_lines("Title - BBC NewsBBC HomepageSkip to content")
    'Title - BBC News\\nBBC HomepageSkip to content'
    """
    rules = rules or load_boilerplate()
    low = text.lower()  # lengths may change below, but a substring test needs no offsets
    found = _prefilter(rules).found(text, low)
    for pattern in rules.split_before:
        if may_match(pattern, text, low, found):
            text = pattern.sub(lambda m: "\n" + m.group(0), text)
    for pattern in rules.split_after:
        if may_match(pattern, text, low, found):
            text = pattern.sub(lambda m: m.group(0) + "\n", text)
    return text


def is_body_paragraph(line: str) -> bool:
    """True for a line that reads like a paragraph of prose: six or more words, ending like a sentence.

    Examples
    --------
    >>> is_body_paragraph("Home News World")
    False
    >>> is_body_paragraph("Lavrov told reporters Moscow was ready for dialogue.")
    True
    """
    line = line.rstrip()
    if not line.endswith(_TERMINAL) or not any(c.islower() for c in line):
        return False
    return at_least_words(line, 6)


def line_key(line: str) -> str:
    """A comparison key for a line: case-folded words only, a trailing ellipsis removed.

    Examples
    --------
    >>> line_key("Blinken said.Moscow…") == line_key("blinken said. Moscow")
    True
    """
    if line.rstrip().endswith(("...", "…")):
        line = _TRAILING_ELLIPSIS.sub("", line)
    if not line.isascii():  # curly quotes and dashes are junk either way: as spaces, often all that was not ASCII
        for mark in _COMMON_MARKS:
            if mark in line:
                line = line.replace(mark, " ")
    if line.isascii():  # the same key, by a translation table instead of a regex
        return " ".join(line.lower().translate(_ASCII_JUNK).split())
    return _KEY_JUNK.sub(" ", line.casefold()).strip()


_ASCII_KEY_BYTES = bytes((c | 0x20 if chr(c).isupper() else c) if c < 128 and chr(c).isalnum() else 0x20
                         for c in range(256))  # line_key's ASCII path for bytes: lower-case, the rest a space


def key_bytes(text: str) -> bytes:
    """The words of ``line_key(text)`` as UTF-8, separated by runs of spaces (which may also lead
    and trail): ``key_bytes(t).split()`` is ``line_key(t).split()`` encoded, whole texts at a time
    (a bytes translation table for what is ASCII once curly quotes and dashes are spaces).

    Examples
    --------
    >>> key_bytes("Kyiv’s MAYOR—said…").split()
    [b'kyiv', b's', b'mayor', b'said']
    """
    if not text.isascii():
        for mark in _COMMON_MARKS:
            if mark in text:
                text = text.replace(mark, " ")
        if not text.isascii():
            return _KEY_JUNK.sub(" ", text.casefold()).encode("utf-8")
    return text.encode("ascii").translate(_ASCII_KEY_BYTES)


def _prefilter(rules: Boilerplate) -> Prefilter:
    """The prefilter for every pattern of `rules` (built once per rules object)."""
    return prefilter_for(rules, lambda: [*rules.split_before, *rules.split_after, *rules.footer,
                                         *(p for _, p in rules.drop)])


def _drop_reason(line: str, rules: Boilerplate, drop=None) -> str | None:
    for category, pattern in rules.drop if drop is None else drop:
        if pattern.search(line):
            return category
    if line.count(" ") > 7:  # more than 8 words (runs of spaces are one space by now): not a crumb
        return None
    words = line.split()
    if 1 <= len(words) <= 8 and all(w.strip("|›»>/•·,").lower() in rules.nav_words for w in words):
        return "nav"
    return None


def _is_prose(line: str) -> bool:
    """A body paragraph, or a long glued block (a dump with no line breaks rarely ends like a sentence)."""
    return is_body_paragraph(line) or at_least_words(line, 30)


def _cut_footer(lines: list[str], rules: Boilerplate, dropped: list, drop=None, footer=None,
                main: int | None = None) -> list[str]:
    """Keep lines up to the first footer marker met once the body has begun (`footer`: the
    footer patterns worth trying, default all). `main`, when known, is the first line of the page's
    main text (the line model's): a marker before it ends nothing ("Related Articles" above the story)."""
    body_started = False
    footer = rules.footer if footer is None else footer
    for i, line in enumerate(lines):
        hits = [m.start() for p in footer if (m := p.search(line))]
        if hits and main is not None and i < main:
            continue  # a marker above the main text: the line model judges the line itself
        if hits:
            cut = min(hits)
            before = line[:cut].rstrip()
            if body_started or (before and _is_prose(before)):
                kept = lines[:i] + ([before] if before else [])
                dropped.extend((x, "footer") for x in [line[cut:].strip(), *lines[i + 1:]] if x)
                return kept
        if not body_started and _is_prose(line) and _drop_reason(line, rules, drop) is None:
            body_started = True
    return lines


#: Beyond this many substring matches among one text's lines, glued and truncated copies are not
#: looked for (exact repeats still are): a text of thousands of near-identical lines would
#: otherwise cost time quadratic in its length.
MAX_CONTAINMENT_MATCHES = 1_000_000


def _containment(distinct: list[str]) -> dict[int, set[int]] | None:
    """For each distinct key (by index), the indices of the other keys of 20+ characters found
    inside it, in one Aho-Corasick pass over all of them (linear in their length plus the matches);
    None when there are more than :data:`MAX_CONTAINMENT_MATCHES` matches."""
    import ahocorasick

    long = [i for i, key in enumerate(distinct) if len(key) >= 20]
    inside: dict[int, set[int]] = {}
    if len(long) <= 32:  # few lines: a direct look is quicker than building the automaton, still linear
        for i, key in enumerate(distinct):
            found = {j for j in long if j != i and len(distinct[j]) < len(key) and distinct[j] in key}
            if found:
                inside[i] = found
        return inside
    automaton = ahocorasick.Automaton()
    for i in long:
        automaton.add_word(distinct[i], i)
    automaton.make_automaton()
    starts, pos = [], 0
    for key in distinct:
        starts.append(pos)
        pos += len(key) + 1
    for n, (end, i) in enumerate(automaton.iter("\x00".join(distinct))):
        if n >= MAX_CONTAINMENT_MATCHES:
            return None
        slot = bisect.bisect_right(starts, end) - 1
        if slot != i:
            inside.setdefault(slot, set()).add(i)
    return inside


def _drop_repeats(lines: list[str], dropped: list, keys: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Drop glued copies of other lines, exact repeats, and truncated repeats ("lead..."): the
    lines kept, and their keys. Linear in the text's length (:func:`_containment`)."""
    keys = [line_key(x) for x in lines] if keys is None else keys
    index: dict[str, int] = {}
    for key in keys:
        index.setdefault(key, len(index))
    distinct = list(index)
    times = [0] * len(distinct)
    for key in keys:
        times[index[key]] += 1
    inside = _containment(distinct) or {}
    # a key found in another line, or on two lines, is "inner": only those can be repeats
    inner = {d for d, k in enumerate(distinct) if len(k) >= 20 and times[d] > 1}
    for found in inside.values():
        inner |= found
    glued = set()  # lines made of two or more other lines glued together (counted with repeats)
    for d, found in inside.items():
        parts = [j for j in found if j in inner]
        if sum(times[j] for j in parts) >= 2 and sum(len(distinct[j]) * times[j] for j in parts) >= 0.6 * len(distinct[d]):
            glued.add(d)
    covered = set()  # keys inside a longer line that is not itself glued
    for d, found in inside.items():
        if d not in glued:
            covered |= found
    kept, kept_keys, seen = [], [], set()
    for line, key in zip(lines, keys, strict=True):
        d = index[key]
        if d in glued or (key and key in seen) or (len(key) >= 30 and d in inner and d in covered):
            dropped.append((line, "repeat"))
        else:
            seen.add(key)
            kept.append(line)
            kept_keys.append(key)
    return kept, kept_keys


#: A table-cell or menu separator: a pipe with a space or a line's edge on both sides ("| Home | News |",
#: a layout table flattened by an extractor): each cell its own line.
_CELLS = re.compile(r"(?:^|(?<= ))\\?\|(?= |$)", re.MULTILINE)


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,20}(?:\s[^<>]{0,500})?/?>")
#: Elements that start and end a line of text, as a browser lays them out.
_BLOCKS = frozenset("address article aside blockquote br caption center dd details div dl dt fieldset figcaption figure "
                    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul".split())


def _markup_as_text(line: str) -> str:
    """A line of raw HTML (a page whose markup broke leaves it in a text dump) as the text a browser
    shows, one block a line; scripts, styles and comments out. Read by lxml.

    >>> _markup_as_text('<div><script>var x = 1;</script><p>Talks went on.</p><p>Both sides &amp; all.</p></div>')
    'Talks went on.\\nBoth sides & all.'
    """
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(line, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return line
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()  # its tail, the text after it, stays
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return "\n".join(x.strip() for x in root.text_content().split("\n") if x.strip())


#: A hard-wrapped line is at most this long (e-mail and terminal texts wrap at 72 to 80 characters).
WRAP_WIDTH = 120


def _join_wrapped(text: str) -> str:
    """Hard-wrapped prose made whole again: a line of six words or more, 40 to :data:`WRAP_WIDTH`
    characters long, that stops mid-sentence (on a letter or a comma), and a next line
    that starts with a small letter, are one line."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        if (line[:1].islower() and (prev[-1:].isalpha() or prev[-1:] in ",;") and 40 <= len(prev) <= WRAP_WIDTH
                and prev.count(" ") >= 5):
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
    return "\n".join(out)


def page_lines(text: str, rules: Boilerplate | None = None) -> list[str]:
    """A raw text's lines as cleaning judges them: whitespace normalised, hard-wrapped prose joined,
    flattened table cells, glued seams and glued sentences cut apart, blank lines gone.

    Examples
    --------
    >>> page_lines("Title - BBC NewsBBC HomepageSkip to content\\n\\n It ended.Talks resume ")
    ['Title - BBC News', 'BBC HomepageSkip to content', 'It ended. Talks resume']
    >>> page_lines("| | Home | | The foreign minister told reporters on Monday that\\nthe talks would go on. | |")
    ['Home', 'The foreign minister told reporters on Monday that the talks would go on.']
    """
    text = normalize_whitespace(text)
    if "<" in text and ">" in text:
        text = "\n".join(_markup_as_text(line) if len(_TAG.findall(line, 0, 100_000)) >= 3 else line
                          for line in text.split("\n"))
    if "|" in text:
        text = _CELLS.sub("\n", text)
    text = split_glued_lines(_join_wrapped(text), rules or load_boilerplate())
    for pattern in _GLUED:  # no glue pattern spans a line break: the whole text at once
        text = pattern.sub(r"\g<0> ", text)
    lines = [x.strip() for x in text.split("\n")]
    return [_GLUED_STRAIGHT.sub(_space_straight_quote, x) if '"' in x else x for x in lines if x]


def clean_text(text: str, *, title: str | None = None, rules: Boilerplate | None = None,
               model: bool = True, edges_only: bool = False) -> Cleaned:
    """Clean one raw article text: chrome out, repeats out, the article's own paragraphs in order.

    Parameters
    ----------
    text : the raw text (a dump, a page's extracted text, or an export's text field).
    title : the headline when it is known; lines equal to it are dropped from the body.
    rules : boilerplate rules (default: the packaged ones).
    model : judge the lines the rules keep with the line model too (:mod:`framing.ingestion.chrome`;
        the rules' ``chrome_model`` names it, ``off`` turns it off): a line it finds unlike body text
        is dropped, its kind of chrome in `dropped`.
    edges_only : the model judges only the lines before and after the main text (for text that an
        HTML extractor already chose: its lists and short lines inside the story stay).

    Examples
    --------
    >>> raw = "Home News World\\nTalks go on\\nViews: 12\\nThe talks went on in Geneva on Monday, officials said.\\nRelated Posts\\nOther story"
    >>> cleaned = clean_text(raw, title="Talks go on")
    >>> cleaned.text
    'The talks went on in Geneva on Monday, officials said.'
    >>> [why for _, why in cleaned.dropped]
    ['footer', 'footer', 'nav', 'headline', 'counters']
    """
    rules = rules or load_boilerplate()
    dropped: list[tuple[str, str]] = []
    lines = page_lines(text, rules)
    all_lines = list(lines)
    joined = "\n".join(lines)  # most rules match nowhere in a text: rule them out once
    low = joined.lower()
    prefilter = _prefilter(rules)
    found = prefilter.found(joined, low)
    drop = prefilter.present("drop", rules.drop, joined, low, found, key=lambda x: x[1])
    reasons = [_drop_reason(x, rules, drop) for x in all_lines]
    own_rules: list = [None] * len(lines)  # a piece cut from a matched line: judged by that line's rules only
    if any(reasons):
        lines, reasons, own_rules = _unglue_matched(lines, reasons, rules, drop)
        all_lines = list(lines)
    body_p, main = _body_probabilities(all_lines, rules, edges_only, reasons) if model else (None, None)
    lines = _cut_footer(lines, rules, dropped, drop, prefilter.present("footer", rules.footer, joined, low, found), main)
    title_key = line_key(title) if title else None
    kept: list[str] = []
    keys: list[str] = []
    shortened: dict[str, str] = {}  # a long line without the sentences a rule removed -> the line
    by_model: set[str] = set()
    for i, line in enumerate(lines):
        why = reasons[i] if line is all_lines[i] else _drop_reason(line, rules, drop)
        if why and (line.count(" ") >= PROSE_LEFT_WORDS or why in SENTENCE_CATEGORIES):
            shorter = _drop_sentences(line, rules, own_rules[i] if line is all_lines[i] and own_rules[i] else drop,
                                      dropped, why in SENTENCE_CATEGORIES)  # never a whole paragraph for a short match
            if shorter == "":
                continue
            if shorter is not None:
                shortened[shorter], line, why = line, shorter, None
        key = line_key(line) if why is None else ""
        if why is None and title_key and key == title_key:
            why = "headline"
        if why is None and body_p is not None and body_p[i] is not None:
            why = chrome_kind(line)
            by_model.add(line)
        if why:
            dropped.append((line, why))
        else:
            kept.append(line)
            keys.append(key)
    kept, keys = _drop_repeats(kept, dropped, keys)
    if any(why == "caption" for _, why in dropped) and too_short(kept):
        # a caption with no story next to it is the story: a photo post's text describes its picture
        captions = {line for line, why in dropped if why == "caption"}
        order = {line: i for i, line in enumerate(lines)}
        kept = sorted([*kept, *captions], key=lambda x: order.get(x, len(lines)))
        keys = [line_key(x) for x in kept]
        dropped = [(line, why) for line, why in dropped if why != "caption"]
    if by_model and too_short(kept):  # the model left nothing: it cannot tell here
        return clean_text(text, title=title, rules=rules, model=False)
    if not kept and any(why == "headline" for _, why in dropped):  # a post that is its headline (Telegram
        kept = [line for line, why in dropped if why == "headline"][:1]  # teasers): the headline is the text
        keys = [line_key(kept[0])]
        dropped = [(line, why) for line, why in dropped if not (why == "headline" and line == kept[0])]
    # (a long line is the story's even when a rule took sentences out of it: judged as it came)
    first_body = next((i for i, x in enumerate(kept)
                       if is_body_paragraph(x) or shortened.get(x, x).count(" ") >= LONG_LINE_WORDS), None)
    if first_body is None:  # no prose paragraph at all: keep what survived the rules
        return Cleaned(paragraphs=kept, dropped=_note_large_drop(dropped, kept, all_lines), header=lines[:12],
                       lines=all_lines, keys=keys, by_model=by_model)
    dropped.extend((x, "header") for x in kept[:first_body])
    header = lines[: lines.index(shortened.get(kept[first_body], kept[first_body]))]
    paragraphs, keys = _without_pull_quotes(kept[first_body:], keys[first_body:], dropped)
    paragraphs, keys = _without_closing_bio(paragraphs, keys, dropped)
    return Cleaned(paragraphs=paragraphs, dropped=_note_large_drop(dropped, paragraphs, all_lines), header=header,
                   lines=all_lines, keys=keys, by_model=by_model)


#: A sentence of at least this many words, met twice in one body, is a pull quote the second time.
PULL_QUOTE_WORDS = 8


def _without_pull_quotes(paragraphs: list[str], keys: list[str], dropped: list) -> tuple[list[str], list[str]]:
    """The body with each sentence of :data:`PULL_QUOTE_WORDS` words or more only once: a pull quote
    repeats a sentence of the story, as a paragraph of its own (that copy goes) or glued into another
    paragraph (the later copy goes). Dropped as ``pull_quote``."""
    if len(paragraphs) < 2 and (not paragraphs or paragraphs[0].count(". ") < 2):
        return paragraphs, keys
    # a quick look first (most bodies repeat no sentence): pieces between sentence ends, compared whole
    pieces = "\n".join(paragraphs).replace("? ", ". ").replace("! ", ". ").replace("\n", ". ").split(". ")
    looked = [x.strip(_AROUND).lower() for x in pieces if x.count(" ") + 1 >= PULL_QUOTE_WORDS]
    if len(looked) == len(set(looked)):
        return paragraphs, keys
    split = [sentences(p) for p in paragraphs]
    seen: dict[str, int] = {}
    repeated = set()
    for n, parts in enumerate(split):
        for x in parts:
            if x.count(" ") + 1 >= PULL_QUOTE_WORDS:
                key = _quote_key(x)
                if key in seen:
                    repeated.add(key)
                seen.setdefault(key, n)
    if not repeated:
        return paragraphs, keys
    out, out_keys, met = [], [], set()
    for n, (paragraph, parts, key) in enumerate(zip(paragraphs, split, keys, strict=True)):
        alone = len(parts) == 1 and _quote_key(parts[0]) in repeated
        if alone and any(_quote_key(parts[0]) in {_quote_key(y) for y in other}
                         for m, other in enumerate(split) if m != n and len(other) > 1):
            dropped.append((paragraph, "pull_quote"))  # the standalone copy of a sentence the story has
            continue
        kept_parts = []
        for x in parts:
            k = _quote_key(x)
            if k in repeated and k in met and not alone:
                dropped.append((x, "pull_quote"))
            else:
                kept_parts.append(x)
                met.add(k)
        if kept_parts:
            text = paragraph if len(kept_parts) == len(parts) else " ".join(kept_parts)
            out.append(text)
            out_keys.append(key if text == paragraph else line_key(text))
    return out, out_keys


def _quote_key(sentence: str) -> str:
    """A sentence lower-cased without the marks around it: a pull quote set in quotation marks has
    the key of the sentence it repeats (cheaper than :func:`line_key`; compared within one body)."""
    return sentence.strip(_AROUND).lower()


_AROUND = " \"'“”‘’«»„.,;:!?…—–-"


#: "<Name> is a …" (present tense: a bio): a name is two to four words of letters ("Gregory P. Wilson",
#: "Lord Ashcroft KCMG PC", "The Kyiv Independent"), not "The PT-91 Twardy" (a model number) or
#: "This Week" (a function word)
_NAME_WORD = r"[A-Z][^\W\d_]*(?:['’.-][^\W\d_]*)*"
_BIO = re.compile(rf"((?!(?:A|An|This|That|These|Those|It|Its|Our|Their|His|Her|Such|Each|Every|Some|One)\s)"
                  rf"(?:{_NAME_WORD}\s){{1,3}}({_NAME_WORD}))(?:(?:\s[A-Z]{{2,5}}){{0,3}})(?:,[^,]{{1,80}},)?\s"
                  r"(?:is|has been|serves as)\s"
                  r"(?:a|an|the|currently|also|founder|president|director|editor|professor|senior|chief|former)\b")


def _without_closing_bio(paragraphs: list[str], keys: list[str], dropped: list) -> tuple[list[str], list[str]]:
    """The body without an author's bio at its end: from the first of the last four sentence starts
    of the last paragraph that reads "<Name> is a …" (``Gregory P. Wilson is a consultant …``) about
    a person whose surname the story never mentioned before (a bio box glued to the text, or its own
    paragraph), to the end. Dropped as ``about_author``."""
    if not paragraphs:
        return paragraphs, keys
    tail = paragraphs[-1]
    starts = [0, *(m.end() for m in _SENTENCE_START.finditer(tail))]
    for pos in starts[-4:]:
        match = _BIO.match(tail, pos)
        if not match:
            continue
        before = "\n".join(paragraphs[:-1] + [tail[:pos]])
        if re.search(rf"\b{re.escape(match.group(2))}\b", before) or len(before.split()) < 50:
            continue
        dropped.append((tail[pos:], "about_author"))
        rest = tail[:pos].rstrip()
        if rest:
            return paragraphs[:-1] + [rest], keys[:-1] + [line_key(rest)]
        return paragraphs[:-1], keys[:-1]
    return paragraphs, keys


_SENTENCE_START = re.compile(r"[.!?…][\"”’»)]?\s+")


#: A line with more than this share of markup characters (``code_share``) is never protected as prose.
CODE_SHARE = 0.02
#: A sentence-like line next to the main text is kept unless the model is at least this sure it is not body.
KEEP_SENTENCE_BELOW = 0.1


def _body_probabilities(lines: list[str], rules: Boilerplate, edges_only: bool = False,
                        reasons: list | None = None) -> tuple[list | None, int | None]:
    """The line model's verdicts: (for each line, None to keep it or the model's body probability
    to drop it; the first line of the page's main text), or (None, None) when there is no model, too
    few lines to judge (fewer than three) or no line the model takes for body (it cannot tell here).

    The main text is the run of lines with the most words the model takes for body, net of those it
    does not (a maximum subarray). A lost body line is worse than a kept chrome line, so the model
    never drops, inside the main text: a line of :data:`LONG_LINE_WORDS` words or more (a glued
    export line is out of what it learned; the main text counts it as body), or a line that reads like
    a sentence (ends like one, four words or more); nor such a sentence in the run of them that
    continues the main text either side, unless its probability is
    below :data:`KEEP_SENTENCE_BELOW`; nor the lines of a list the body introduces (:func:`_keep_lists`).
    `edges_only` (a page's text as trafilatura extracted it: its own judgement of the page came first):
    the model drops nothing inside the main text, only around it."""
    if rules.chrome_model == "off" or len(lines) < 3:
        return None, None
    sentence = [(line.count(" ") >= 3 or len(line) >= 20) and line.rstrip(CLOSERS).endswith(SENTENCE_END)
                for line in lines]
    if not any(line.count(" ") < LONG_LINE_WORDS and not is_sentence and not (reasons and reasons[i])
               for i, (line, is_sentence) in enumerate(zip(lines, sentence, strict=True))):
        return None, None  # every line is prose or already a rule's: nothing the model would take (and it costs)
    model = load_model(rules.chrome_model)
    p = model.probabilities(line_features(lines), FEATURES).tolist()
    long = [line.count(" ") >= LONG_LINE_WORDS and code_share(line[:300]) < CODE_SHARE for line in lines]
    span = max_run([((1.0 if is_long else q) - model.threshold) * max(line.count(" ") + 1, len(line) / 6)
                    for q, line, is_long in zip(p, lines, long, strict=True)])  # CJK: 6 characters a word
    if span is None:
        return None, None
    keep = [q >= model.threshold for q in p]
    first, last = span
    for i in range(first, last + 1):
        keep[i] = keep[i] or sentence[i] or edges_only or long[i]
    ruled = [bool(x) for x in reasons] if reasons is not None else [False] * len(lines)
    for _ in range(2):  # a list may continue the main text, and sentences may follow the list
        _extend(keep, sentence, p, first, last, ruled)
        _keep_lists(lines, keep, sentence)
    return [None if k else float(q) for k, q in zip(keep, p, strict=True)], first


#: A list item: a line of at most this many words; a list the body introduces, at most this many items
#: when nothing of the story follows it.
LIST_ITEM_WORDS, MAX_LIST_ITEMS = 30, 100


def _extend(keep: list[bool], sentence: list[bool], p: list[float], first: int, last: int,
            ruled: list[bool]) -> None:
    """Keep the sentences that continue the kept lines around the main text (lines first..last); a
    line a rule drops (an embedded post, "Advertisement") does not end the run, it is stepped over."""
    n = len(keep)
    while last + 1 < n and keep[last + 1]:
        last += 1
    while first > 0 and keep[first - 1]:
        first -= 1
    for step, i in ((1, last + 1), (-1, first - 1)):
        while 0 <= i < n and (keep[i] or ruled[i] or (sentence[i] and p[i] >= KEEP_SENTENCE_BELOW)):
            keep[i] = keep[i] or not ruled[i]
            i += step


def _keep_lists(lines: list[str], keep: list[bool], sentence: list[bool]) -> None:
    """Keep the lists of the body: a line of four words or more ending in a colon, then two or more
    short lines, then a line kept as body or reading like a sentence ("… losses were approximately:",
    "tanks – 732", …, "Data are being updated."); or, when the colon line is kept as body or is a
    line of eight words or more right after the kept story, up to :data:`MAX_LIST_ITEMS` short lines after it. A list of links after "Read more:" is neither
    followed by more body nor introduced by a line the model keeps."""
    n = len(lines)
    for i, line in enumerate(lines):
        if not line.endswith(":") or line.count(" ") < 3:
            continue
        j = i + 1
        while j < n and not keep[j] and not sentence[j] and lines[j].count(" ") < LIST_ITEM_WORDS \
                and not lines[j].endswith(":"):
            j += 1
        introduced = keep[i] or (line.count(" ") >= 7 and i > 0 and keep[i - 1])  # the story goes on into it
        if j - i - 1 >= 2 and (j < n and (keep[j] or sentence[j]) or introduced and j - i - 1 <= MAX_LIST_ITEMS):
            for k in range(i, min(j + 1, n)):
                keep[k] = True




_CREDIT = re.compile(r"(?i)\b(?:photo(?:graph)?s?|image|picture|credit|getty|reuters|afp|ap photo|epa|shutterstock|"
                     r"фото|світлина)\b|©")
_PITCH = re.compile(r"(?i)\b(?:sign ?up|subscribe|newsletter|download|app|follow us|join us|donate|support us|"
                    r"подпи|підпис)")
_SHARE = re.compile(r"(?i)\b(?:share|tweet|e-?mail|print|comments?|whatsapp|facebook|twitter|linkedin|"
                    r"поделиться|поділитися)\b")
_STAMP = re.compile(r"(?i)\b(?:\d{1,2}:\d{2}|updated|published|posted|ago|\d{4})\b")


def chrome_kind(line: str) -> str:
    """The kind of chrome a line the model dropped looks like, for ``dropped_why``: ``advert``,
    ``caption`` (a credit), ``promo`` (a newsletter, app or donation pitch), ``share``, ``stamp``
    (a date or time), or ``chrome``.

    >>> chrome_kind("Sign up for our morning newsletter"), chrome_kind("Updated at 14.03 BST 2h ago")
    ('promo', 'stamp')
    """
    words = line.count(" ") + 1
    if line.strip().lower() in ("advertisement", "advertising", "реклама", "sponsored"):
        return "advert"
    if _CREDIT.search(line):
        return "caption"
    if _PITCH.search(line):
        return "promo"
    if words <= 6 and _SHARE.search(line):
        return "share"
    if words <= 12 and _STAMP.search(line):
        return "stamp"
    return "chrome"


#: A line of this many words or more is a paragraph of prose: a rule that matches part of it
#: removes only the sentences it matches (a caption credit at the end of a one-line wire text
#: took the whole text with it).
LONG_LINE_WORDS = 40
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’»)]))\s+(?=[(\"“«\[]?[A-ZА-ЯЁІЇЄҐ0-9])")


def sentences(paragraph: str) -> list[str]:
    """A paragraph split after ., !, ? or … (and a closing quote or bracket) before a capital
    letter, a digit or an opening mark. Plain, without a trained model: an abbreviation ("Mr.
    Smith") splits too, which costs nothing where it is used, to find the sentences a rule matches.

    Examples
    --------
    >>> sentences('Talks went on. "We will stay," he said. (AP Photo/Jane Doe)')
    ['Talks went on.', '"We will stay," he said.', '(AP Photo/Jane Doe)']
    """
    return [s for s in _SENTENCE_BREAK.split(paragraph) if s.strip()]


#: A body of fewer words than this is no article: the ingest rejects it (``no_body``), and the cleaning
#: gives back what only a caption rule or the line model took rather than leave so little.
MIN_BODY_WORDS = 5


def at_least_words(text: str, n: int) -> bool:
    """Whether `text` has `n` words or more (as ``str.split`` counts them), counted only that far.

    >>> at_least_words("Talks went on in Geneva.", 5), at_least_words("Talks went on.", 5)
    (True, False)
    """
    return len(text.split(None, n - 1)) >= n


def too_short(paragraphs: list[str]) -> bool:
    """Whether `paragraphs` hold fewer than :data:`MIN_BODY_WORDS` words (counted only that far).

    >>> too_short(["Talks went on."]), too_short(["Talks went on", "in Geneva today."])
    (True, False)
    """
    words = 0
    for paragraph in paragraphs:
        words += len(paragraph.split(None, MIN_BODY_WORDS - words))
        if words >= MIN_BODY_WORDS:
            return False
    return True


#: Categories whose matches take only their own sentences out of a line of any length: an embedded
#: post sits inside the story's text, whose own sentences around it stay.
SENTENCE_CATEGORIES = frozenset({"embedded_post", "disclaimer", "app_pitch", "donate", "teaser"})
#: A rule that matches a line's first sentences leaves the rest when the rest is this many words or more
#: with a sentence of prose in it: a photo credit glued in front of the story's next sentences
#: ("Image source, PA Media Mr Sunak then went to the Commons. In his opening words, he said…").
PROSE_LEFT_WORDS = 15


def _seams(line: str) -> list[int]:
    """Offsets in `line` where two pieces were glued without a space: a run of two lower-case
    letters, or of two capitals, then a capitalised word ("…MediaLater on", "…EPAThe two",
    "…warOn Wednesday"), in any script.

    >>> _seams("Image source, PA MediaLater on, EPAThe end")
    [22, 35]
    """
    out = []
    for i in range(2, len(line) - 1):
        c = line[i]
        if c.isupper() and line[i + 1].islower():
            a, b = line[i - 2], line[i - 1]
            if (a.islower() and b.islower()) or (a.isupper() and b.isupper() and line[i + 2:i + 3].islower()):
                if not any(line.startswith(word, i - at) for word, at in _CAMEL_WORDS):
                    out.append(i)
    return out


#: Words written with a capital inside them, which are no seam ("JavaScript", "WhatsApp"), each with
#: the offset of that capital.
_CAMEL_WORDS = tuple((w, next(i for i in range(1, len(w)) if w[i].isupper())) for w in """
JavaScript WhatsApp YouTube LinkedIn TikTok PayPal PlayStation GitHub WordPress SoundCloud MacBook PowerPoint
BlackRock SpaceX FedEx JPMorgan HarperCollins BuzzFeed HuffPost DreamWorks SkyNews GoFundMe TripAdvisor
AirPods FaceTime iPhone iPad eBay McDonald McCarthy McConnell MacArthur DeSantis LaGuardia DiCaprio
""".split())


def _unglue_matched(lines: list[str], reasons: list, rules: Boilerplate, drop) -> tuple[list[str], list, list]:
    """`lines` with each line that a drop rule matches cut at the glued seams (:func:`_seams`) nearest
    the rule's match, when the line goes on past them: the rule drops its own piece, and the story
    glued behind a photo credit ("Image source, EPAThe two leaders waved…") is judged as a line of its
    own. Only the seams around a match are cut ("…enable JavaScript in your browser" stays whole).
    Pieces are judged by the rules that matched the whole line only (an anchored rule must not match
    at a piece's start that was never a line's start); `reasons` follows, and the third list holds
    those rules for each piece (None for a line left whole).

    Examples
    --------
    >>> rules = load_boilerplate()
    >>> line = "Image source, EPAThe two leaders waved to the crowd outside."
    >>> list(zip(*_unglue_matched([line], ["nav"], rules, None)[:2]))
    [('Image source, EPA', 'nav'), ('The two leaders waved to the crowd outside.', None)]
    """
    out_lines: list[str] = []
    out_reasons: list = []
    out_rules: list = []
    for line, why in zip(lines, reasons):
        seams = _seams(line) if why else []
        if seams:
            matching = [(c, p) for c, p in (rules.drop if drop is None else drop) if p.search(line)]
            pieces = _cut_around(line, seams, [p for _, p in matching])
            if len(pieces) > 1:
                verdicts = [_drop_reason(piece, rules, matching) for piece in pieces]
                pieces, verdicts = _prose_apart(pieces, verdicts)
                if len(pieces) > 1:
                    out_lines.extend(pieces)
                    out_reasons.extend(verdicts)
                    out_rules.extend([matching] * len(pieces))
                    continue
        out_lines.append(line)
        out_reasons.append(why)
        out_rules.append(None)
    return out_lines, out_reasons, out_rules


def _prose_apart(pieces: list[str], verdicts: list) -> tuple[list[str], list]:
    """The pieces of a rule-matched line regrouped: a piece no rule takes stands apart only when it is
    a paragraph of prose with at most one seam of its own (the story glued behind a credit); the rest
    stays glued to the rule's piece and goes with it (a menu glued behind "Skip to content" is the
    same chrome, even when a headline ends it)."""
    out: list[str] = []
    why: list = []
    glued: list[str] = []
    glued_why = None
    for piece, verdict in zip(pieces, verdicts):
        if verdict is None and is_body_paragraph(piece) and len(_seams(piece)) <= 1:  # not a menu glued up
            if glued:
                out.append("".join(glued))
                why.append(glued_why)
                glued, glued_why = [], None
            out.append(piece)
            why.append(None)
        else:
            glued.append(piece)
            glued_why = glued_why or verdict
    if glued:
        out.append("".join(glued))
        why.append(glued_why)
    if any(w is None for w in why) and any(why):
        return out, why
    return [], []  # nothing to set apart: the line stays whole


def _cut_around(line: str, seams: list[int], patterns: list) -> list[str]:
    """`line` cut at the seams just before and just after each match of `patterns` (left to right)."""
    cuts: set[int] = set()
    for pattern in patterns:
        for m in pattern.finditer(line):
            before = [k for k in seams if k <= m.start()]
            after = [k for k in seams if k >= m.end()]
            if before and before[-1] > 0:
                cuts.add(before[-1])
            if after:
                cuts.add(after[0])
    bounds = [0, *sorted(cuts), len(line)]
    return [piece for piece in (line[x:y].strip() for x, y in zip(bounds, bounds[1:])) if piece]


def _drop_sentences(line: str, rules: Boilerplate, drop, dropped: list, any_length: bool = False) -> str | None:
    """`line` without the sentences a drop rule matches (those go to `dropped`); None when the line
    goes whole: a rule matches it but none of its sentences alone (a run of icon captions), or the
    sentences no rule matches are fewer than :data:`LONG_LINE_WORDS` words and not prose of
    :data:`PROSE_LEFT_WORDS` words or more (a menu whose last sentence is "The BBC is not
    responsible for the content of external sites.")."""
    parts = sentences(line)
    matching = [(category, pattern) for category, pattern in (rules.drop if drop is None else drop)
                if pattern.search(line)]
    for _, pattern in matching:
        if not any(pattern.search(part) for part in parts):
            return None  # this rule matches the line only as a whole
    # only the rules that match the line: a rule anchored at a line's start ("^Photograph: ") would
    # match at a sentence's start that may hold the story glued behind a credit
    verdicts = [(sentence, _drop_reason(sentence, rules, matching)) for sentence in parts]
    if not any(why for _, why in verdicts):
        return None
    rest = [sentence for sentence, why in verdicts if not why]
    words = sum(len(sentence.split()) for sentence in rest)
    # chrome in front and then the rest: a credit before the story (one seam at most, not a glued menu)
    gone = verdicts[:len(verdicts) - len(rest)]
    behind = all(why for _, why in gone) and sum(len(_seams(sentence)) for sentence, _ in gone) <= 1
    if not any_length and words < LONG_LINE_WORDS and not (
            behind and words >= PROSE_LEFT_WORDS and any(map(is_body_paragraph, rest))):
        return None  # what the rule leaves is a tail of the same chrome, not prose (a paragraph, or the story
        # behind a credit: a caption's own sentence before its credit goes with it)
    dropped.extend((sentence, why) for sentence, why in verdicts if why)
    return " ".join(sentence for sentence, why in verdicts if not why)


def _note_large_drop(dropped: list, paragraphs: list[str], all_lines: list[str]) -> list:
    """`dropped`, with a ``large_drop`` note when the rules left less than half of the text's words."""
    total = sum(len(x.split()) for x in all_lines)
    left = sum(len(x.split()) for x in paragraphs)
    if total >= 100 and left < total / 2:
        dropped.append((f"{total - left:,} of {total:,} words were removed; check the lines above", "large_drop"))
    return dropped
