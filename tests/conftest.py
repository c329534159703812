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


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def need_browser():
    """Playwright's sync API with the system Chromium, or skip (fail under FRAMING_STRICT)."""
    need(CHROMIUM, "headless Chromium (Debian package `chromium`, installed by .ci/run)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        message = "playwright is not installed (pip install -e '.[test]')"
        if STRICT:
            pytest.fail(f"FRAMING_STRICT: {message}")
        pytest.skip(message)
    return sync_playwright


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory):
    """The report of the bundled sample, built once per test session."""
    from framing.report import build_report

    out = tmp_path_factory.mktemp("reports")
    return build_report(SAMPLE, out=out, name="sample")


def check_floors(scores: dict, floors: dict) -> None:
    """Print a precision/recall table and fail where a score fell below its recorded floor."""
    print("\n             precision  recall      n")
    for what, s in scores.items():
        print(f"{what:12s} {s['precision']:9.3f} {s['recall']:7.3f} {s['n']:6d}")
    low = [(what, kind, round(float(scores[what][kind]), 3), floor[kind])
           for what, floor in floors.items() for kind in ("precision", "recall") if scores[what][kind] < floor[kind]]
    assert not low, f"below the recorded floor (what, measure, now, floor): {low}"
