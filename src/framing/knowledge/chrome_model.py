"""The line model of :mod:`framing.ingestion.chrome` as data: two logistic regressions read from JSON.

The packaged model is ``framing/data/chrome_model.json``; ``framing train-chrome`` writes another,
and a boilerplate rules file names it with ``chrome_model: path/to/model.json`` (or turns the model
off with ``chrome_model: off``). Plain numbers, never a pickle: a model file can be read and diffed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._cache import memo

__all__ = ["ChromeModel", "ModelError", "load_model", "SMOOTH", "shift_into", "smooth_features", "PACKAGED"]

#: The second stage's extra inputs: the first stage's body probabilities of the lines around a
#: line (two before, itself, two after) and their mean over five lines either side.
SMOOTH = ["p@-2", "p@-1", "p@0", "p@+1", "p@+2", "p_window"]
PACKAGED = Path(__file__).resolve().parents[1] / "data" / "chrome_model.json"


class ModelError(ValueError):
    """A model file or labelled folder that cannot be used (named in the message)."""


@dataclass(frozen=True, eq=False)
class ChromeModel:
    """Two logistic regressions as plain numbers: the first on a line's standardised features, the
    second on the same plus :data:`SMOOTH`. A line is body when the second's probability is at least
    `threshold`."""

    features: tuple[str, ...]
    smooth: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    smooth_coef: np.ndarray
    smooth_intercept: float
    threshold: float
    about: dict

    def probabilities(self, x: np.ndarray, features=None) -> np.ndarray:
        """Body probabilities of a page's lines, from their feature rows `x` (one row a line);
        `features`, when given, must be the model's feature names."""
        if features is not None and list(features) != list(self.features):
            raise ModelError(f"the model was trained on other features ({len(self.features)} against "
                             f"{len(features)}); retrain it with framing train-chrome")
        if not len(x):
            return np.zeros(0)
        n, width = x.shape
        both = np.empty((n, width + len(SMOOTH)))  # the second stage's rows: z, then the smoothing columns
        z = both[:, :width]
        np.subtract(x, self.mean, out=z)
        z /= self.scale
        p = _sigmoid(z @ self.coef + self.intercept)
        smooth_features(p, out=both[:, width:])
        return _sigmoid(both @ self.smooth_coef + self.smooth_intercept)

    def to_json(self) -> dict:
        """The model as JSON-ready data (what :func:`load_model` reads)."""
        r = lambda v: [round(float(a), 6) for a in v]  # noqa: E731 - six digits: a readable diff
        return {"about": self.about, "threshold": self.threshold, "features": list(self.features),
                "smooth_features": list(self.smooth), "mean": r(self.mean), "scale": r(self.scale),
                "coef": r(self.coef), "intercept": round(self.intercept, 6), "smooth_coef": r(self.smooth_coef),
                "smooth_intercept": round(self.smooth_intercept, 6)}

    def weights(self) -> list[tuple[str, float]]:
        """(feature, weight per standard deviation) of the first stage, the largest first."""
        return sorted(zip(self.features, self.coef.tolist(), strict=True), key=lambda x: -abs(x[1]))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def smooth_features(p: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The :data:`SMOOTH` columns for a page whose lines have first-stage probabilities `p`
    (written into `out` when given: an array of len(p) rows and len(SMOOTH) columns).

    >>> smooth_features(np.array([0.2, 0.4, 0.9])).round(2).tolist()[0]
    [0.0, 0.0, 0.2, 0.4, 0.9, 0.5]
    """
    out = np.empty((len(p), len(SMOOTH))) if out is None else out
    for column, d in enumerate((-2, -1, 0, 1, 2)):  # p of the line d lines away
        shift_into(out[:, column], p, d)
    out[:, 5] = _window_mean(p, 5)
    return out


def shift_into(dest: np.ndarray, values: np.ndarray, d: int) -> None:
    """dest[i] = values[i + d] for each row i, zeros past either end (`dest` as long as `values`).

    >>> dest = np.empty(3); shift_into(dest, np.array([1.0, 2.0, 3.0]), -1); dest.tolist()
    [0.0, 1.0, 2.0]
    """
    n = len(values)
    dest[:] = 0.0
    if 0 <= d < n:
        dest[: n - d] = values[d:]
    elif 0 < -d < n:
        dest[-d:] = values[: n + d]


def _window_mean(p: np.ndarray, half: int) -> np.ndarray:
    """The mean of p over each line's window of `half` lines either side (cut at the page's ends)."""
    n = len(p)
    cum = np.concatenate([[0.0], np.cumsum(p)])
    idx = np.arange(n)
    lo, hi = np.maximum(idx - half, 0), np.minimum(idx + half + 1, n)
    return (cum[hi] - cum[lo]) / np.maximum(hi - lo, 1)


def load_model(path: str | Path | None = None) -> ChromeModel:
    """The model in `path` (a JSON file written by ``framing train-chrome``), default the packaged one."""
    return _load_model(str(path or PACKAGED))


@memo(maxsize=4)
def _load_model(path: str) -> ChromeModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        features, smooth = list(data["features"]), list(data["smooth_features"])
        model = ChromeModel(
            features=tuple(features), smooth=tuple(smooth), mean=np.array(data["mean"], dtype=float),
            scale=np.array(data["scale"], dtype=float), coef=np.array(data["coef"], dtype=float),
            intercept=float(data["intercept"]), smooth_coef=np.array(data["smooth_coef"], dtype=float),
            smooth_intercept=float(data["smooth_intercept"]), threshold=float(data["threshold"]),
            about=dict(data.get("about") or {}))
    except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        what = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ModelError(f"{path}: not a chrome model ({what})") from None
    n = len(features)
    if smooth != SMOOTH or not (len(model.mean) == len(model.scale) == len(model.coef) == n) \
            or len(model.smooth_coef) != n + len(SMOOTH):
        raise ModelError(f"{path}: not a chrome model (its lists do not match its {n} features)")
    return model
