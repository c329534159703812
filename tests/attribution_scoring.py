"""Scoring of issue 20's hand labels, shared by the tests and ``benchmarks/attribution.py``.

Quotation labels (``quote_labels_blind.csv``, ``quote_labels_dev.csv``) name a quotation by the first
six words inside its marks (``quote_key``), its speaker as a reader resolves it (``-``: nobody named)
and its attribution verb as written (``-``: none of its own). A label is matched to the direct or
partial quotation of :func:`framing.find_quotes` that starts with the key, or else the first that
holds it (compared without case, punctuation or spacing: a one-word key such as "clear" must not
land on an earlier quotation that merely contains the word); a quotation framing does not find
counts as a miss for speaker and verb.

Hit labels (``hit_labels_blind.csv``) name a term hit by its offsets in the cleaned text and judge
it: ``use`` (correct / wrong: another referent or an idiom / generic: the general sense) and
``voice``. The hits were matched without the lexicon's ``exclude`` lists, so every one of them is in
``find_terms``' table, on topic or not.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import Path

import pandas as pd

import framing

DATA = Path(__file__).parent / "data"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
DEVSET = CORPORA.parent / "extraction-devset"


def norm_name(name) -> str:
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().casefold()
    return " ".join(text.replace("’", "'").split())


def _canonical(name: str) -> str:
    """A name as the speakers file spells it, when it is one of its aliases ("Volodymyr Zelenskyy")."""
    from framing.analysis.speakers import load_speakers

    return load_speakers().canonical.get(str(name).strip(), str(name))


def same_speaker(predicted, label) -> bool:
    """Names compared without case or accents, spellings the speakers file lists as aliases of one
    person counted as one; a surname alone matches a full name."""
    if predicted is None or pd.isna(predicted) or label in ("-", "NQ"):
        return False
    a, b = norm_name(_canonical(predicted)).split(), norm_name(_canonical(label)).split()
    return a == b or (len(a) == 1 and a[0] == b[-1]) or (len(b) == 1 and b[0] == a[-1])


def _words(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).casefold().replace("’", "'")
    return " ".join(re.findall(r"\w+(?:'\w+)?", text))


_ARTICLES: dict[str, pd.DataFrame] = {}


def articles_of(corpus: str) -> pd.DataFrame:
    """The ingested articles of a shared corpus (once per process); ``extraction-devset``: the
    development set's English pages, ingested from their HTML."""
    if corpus == "extraction-devset" and corpus not in _ARTICLES:
        _ARTICLES[corpus] = devset_articles()
    if corpus not in _ARTICLES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _ARTICLES[corpus] = framing.ingest(CORPORA / corpus).articles
    return _ARTICLES[corpus]


def devset_articles() -> pd.DataFrame:
    """The development set's English pages as framing ingests them from their HTML (``source_path``
    ``<id>.html``). The third blind label sets read them: sites the corpora do not hold, with real
    quotation marks (the labelled ``truth.txt`` has many curly quotes as "?")."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for page in sorted(DEVSET.iterdir()):
            meta = page / "meta.json"
            if meta.exists() and json.loads(meta.read_text()).get("lang") == "en":
                # a copy: ingest refuses links that point out of its folder
                (Path(tmp) / f"{page.name}.html").write_bytes((page / "page.html").read_bytes())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arts = framing.ingest(tmp).articles
    return arts.assign(source_path=[Path(p).name for p in arts["source_path"]])


def quote_table(labels: pd.DataFrame, **options) -> pd.DataFrame:
    """The labels with framing's ``speaker``, ``verb`` and ``quote`` of the quotation each names."""
    out = []
    for corpus, group in labels.groupby("corpus", sort=False):
        arts = articles_of(corpus)
        arts = arts[arts["source_path"].isin(set(group["source_path"]))]
        quotes = framing.find_quotes(arts, kinds=("direct", "partial"), **options)
        quotes = quotes.merge(arts[["article_id", "source_path"]], on="article_id")
        by_path = {p: list(zip(q["quote"].map(_words), q["speaker"], q["verb"], q["quote"]))
                   for p, q in quotes.groupby("source_path")}
        for row in group.itertuples(index=False):
            key = _words(row.quote_key)
            candidates = by_path.get(row.source_path, [])  # the quotation that starts with the key, else one holding it
            found = next((q for q in candidates if key and q[0].startswith(key)), None) \
                or next((q for q in candidates if key and key in q[0]), None)
            out.append({**row._asdict(), "speaker_found": found[1] if found else None,
                        "verb_found": found[2] if found else None, "quote": found[3] if found else None})
    return pd.DataFrame(out)


def quote_scores(table: pd.DataFrame) -> dict:
    """Speaker precision and recall, verb precision and recall (verbs compared in canonical form: the
    speakers file's, and the attribution grammar's for the verbs that name something, "calling" and
    "called" alike)."""
    from framing.analysis.attribution import grammar_for
    from framing.analysis.speakers import load_speakers

    sp = load_speakers()
    label_verbs = grammar_for(sp).label_verbs  # "calling", "calls" -> "called", as the grammar gives them

    def canonical(verb: str) -> str:
        return label_verbs.get(verb.lower()) or sp.canonical_verb(verb)

    named = ~table["speaker"].isin(["-", "NQ"])  # NQ: a span in quotation marks that quotes nobody
    predicted = table["speaker_found"].notna()
    hit = [same_speaker(p, lab) for p, lab in zip(table["speaker_found"], table["speaker"])]
    with_verb = table[~table["verb"].isin(["-", "NQ"])]
    verb_hit = [isinstance(f, str) and canonical(f) == canonical(lab)
                for f, lab in zip(with_verb["verb_found"], with_verb["verb"])]
    return {
        "speaker": {"precision": sum(hit) / max(predicted.sum(), 1), "recall": sum(hit) / max(named.sum(), 1),
                    "n": int(named.sum())},
        "verb": {"precision": sum(verb_hit) / max(with_verb["verb_found"].notna().sum(), 1),
                 "recall": sum(verb_hit) / max(len(with_verb), 1), "n": len(with_verb)},
        "span": {"precision": float("nan"), "recall": table["quote"].notna().mean(), "n": len(table)},
    }


def hit_table(labels: pd.DataFrame, **options) -> pd.DataFrame:
    """The hit labels with framing's ``voice_found`` and ``off_topic_found`` (NaN: not a hit now)."""
    out = []
    for corpus, group in labels.groupby("corpus", sort=False):
        arts = articles_of(corpus)
        arts = arts[arts["source_path"].isin(set(group["source_path"]))]
        hits = framing.find_terms(arts, titles=False, **options).merge(arts[["article_id", "source_path"]],
                                                                      on="article_id")
        if "off_topic" not in hits:
            hits["off_topic"] = False
        hits = hits.rename(columns={"voice": "voice_found", "off_topic": "off_topic_found", "matched": "matched_found"})
        out.append(group.merge(hits[["source_path", "start", "end", "family", "voice_found", "off_topic_found",
                                     "matched_found"]], on=["source_path", "start", "end", "family"], how="left"))
    return pd.concat(out, ignore_index=True)


def hit_scores(table: pd.DataFrame) -> dict:
    """Voice precision and recall per class; and, among the uniform stratum's hits framing counts
    (found and on topic), the share the labels call wrong, generic, or either."""
    out = {}
    found = table[table["voice_found"].notna()]
    for voice in ("own", "quoted", "distanced"):
        predicted, actual = found["voice_found"] == voice, found["voice"] == voice
        tp = int((predicted & actual).sum())
        out[voice] = {"precision": tp / predicted.sum() if predicted.sum() else float("nan"),
                      "recall": tp / actual.sum() if actual.sum() else float("nan"), "n": int(actual.sum())}
    uniform = table[table["stratum"] == "any hit"]
    counted = uniform[uniform["voice_found"].notna() & ~uniform["off_topic_found"].fillna(False).astype(bool)]
    correct = (uniform["use"] == "correct").sum()
    kept_correct = (counted["use"] == "correct").sum()
    out["counted"] = {"wrong": float((counted["use"] == "wrong").mean()),
                      "generic": float((counted["use"] == "generic").mean()),
                      "correct kept": float(kept_correct / correct), "n": len(counted)}
    return out
