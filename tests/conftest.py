"""Shared test helpers: where ../shared lives, and skips that fail under FRAMING_STRICT."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPORA = SHARED / "corpora"
SAMPLE = ROOT / "data" / "raw" / "sample"
STRICT = os.environ.get("FRAMING_STRICT", "") not in ("", "0")


def need(path: Path, what: str) -> Path:
    """Return `path`, or skip (fail under FRAMING_STRICT) when a component is missing."""
    if not path.exists():
        message = f"{what} not found at {path}"
        if STRICT:
            pytest.fail(f"FRAMING_STRICT: {message}")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def seeds_corpus():
    import framing

    return framing.ingest(need(SEEDS, "the seed articles (../shared/seeds)"))


@pytest.fixture(scope="session")
def sample_corpus():
    import framing

    return framing.ingest(SAMPLE)
