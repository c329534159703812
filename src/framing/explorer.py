"""The report's term explorer: one offline HTML page (``explorer.html``) to explore the vocabulary.

Choose a grouping (outlet, and where the data allow it affiliation, country, year), a group, and see
every term of that group against the rest: a scatter of frequency in the group against frequency in
the rest (per 10,000 words, log scales), coloured by the keyness z (:func:`framing.keyness`), with
lexicon variants marked. Search a term, or click one, to read its concordance lines from every
outlet with their voice. Scattertext (Kessler 2017) does this for two categories; this page does it
for any number, and its size is bounded whatever the corpus:

* at most :data:`MAX_GROUPS` groups per grouping (the largest), :data:`MAX_TERMS` terms per group
  (by |z|);
* concordance lines for at most :data:`CONTEXT_TERMS` terms (each group's most distinctive first),
  :data:`CONTEXTS` lines a term, spread over the outlets, :data:`WINDOW` words each side, looked
  for in the first :data:`SCAN_ARTICLES` articles.

The page holds its data as JSON in a ``<script type="application/json">`` element (with ``<``,
``>`` and ``&`` escaped) and its script writes article text only through ``textContent``: nothing
from the corpus is ever parsed as HTML. The bytes are the same on every build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["MAX_GROUPS", "MAX_TERMS", "CONTEXT_TERMS", "CONTEXTS", "WINDOW", "explorer_data", "explorer_html",
           "groupings_for", "linked_articles"]

MAX_GROUPS = 30
MAX_TERMS = 2000
CONTEXT_TERMS = 600
CONTEXTS = 20
WINDOW = 8
#: Concordance lines are looked for in at most this many articles (earliest first).
SCAN_ARTICLES = 20_000


def groupings_for(articles: pd.DataFrame, outlets=None) -> list[str]:
    """The groupings worth offering: ``outlet``, then ``affiliation`` and ``country`` when the outlets
    file gives two or more values, then ``year`` (or ``quarter`` when all dates fall in one year)."""
    from .analysis.compare import group_keys

    found = ["outlet"]
    seen = [_partition(group_keys(articles, "outlet")["outlet"])]
    for key in ("affiliation", "country"):
        try:
            values = group_keys(articles, key, outlets=outlets)[key]
        except KeyError:
            continue
        if values[values != "(none)"].nunique() >= 2 and _partition(values) not in seen:  # not the outlets again
            found.append(key)
            seen.append(_partition(values))
    for key in ("year", "quarter"):
        if group_keys(articles, key)[key].dropna().nunique() >= 2:
            found.append(key)
            break
    return found


def _partition(values: pd.Series) -> tuple:
    """The grouping of rows `values` makes, whatever the groups' names (to spot one seen before)."""
    codes, _ = pd.factorize(values.astype("string").fillna(""), sort=False)
    return tuple(codes.tolist())


def _contexts(articles: pd.DataFrame, terms: list[str], per_term: int, window: int, *, lexicon=None,
              max_articles: int = SCAN_ARTICLES) -> dict[str, list]:
    """Up to `per_term` concordance lines for each term, taken in turn from each outlet (earliest
    first), found with the tokens keyness counts (a bigram spans the stop words between its words)."""
    from .analysis.spans import QuoteIndex
    from .analysis.terms import words_around
    from .analysis.matcher import matcher_for
    from .analysis.tokens import APOSTROPHES, STOP_WORDS, TOKEN_PATTERN

    wanted = set(terms)
    if not wanted:
        return {}
    arts = articles[articles["duplicate_of"].isna()] if "duplicate_of" in articles else articles
    arts = arts.drop_duplicates("article_id").sort_values(["published", "outlet", "article_id"], na_position="last")
    outlets = sorted(arts["outlet"].dropna().astype(str).unique())
    quota = max(1, -(-per_term // max(len(outlets), 1)))  # enough from every outlet; more are kept for the rest
    found: dict[str, dict[str, list]] = {}
    full: set[str] = set()
    matcher = matcher_for(lexicon)
    token = re.compile(TOKEN_PATTERN)
    arts = arts.iloc[:max_articles]
    for ident, outlet, published, text in _texts_in_order(arts):
        if len(full) == len(wanted):
            break
        text = str(text or "")
        norm = APOSTROPHES.sub("'", text)
        words = []
        for m in token.finditer(norm):
            word = m.group().lower()
            word = word[:-2] if word.endswith("'s") else word
            if word and word not in STOP_WORDS:
                words.append((m.start(), m.end(), word))
        quotes = None
        grams = [(a, b, w) for a, b, w in words] + [(x[0], y[1], f"{x[2]} {y[2]}") for x, y in zip(words, words[1:])]
        for start, end, gram in grams:
            if gram not in wanted or gram in full:
                continue
            lines = found.setdefault(gram, {}).setdefault(str(outlet), [])
            if len(lines) >= per_term:
                continue
            quotes = quotes or QuoteIndex(text)
            left, right = words_around(text, start, end, window)
            date = published.strftime("%Y-%m-%d") if isinstance(published, pd.Timestamp) else ""
            lines.append([str(outlet), date, left, text[start:end], right, matcher.voice(text, start, end, quotes),
                          str(ident)])
            if len(found[gram]) == len(outlets) and min(map(len, found[gram].values())) >= quota:
                full.add(gram)
    out: dict[str, list] = {}
    for gram in sorted(found):
        by_outlet = found[gram]
        chosen = [by_outlet[o][turn] for turn in range(per_term) for o in sorted(by_outlet)
                  if turn < len(by_outlet[o])][:per_term]
        out[gram] = sorted(chosen, key=lambda line: (line[0], line[1], line[6]))
    return out


def _texts_in_order(arts: pd.DataFrame):
    """(article_id, outlet, published, text) in the table's order; a table read without its texts
    reads them a block of articles at a time, and only as far as the caller goes."""
    from . import _texts

    for start in range(0, len(arts), _texts.BLOCK):
        block = _texts.with_columns(arts.iloc[start:start + _texts.BLOCK])
        yield from zip(block["article_id"], block["outlet"], block["published"], block["text"])


def _variants_of(terms: list[str], lexicon) -> dict[str, str]:
    """Which terms are (wholly) a variant of the lexicon: term -> "family label: variant"."""
    from .analysis import find_terms, load_lexicon

    if not terms:
        return {}
    lex = load_lexicon(lexicon)
    labels = lex.labels
    found: dict[str, str] = {}
    for at in range(0, len(terms), _PROBE):  # each term a one-line article, a block at a time
        block = terms[at:at + _PROBE]
        probe = pd.DataFrame({"article_id": np.arange(len(block)).astype(str), "outlet": "", "published": pd.NaT,
                              "title": "", "text": block})
        hits = find_terms(probe, lex, titles=False, context=0)
        row = hits["article_id"].astype(int).to_numpy()
        whole = (hits["start"].to_numpy() == 0) & (hits["end"].to_numpy() == probe["text"].str.len().to_numpy()[row])
        for r, f, v in zip(row[whole], hits["family"][whole], hits["variant"][whole]):
            found[block[r]] = f"{labels.get(f, f)}: {v}"
    return found


_PROBE = 100_000


def _frequent_terms(articles: pd.DataFrame, min_count: int) -> list[str]:
    """The terms of the corpus's document-term matrix (the one keyness counts) used `min_count` times
    or more: every term a keyness table of this corpus can hold (and a few more: copies count here)."""
    from .analysis.dtm import column_sums, document_terms

    dt = document_terms(articles, progress=False)
    counts, _ = column_sums(dt.matrix)
    return dt.terms(np.flatnonzero(counts >= max(min_count, 1))).tolist()


def explorer_data(articles: pd.DataFrame, *, lexicon=None, outlets=None, groupings: Sequence[str] | None = None,
                  min_count: int | None = None, max_terms: int = MAX_TERMS, context_terms: int = CONTEXT_TERMS,
                  contexts: int = CONTEXTS, window: int = WINDOW) -> dict:
    """Everything the explorer page shows, as plain JSON-ready data (deterministic order).

    Each group's `max_terms` terms of largest |z| are shown, and the lexicon's variants wherever
    they rank (a term is a variant when one of the lexicon's patterns matches the whole of it):
    keyness is asked for each group's ends and the variants' rows, never for the whole table
    (millions of rows at 100,000 articles).

    Examples
    --------
    >>> import framing
    >>> from framing.resources import SAMPLE
    >>> data = explorer_data(framing.ingest(SAMPLE).articles, min_count=2)
    >>> sorted(data["groupings"]) == sorted(data["order"]) and "outlet" in data["groupings"]
    True
    """
    from .analysis import keyness, load_lexicon
    from .analysis.compare import group_keys
    from .analysis.keyness import documents

    if min_count is None:  # a small corpus shows its terms used twice, a large one those used five times
        min_count = 2 if len(articles) < 500 else 5
    groupings = list(groupings) if groupings is not None else groupings_for(articles, outlets)
    vocab: dict[str, int] = {}
    shown: dict[str, dict] = {}
    wanted: list[list[str]] = []
    lex = load_lexicon(lexicon)
    variants: dict[str, str] = _variants_of(_frequent_terms(articles, min_count), lex)  # always shown
    for by in groupings:
        docs = documents(articles, by, outlets=outlets)
        if docs["group"].nunique() < 2:
            continue
        sizes = docs["group"].value_counts()
        keep = sorted(sizes.index[:MAX_GROUPS].astype(str))
        words = articles.assign(_g=group_keys(articles, by, outlets=outlets)[by])
        words = words[words["duplicate_of"].isna()] if "duplicate_of" in words else words
        totals = words.groupby("_g")["n_words"].sum()
        # each group's ends (the |z| ranking's first max_terms are among them) and the variants' rows
        table = keyness(articles, by=by, min_count=min_count, outlets=outlets, progress=False, top=max_terms,
                        terms=variants)
        groups = {}
        for group in keep:
            t = table[table[by] == group]
            t = t.reindex(t["statistic"].abs().sort_values(ascending=False, kind="stable").index)
            t = t[(np.arange(len(t)) < max_terms) | t["term"].isin(variants).to_numpy()]
            rows = []
            for term, z, n_g, n_r, docs_g in zip(t["term"], t["statistic"], t["n_target"], t["n_reference"], t["docs_target"]):
                index = vocab.setdefault(str(term), len(vocab))
                rows.append([index, int(n_g), int(n_r), round(float(z), 2), int(docs_g)])
            rows.sort(key=lambda r: (-r[3], r[0]))
            in_group = int(totals.get(group, 0))
            groups[group] = {"terms": rows, "words": [in_group, int(totals.sum()) - in_group],
                             "articles": int(sizes.get(group, 0))}
            wanted.append([str(term) for term in t.sort_values("statistic", ascending=False, kind="stable")["term"]])
        shown[by] = {"groups": keep, "data": groups, "left_out": int(len(sizes) - len(keep))}
    terms = sorted(vocab, key=vocab.get)
    variants = {term: label for term, label in variants.items() if term in vocab}
    chosen: list[str] = sorted(variants)[:context_terms]  # the lexicon's terms always have their lines
    seen: set[str] = set(chosen)
    for rank in range(max((len(w) for w in wanted), default=0)):  # each group's best in turn
        for lst in wanted:
            if rank < len(lst) and lst[rank] not in seen and len(chosen) < context_terms:
                seen.add(lst[rank])
                chosen.append(lst[rank])
    return {
        "order": list(shown),
        "groupings": shown,
        "terms": terms,
        "variants": variants,
        "contexts": _contexts(articles, sorted(chosen), contexts, window, lexicon=lexicon),
        "limits": {"groups": MAX_GROUPS, "terms": max_terms, "context_terms": context_terms, "contexts": contexts,
                   "window": window, "min_count": min_count},
    }


def linked_articles(data: dict) -> list[str]:
    """The article ids the explorer's concordance lines come from (in the data's order)."""
    return list(dict.fromkeys(line[6] for lines in data["contexts"].values() for line in lines))


def _json(data: dict) -> str:
    """JSON that can sit inside a <script> element: no "<", ">" or "&" (escaped as \\u003c …)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, code)
    return text


def explorer_html(data: dict, *, report: str, readable: set[str] | None = None) -> str:
    """The explorer page; `readable` names the articles that have a reader page (linked from lines)."""
    import jinja2
    from markupsafe import Markup

    folder = Path(__file__).parent / "templates" / "report"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    payload = dict(data, readable=sorted(readable or ()))
    return env.get_template("explorer.html.j2").render(
        report=report, data=Markup(_json(payload)), script=Markup((folder / "explorer.js").read_text(encoding="utf-8")),
        limits=data["limits"], groupings=data["order"],
        terms=len(data["terms"]), with_contexts=len(data["contexts"]),
    )


def size_of(data: dict) -> int:
    """Bytes of the page's data (for the build's progress)."""
    return len(_json(data).encode())


