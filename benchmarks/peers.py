"""Scattertext's two corpus builders on the synthetic corpus: the peers of framing's document-term
matrix in benchmarks/run.py. Runs in its own environment (.venv-bench, made by run.py), because
Scattertext is never a dependency of framing.

    .venv-bench/bin/python benchmarks/peers.py --stage scattertext_pandas --path /tmp/framing-bench/synth-10000.jsonl

Prints one JSON line: seconds, peak RSS, articles and bytes, as run.py's stages do.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, choices=["scattertext_pandas", "scattertext_scikit"])
    parser.add_argument("--path", required=True)
    args = parser.parse_args()
    import scattertext as st
    from sklearn.feature_extraction.text import CountVectorizer

    frame = pd.read_json(args.path, lines=True)
    frame = frame[["outlet", "text"]].astype(str)
    start = time.perf_counter()
    if args.stage == "scattertext_pandas":  # Scattertext's own tokenizer (whitespace, with sentences)
        corpus = st.CorpusFromPandas(frame, category_col="outlet", text_col="text",
                                     nlp=st.whitespace_nlp_with_sentences).build()
    else:  # Scattertext over scikit-learn's (1,2)-gram counts
        vectorizer = CountVectorizer(ngram_range=(1, 2))
        x = vectorizer.fit_transform(frame["text"])
        codes, names = pd.factorize(frame["outlet"])
        corpus = st.CorpusFromScikit(X=x, y=codes, feature_vocabulary=vectorizer.vocabulary_,
                                     category_names=list(names), raw_texts=frame["text"]).build()
    corpus.get_term_freq_df()  # the per-outlet counts every Scattertext statistic starts from
    seconds = time.perf_counter() - start
    print(json.dumps({"stage": args.stage, "articles": len(frame), "bytes": int(frame["text"].str.len().sum()),
                      "seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
