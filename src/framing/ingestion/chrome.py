"""Chrome or body, line by line, without a site rule: shallow text features and a linear model.

A page dump's lines are judged by what they look like, not by which site they come from — the idea
of Kohlschütter, Fankhauser & Nejdl, *Boilerplate Detection using Shallow Text Features* (WSDM 2010):
the number of words of a line and of its neighbours, how much of it is function words (jusText's
stop-word density, Pomikálek 2011), whether it ends like a sentence, capitals, digits, links, the
words of a page's furniture ("share", "sign up", "read more", "©"), where it sits on the page and how
far it is from the longest run of prose. Two logistic regressions: the first reads each line's own
features and its neighbours', the second adds the first's verdicts on the lines around it (context
smoothing: a short subhead between paragraphs is body, a sentence inside a block of links is not).

The model is data (``framing/data/chrome_model.json``: feature names, scaling, coefficients), trained
by :func:`train` from a labelled folder, so a user can retrain it on their own pages::

    framing train-chrome LABELLED_DIR --out my_model.json

Examples
--------
>>> lines = ["Home", "World", "Sign up for our newsletter", "Talks went on in Geneva on Monday, officials said, and "
...          "both sides called them useful.", "The next round is due in March, a diplomat told reporters.", "Share this"]
>>> p = body_probability(lines)
>>> p[3] > 0.5 > max(p[:3] + p[5:])
True

The model alone may doubt a short closing sentence (the fifth line here); cleaning keeps the
sentences that continue the main text:

>>> from framing.ingestion.clean import clean_text
>>> clean_text("\\n".join(lines)).paragraphs == lines[3:5]
True
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np

from .._cache import memo
from ..knowledge import ru_uk_stop_words
from ..knowledge.chrome_model import SMOOTH, ChromeModel, ModelError, load_model, shift_into, smooth_features

__all__ = ["ChromeModel", "load_model", "line_features", "body_probability", "FEATURES", "train", "labels_from_truth",
           "code_share", "max_run", "SENTENCE_END", "CLOSERS",
           "ModelError"]

#: Words of a page's furniture in the languages framing reads; a line made of them is chrome
#: wherever it comes from. Counted as lower-cased tokens (and the few phrases below as substrings).
_UI_WORDS = frozenset("""share shares shared tweet email print comment comments subscribe subscription signup
    login register newsletter newsletters follow related advertisement advertising sponsored cookie cookies
    privacy terms copyright click download app menu search home facebook twitter whatsapp linkedin instagram
    telegram youtube reddit pinterest photo photograph image video caption getty reuters afp ap updated published
    posted ago поделиться подписаться подпишитесь реклама читайте подробнее фото видео телеграм фейсбук твиттер
    вконтакте ютуб поділитися підписатися підписуйтесь читати детальніше""".split())
_UI_PHRASES = ("sign up", "sign in", "log in", "read more", "continue reading", "more on", "rights reserved", "e-mail")
#: A token of four characters starting 19 or 20 (a year when they are digits).
_YEAR = re.compile(r"(?<!\w)(?:19|20)\w\w(?!\w)")
_DATE_WORDS = frozenset("""jan january feb february mar march apr april may jun june jul july aug august sep sept
    september oct october nov november dec december monday tuesday wednesday thursday friday saturday sunday
    am pm gmt bst est utc""".split())
_DIGITS = b"0123456789"
_PUNCT = bytes(c for c in range(33, 127) if not chr(c).isalnum())  # ASCII punctuation
_CODE = b"<>{}=;"
_LINK_MARKS = ("http://", "https://", "www.", ".com", "@", "#", ".htm", ".php")
_WORD = re.compile(r"\w+")
#: A sentence's end (with the full-width marks of Chinese and Japanese), and what may close it after.
SENTENCE_END = tuple('.!?…。！？')
CLOSERS = '"”’»)\''


#: Each line's own features, in the order of :func:`_own`.
OWN = ["log_words", "log_chars", "mean_word_len", "stop_ratio", "short_ratio", "ends_sentence", "ends_colon", "commas",
       "capitalised", "all_caps", "digits", "non_alnum", "linkish", "ui_words", "date_words", "copyright",
       "starts_mark", "pipes", "code", "in_prose_span", "prose_distance", "position"]
#: The neighbours whose features a line also sees, and which of their features.
_NEAR = (-2, -1, 1, 2)
_NEAR_OWN = ["log_words", "stop_ratio", "ends_sentence", "ui_words"]
FEATURES = [*OWN, *(f"{f}@{d:+d}" for d in _NEAR for f in _NEAR_OWN)]


#: The share features of a long line are read on its first this many characters (a sample: a
#: paragraph's shares do not change along it, and the cost of a line stays bounded).
SAMPLE_CHARS = 200


#: Bits of a lower-cased word's kinds, summed over a line's words in one pass: the counts of its stop
#: words, furniture words and date words, 10 bits each (a sample holds at most 600 lower-cased characters).
_STOP_BIT, _UI_BIT, _DATE_BIT, _KIND_MASK = 1, 1 << 10, 1 << 20, (1 << 10) - 1
_ZEROS = itertools.repeat(0)


@memo(maxsize=8)
def _kinds(stop: frozenset[str]) -> dict[str, int]:
    """Every word that is a stop word, a furniture word or a date word, with its kind bits."""
    kinds: dict[str, int] = {}
    for words, bit in ((stop, _STOP_BIT), (_UI_WORDS, _UI_BIT), (_DATE_WORDS, _DATE_BIT)):
        for word in words:
            kinds[word] = kinds.get(word, 0) | bit
    return kinds


def _own(line: str, stop: frozenset[str]) -> list[float]:
    n = line.count(" ") + 1  # runs of spaces are one space by now
    full = len(line)
    end = line.rstrip(CLOSERS)
    ends = float(end.endswith(SENTENCE_END))
    if full > SAMPLE_CHARS:
        line = line[:SAMPLE_CHARS]
    tokens = _WORD.findall(line)
    low = line.lower()
    # an ASCII line's lower-cased words are its words lower-cased (elsewhere lower() may split a word: "İ")
    lows = list(map(str.lower, tokens)) if line.isascii() else _WORD.findall(low)
    kinds = sum(map(_kinds(stop).get, lows, _ZEROS))  # one pass: stop, furniture and date words at once
    ui = (kinds >> 10 & _KIND_MASK) + sum(map(low.__contains__, _UI_PHRASES))
    dates = (kinds >> 20 & _KIND_MASK) + low.count(":")
    if "19" in low or "20" in low:
        dates += sum(1 for t in _YEAR.findall(low) if t.isdigit())
    raw = line.encode("utf-8", "surrogatepass")  # counted on bytes: C-speed deletions
    alpha = list(filter(str.isalpha, tokens))
    n_tok = len(tokens) or 1
    n_alpha = len(alpha) or 1
    size = len(line) or 1
    return [  # builtins mapped over the tokens: this runs for every line of every text
        math.log1p(n),
        math.log1p(full),
        len("".join(tokens)) / n_tok,
        (kinds & _KIND_MASK) / n_tok,
        sum(map((4).__gt__, map(len, alpha))) / n_alpha,
        ends,
        float(end.endswith(":")),
        line.count(",") / (line.count(" ") + 1),
        sum(map(str.istitle, alpha)) / n_alpha,
        sum(map(str.isupper, alpha)) / n_alpha,
        _count(raw, _DIGITS) / size,
        _count(raw, _PUNCT) / size,
        float(any(map(low.__contains__, _LINK_MARKS))),
        min(ui, 3) / 3,
        min(dates, 3) / 3,
        float("©" in line or "all rights reserved" in low or "(c)" in low),
        float(line[:1] in "|•·›»>-–—*▪►"),
        float(line.count("|") + line.count("•") + line.count("·") >= 2),
        _count(raw, _CODE) / size,  # code_share(line), on the bytes already made
        0.0, 0.0, 0.0,  # the page-level three, filled in by line_features
    ]


def code_share(line: str) -> float:
    """The share of a line's characters that are markup or script punctuation (``< > { } = ;``):
    a page whose markup broke leaves its scripts and tags in the text as long "lines".

    >>> code_share('obj.style.fontSize = fontSize+"pt";') > 0.04, code_share("Talks went on; both sides agreed.") < 0.04
    (True, True)
    """
    return _count(line.encode("utf-8", "surrogatepass"), _CODE) / max(len(line), 1)


def _count(raw: bytes, chars: bytes) -> int:
    """How many bytes of `raw` are among `chars` (ASCII)."""
    return len(raw) - len(raw.translate(None, chars))


@memo(maxsize=1 << 15)
def _own_default(line: str) -> tuple[float, ...]:
    """:func:`_own` with the packaged stop words, remembered: a site's furniture lines recur page after page."""
    return tuple(_own(line, _stopwords_once()))


_ENDS = OWN.index("ends_sentence")
_IN_SPAN, _DISTANCE, _POSITION = OWN.index("in_prose_span"), OWN.index("prose_distance"), OWN.index("position")
_NEAR_COLS = [OWN.index(f) for f in _NEAR_OWN]
_EIGHT_WORDS, _FORTY_CHARS = math.log1p(8), math.log1p(40)


def line_features(lines: list[str], stop: frozenset[str] | None = None) -> np.ndarray:
    """The :data:`FEATURES` of every line of one text, one row a line (lines of a page, in order).

    The page-level features: ``in_prose_span`` is 1 inside the run of lines that holds the most words
    of prose (lines of eight or more words ending like a sentence, allowing short gaps), with
    ``prose_distance`` the distance to it in lines (log), and ``position`` a line's place on the page
    from 0 to 1.

    >>> line_features(["Home", "Talks went on in Geneva on Monday, officials said."]).shape[1] == len(FEATURES)
    True
    """
    stop = _stopwords_once() if stop is None else stop
    n = len(lines)
    out = np.zeros((n, len(FEATURES)))
    if not n:
        return out
    if stop is _stopwords_once():  # a short line may be a site's furniture, met page after page: remembered
        own_of = lambda x: _own_default(x) if len(x) <= SAMPLE_CHARS else _own(x, stop)  # noqa: E731
    else:
        own_of = lambda x: _own(x, stop)  # noqa: E731
    own = out[:, : len(OWN)]  # a view: the page-level and neighbour columns are filled in place
    own[:] = [own_of(x) for x in lines]
    # prose: eight words or more, or 40 characters (a language written without spaces), ending like a sentence
    prose = ((own[:, 0] >= _EIGHT_WORDS) | (own[:, 1] >= _FORTY_CHARS)) & (own[:, _ENDS] == 1.0)
    words = np.maximum(np.expm1(own[:, 0]), np.expm1(own[:, 1]) / 6)  # 6 characters a word, for CJK
    start, end = _prose_span(prose, words)
    idx = np.arange(n)
    own[:, _IN_SPAN] = (idx >= start) & (idx <= end)
    dist = np.where(idx < start, start - idx, np.where(idx > end, idx - end, 0))
    own[:, _DISTANCE] = np.log1p(dist)
    own[:, _POSITION] = idx / max(n - 1, 1)
    near = own[:, _NEAR_COLS]
    for k, d in enumerate(_NEAR):  # the neighbours' few features: the rows d lines away
        column = len(OWN) + k * len(_NEAR_COLS)
        shift_into(out[:, column:column + len(_NEAR_COLS)], near, d)
    return out


def max_run(gains: list[float]) -> tuple[int, int] | None:
    """(first, last) of the run of consecutive items with the largest positive sum (Kadane's
    maximum subarray; the first such run on a tie), or None when no item is positive.

    >>> max_run([-1.0, 2.0, -0.5, 3.0, -9.0, 4.0]), max_run([-1.0, -2.0])
    ((1, 3), None)
    """
    best, span, run, start = 0.0, None, 0.0, 0
    for i, g in enumerate(gains):
        run, start = (g, i) if run <= 0 else (run + g, start)
        if run > best:
            best, span = run, (start, i)
    return span


def _prose_span(prose: np.ndarray, words: np.ndarray) -> tuple[int, int]:
    """The run of lines with the largest sum of +words for prose lines and -(a little) for the
    others (:func:`max_run`): the page's main text block; (0, -1) when there is none."""
    return max_run(np.where(prose, words, -np.minimum(words, 10.0) - 1.0).tolist()) or (0, -1)


@memo(maxsize=1)
def _stopwords_once() -> frozenset[str]:
    """scikit-learn's English stop words and our Russian and Ukrainian function words."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | ru_uk_stop_words()


def body_probability(lines: list[str], model: ChromeModel | None = None) -> list[float]:
    """The probability that each line of one page is body text."""
    model = model or load_model()
    return model.probabilities(line_features(lines), FEATURES).tolist()


def train(pages: list[tuple[list[str], list[int]]], *, threshold: float = 0.5, about: dict | None = None,
          c: float = 1.0) -> ChromeModel:
    """A model from labelled pages: each a list of lines and a label per line (1 body, 0 chrome).

    The second stage learns from the first stage's out-of-fold probabilities (five folds over the
    pages), so that it sees verdicts as noisy as the ones it will get.
    """
    from sklearn.linear_model import LogisticRegression

    pages = [(lines, labels) for lines, labels in pages if lines]
    if len(pages) < 5:
        raise ModelError(f"{len(pages)} labelled page(s); at least 5 are needed")
    xs = [line_features(lines) for lines, _ in pages]
    ys = [np.asarray(labels, dtype=int) for _, labels in pages]
    x, y = np.vstack(xs), np.concatenate(ys)
    if y.min() == y.max():
        raise ModelError("every labelled line has the same label; a model needs body and chrome lines")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    zs = [(a - mean) / scale for a in xs]
    first = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(np.vstack(zs), y)
    folds = np.arange(len(pages)) % 5
    oof = []
    for k in range(5):
        train_idx = [i for i in range(len(pages)) if folds[i] != k]
        fit = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(
            np.vstack([zs[i] for i in train_idx]), np.concatenate([ys[i] for i in train_idx]))
        oof.append({i: fit.predict_proba(zs[i])[:, 1] for i in range(len(pages)) if folds[i] == k})
    probs = [next(o[i] for o in oof if i in o) for i in range(len(pages))]
    second_x = np.vstack([np.hstack([z, smooth_features(p)]) for z, p in zip(zs, probs, strict=True)])
    second = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(second_x, y)
    return ChromeModel(features=tuple(FEATURES), smooth=tuple(SMOOTH), mean=mean, scale=scale, coef=first.coef_[0],
                       intercept=float(first.intercept_[0]), smooth_coef=second.coef_[0],
                       smooth_intercept=float(second.intercept_[0]), threshold=threshold,
                       about={**(about or {}), "pages": len(pages), "lines": int(len(y)), "body_lines": int(y.sum())})


_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def labels_from_truth(lines: list[str], truth: str) -> list[int]:
    """Label a page's lines from its labelled body: 1 (body) for a line half or more of whose
    4-token shingles are in `truth`, or, for a line of fewer than four tokens, a line of `truth`
    itself (a subhead) — or a piece of one that sits between the first and last body lines; else 0.

    >>> labels_from_truth(["Menu", "Talks went on in Geneva.", "Share"], "Talks went on in Geneva.")
    [0, 1, 0]
    """
    truth_tokens = _tokens(truth)
    have = {tuple(truth_tokens[i:i + 4]) for i in range(max(1, len(truth_tokens) - 3))}
    whole = {" ".join(_tokens(x)) for x in truth.split("\n") if x.strip()}
    joined = " " + " ".join(truth_tokens) + " "
    out = []
    for line in lines:
        tokens = _tokens(line)
        if len(tokens) >= 4:
            grams = [tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3)]
            out.append(int(sum(g in have for g in grams) >= 0.5 * len(grams)))
        else:
            key = " ".join(tokens)
            out.append(1 if key and key in whole else (2 if key and f" {key} " in joined else 0))
    body = [i for i, x in enumerate(out) if x == 1]
    first, last = (body[0], body[-1]) if body else (0, -1)
    return [int(first <= i <= last) if x == 2 else x for i, x in enumerate(out)]
