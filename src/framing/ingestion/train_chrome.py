"""Retraining the line model from a labelled folder (``framing train-chrome``)."""

from __future__ import annotations

from pathlib import Path

from ..knowledge.chrome_model import ChromeModel, ModelError
from .chrome import labels_from_truth, train
from .clean import page_lines

__all__ = ["labelled_pages", "train_folder", "held_out"]


def labelled_pages(folder: str | Path) -> list[tuple[str, str, str]]:
    """(name, raw text, labelled body) of every labelled page in `folder`: either subfolders each
    holding ``dump.txt`` (the raw text) and ``truth.txt`` (its body), or pairs ``NAME.txt`` and
    ``NAME.truth.txt`` side by side."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder}: not a folder")
    out = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if (sub / "dump.txt").is_file() and (sub / "truth.txt").is_file():
            out.append((sub.name, (sub / "dump.txt").read_text(encoding="utf-8"),
                        (sub / "truth.txt").read_text(encoding="utf-8")))
    for truth in sorted(folder.glob("*.truth.txt")):
        raw = truth.with_name(truth.name.removesuffix(".truth.txt") + ".txt")
        if raw.is_file():
            out.append((raw.stem, raw.read_text(encoding="utf-8"), truth.read_text(encoding="utf-8")))
    if not out:
        raise ModelError(f"{folder}: no labelled pages (NAME/dump.txt with NAME/truth.txt, or NAME.txt with "
                         "NAME.truth.txt)")
    return out


def train_folder(folder: str | Path, *, rules=None, threshold: float = 0.5) -> ChromeModel:
    """A model trained on the labelled pages of `folder` (see :func:`labelled_pages`), their lines
    cut as cleaning cuts them and labelled by :func:`labels_from_truth`."""
    from .clean import page_lines

    pages = []
    for _, raw, truth in labelled_pages(folder):
        lines = page_lines(raw, rules)
        pages.append((lines, labels_from_truth(lines, truth)))
    return train(pages, threshold=threshold, about={"trained_on": Path(folder).name})


def held_out(folder: str | Path, *, folds: int = 5, rules=None) -> dict:
    """Line figures of models trained without some pages, on those pages: the pages dealt into
    `folds` groups in name order (pages of one site should share a name prefix, so that a group is
    mostly other sites), each group judged by a model trained on the others. Returns body recall,
    chrome recall and the body share of the kept lines, over every line."""
    import numpy as np

    from .chrome import FEATURES, line_features
    from .clean import page_lines

    pages = []
    for _, raw, truth in labelled_pages(folder):
        lines = page_lines(raw, rules)
        pages.append((lines, labels_from_truth(lines, truth)))
    if len(pages) < 2 * folds:
        raise ModelError(f"{len(pages)} labelled page(s) cannot be split into {folds} folds of two or more")
    size = -(-len(pages) // folds)
    tp = fn = fp = tn = 0
    for k in range(folds):
        test = pages[k * size:(k + 1) * size]
        model = train(pages[:k * size] + pages[(k + 1) * size:])
        for lines, labels in test:
            keep = model.probabilities(line_features(lines), FEATURES) >= model.threshold
            y = np.asarray(labels, dtype=bool)
            tp += int((keep & y).sum())
            fn += int((~keep & y).sum())
            fp += int((keep & ~y).sum())
            tn += int((~keep & ~y).sum())
    return {"folds": folds, "body_recall": round(tp / max(tp + fn, 1), 4),
            "chrome_recall": round(tn / max(tn + fp, 1), 4), "body_precision": round(tp / max(tp + fp, 1), 4)}
