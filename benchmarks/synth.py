"""A seeded synthetic news corpus for benchmarks: outlets with their own word choices, Zipfian
vocabulary, term variants and quotation marks at news-like rates. Our own generator; no real text.

    python benchmarks/synth.py --articles 10000 --out /tmp/synth-10k.jsonl

Each line is {"id", "outlet", "date", "title", "text"}, about 4 KB of text per article.
`write_folder` writes the same articles as a folder of scraped text dumps (one file each, with
site chrome, a date line, a byline and a footer that names the outlet) for the folder ingest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# (variant surface forms, by "side"): outlets of side "ua" mostly use the first, "ru" the second
TERMS = [
    (["Kyiv"], ["Kiev"]),
    (["Kharkiv"], ["Kharkov"]),
    (["Donbas"], ["Donbass"]),
    (["Luhansk"], ["Lugansk"]),
    (["Zaporizhzhia"], ["Zaporozhye"]),
    (["invasion", "full-scale invasion", "invaded"], ["special military operation", "military operation"]),
    (["war"], ["conflict", "crisis"]),
    (["occupied territories"], ["new regions", "people's republics"]),
    (["annexation", "sham referendum"], ["reunification", "referendum", "joined Russia"]),
    (["Russian-backed forces", "proxies"], ["militia", "people's militia"]),
    (["Zelensky", "Zelenskyy"], ["Zelensky", "Zelenskiy"]),
    (["occupied", "captured"], ["liberated", "took control of"]),
]
NAMES = ["Petro Bondar", "Olena Kravets", "Ivan Sokolov", "Anna Weber", "Jonas Brenner", "Maria Costa",
         "Sergei Lavrov", "Dmytro Kuleba", "Antony Blinken", "Dmitry Peskov"]
VERBS = ["said", "told reporters", "claimed", "added", "warned", "insisted"]
SYLLABLES = ["ka", "ro", "len", "tar", "vi", "mos", "el", "dan", "ser", "ul", "po", "rin", "ta", "gor", "ne",
             "sa", "vol", "mir", "ost", "bek", "ra", "lin", "dor", "pe", "zan", "ko", "tur", "al", "gra", "fen"]


def _vocabulary(rng: random.Random, size: int = 20_000) -> tuple[list[str], list[float]]:
    words = sorted(ENGLISH_STOP_WORDS)
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if w not in seen:
            seen.add(w)
            words.append(w)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(words))]  # Zipf's law, as in news text
    return words, weights


def articles(n: int, *, seed: int = 0, outlets: int = 10, words_per_article: int = 650):
    """Yield `n` synthetic article dicts (deterministic for a given seed)."""
    rng = random.Random(seed)
    vocab, weights = _vocabulary(rng)
    sides = ["ua" if i % 2 == 0 else "ru" for i in range(outlets)]
    names = [f"Synthetic Outlet {i:02d}" for i in range(outlets)]
    for k in range(n):
        o = rng.randrange(outlets)
        side = sides[o]
        words = rng.choices(vocab, weights, k=words_per_article)
        # a term every ~120 words, in the outlet's preferred form four times out of five
        for pos in range(rng.randrange(0, 120), len(words), 120):
            ua, ru = rng.choice(TERMS)
            forms = (ua if side == "ua" else ru) if rng.random() < 0.8 else (ru if side == "ua" else ua)
            words[pos] = rng.choice(forms)
        sentences, i = [], 0
        while i < len(words):
            length = rng.randint(8, 25)
            chunk = words[i:i + length]
            i += length
            text = " ".join(chunk)
            text = text[0].upper() + text[1:]
            roll = rng.random()
            if roll < 0.15:  # a quotation with its speaker
                text = f"“{text},” {rng.choice(VERBS)} {rng.choice(NAMES)}."
            elif roll < 0.20:  # scare quotes around one word
                parts = text.split()
                j = rng.randrange(len(parts))
                parts[j] = f"“{parts[j]}”"
                text = " ".join(parts) + "."
            else:
                text += "."
            sentences.append(text)
        paragraphs = [" ".join(sentences[p:p + 4]) for p in range(0, len(sentences), 4)]
        title = " ".join(rng.choices(vocab[300:3000], k=7)).capitalize()
        date = f"{2022 + k % 3}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}T{rng.randrange(24):02d}:00:00Z"
        yield {"id": f"s{k:07d}", "outlet": names[o], "date": date, "title": title, "text": "\n\n".join(paragraphs)}


def write_jsonl(path: str | Path, n: int, *, seed: int = 0) -> Path:
    """Write `n` synthetic articles to a JSONL file (skipped when it already holds `n` lines)."""
    path = Path(path)
    if path.exists() and sum(1 for _ in path.open("rb")) == n:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for article in articles(n, seed=seed):
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


OUTLETS_YAML = """# the synthetic outlets: each signs its articles with a footer line
outlets:
""" + "".join(f"  - name: Synthetic Outlet {i:02d}\n    timezone: UTC\n    signatures: ['^More from Synthetic Outlet {i:02d}$']\n"
              for i in range(10))


def text_dump(article: dict, *, author: str) -> str:
    """One article as a scraped text dump: menu chrome, headline, a date line in words, a byline,
    the body, and a footer with a share prompt and the outlet's sign-off."""
    when = dt.datetime.fromisoformat(article["date"].replace("Z", "+00:00"))
    stamp = f"{when:%B} {when.day}, {when.year}, {when.hour % 12 or 12}:{when:%M} {'pm' if when.hour >= 12 else 'am'}"
    return (f"Home News World\n{article['title']}\n{stamp}\nBy {author}\n\n{article['text']}\n\n"
            f"Share this article\nMore from {article['outlet']}\n")


def _respelling(k: int, *, seed: int = 0) -> dict[str, str]:
    """A map of the vocabulary onto itself for copy `k` of a corpus: each word (stop words kept) swapped
    with another of about its frequency rank (blocks of 64 ranks), so that copies are new texts with
    the same word frequencies, not near-duplicates. Copy 0 is unchanged."""
    if k == 0:
        return {}
    words, _ = _vocabulary(random.Random(seed))
    rng = random.Random(f"{seed}-{k}")
    start = len(ENGLISH_STOP_WORDS)
    mapping = {}
    for lo in range(start, len(words), 64):
        block = words[lo:lo + 64]
        shuffled = block[:]
        rng.shuffle(shuffled)
        mapping.update(zip(block, shuffled, strict=True))
    return mapping


def write_folder(folder: str | Path, n: int, *, source: str | Path, per_folder: int = 1000) -> Path:
    """Write `n` articles as text dumps under `folder` (`NNNN/ID.txt`, `per_folder` files a folder),
    with an `outlets.yaml` that names the synthetic outlets' sign-offs. The articles come from the
    JSONL corpus `source`, repeated with re-spelt words (see :func:`_respelling`) when `n` is larger
    than it. Skipped when `folder` already says it holds `n` files."""
    folder = Path(folder)
    done = folder / ".complete"
    if done.exists() and done.read_text() == str(n):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "outlets.yaml").write_text(OUTLETS_YAML, encoding="utf-8")
    word = re.compile(r"[a-z]+")
    written, k = 0, 0
    while written < n:
        mapping = _respelling(k)
        with Path(source).open(encoding="utf-8") as rows:
            for line in rows:
                if written == n:
                    break
                row = json.loads(line)
                if mapping:
                    for key in ("title", "text"):
                        row[key] = word.sub(lambda m: mapping.get(m[0], m[0]), row[key])
                sub = folder / f"{written // per_folder:04d}"
                if written % per_folder == 0:
                    sub.mkdir(exist_ok=True)
                dump = text_dump(row, author=NAMES[written % len(NAMES)])
                (sub / f"{row['id']}-{k}.txt").write_text(dump, encoding="utf-8")
                written += 1
        k += 1
    done.write_text(str(n))
    return folder


def lexicon_forms() -> list[str]:
    """Every surface form the generator inserts, lower-cased: the CountVectorizer baseline's vocabulary."""
    return sorted({f.lower() for ua, ru in TERMS for f in ua + ru})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    print(write_jsonl(args.out, args.articles, seed=args.seed))
