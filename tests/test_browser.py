"""The rendered report and JupyterLab in a real headless Chromium (Playwright, system Chromium).

Article text is untrusted: a corpus whose outlet name, title and body carry <script>, an <img
onerror> and a javascript: link must show them as text on every page and never run them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from framing.report import build_report
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, SAMPLE, need_browser

PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '<a href="javascript:window.__pwned = 3">click me</a>',
]


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(SAMPLE, raw / "sample")
    rows = [
        {"outlet": f"Evil Outlet {PAYLOADS[0]}", "title": f"Kyiv talks {PAYLOADS[0]} {PAYLOADS[1]}",
         "date": "2022-03-01T10:00:00Z",
         "text": f"The special military operation {PAYLOADS[1]} continued near Kyiv, officials said. "
                 f"Read more: {PAYLOADS[2]} The invasion of Ukraine entered its sixth day as Russian troops "
                 "advanced towards the capital and residents sheltered in metro stations overnight."},
        {"outlet": f"Evil Outlet {PAYLOADS[0]}", "title": "Second dispatch on the war",
         "date": "2022-03-02T10:00:00Z",
         "text": "Officials in Kyiv said the special military operation had become a full-scale war "
                 f"and that {PAYLOADS[2]} the shelling of Kharkiv continued through the night."},
    ]
    # outlet names that matplotlib would read as mathtext: "$x^$" stopped the build, "$\frac{a}{b}$" drew a fraction
    rows += [{"outlet": name, "title": "Kyiv under fire", "date": f"2022-03-0{k + 3}T10:00:00Z",
              "text": "The invasion went on near Kyiv and the war reached Kharkiv, where the special military "
                      "operation, as Moscow calls it, met resistance in every district, officials said."}
             for k, name in enumerate(["$x^$ Media", "$\\frac{a}{b}$ News"])]
    (raw / "sample" / "exports" / "hostile.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return build_report(raw / "sample", out=tmp_path_factory.mktemp("reports"), name="hostile")


def _check_page(page, url: str) -> dict:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => ({src: e.src.slice(0, 40), ok: e.complete && e.naturalWidth > 0 && e.naturalHeight > 0}))")
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    return {"problems": problems, "pwned": page.evaluate("window.__pwned"), "images": images, "links": links,
            "text": page.inner_text("body")}


@pytest.mark.slow
def test_hostile_text_is_shown_and_never_runs_on_any_page(hostile_report):
    sync_playwright = need_browser()
    pages = ["index.html"] + sorted(p.name for p in hostile_report.glob("0*.html"))
    assert len(pages) == 6  # the index and five pages
    readers = sorted(f"articles/{p.name}" for p in (hostile_report / "articles").glob("*.html"))
    seen_payload = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name in pages:
            page = browser.new_page()
            result = _check_page(page, (hostile_report / name).as_uri())
            assert result["pwned"] is None, name
            assert result["problems"] == [], (name, result["problems"])
            assert result["images"], name  # every page has at least one figure
            assert all(i["ok"] for i in result["images"]), (name, result["images"])
            assert not any(h.lower().startswith("javascript:") for h in result["links"]), name
            for href in result["links"]:
                if not href.startswith(("http", "#", "data:")):
                    assert (hostile_report / href).exists(), (name, href)
            if "<script>window.__pwned = 1</script>" in result["text"]:
                seen_payload.append(name)
            page.close()
        # the explorer and the reader show the payloads as text too, and run none of them
        page = browser.new_page()
        result = _check_page(page, (hostile_report / "explorer.html").as_uri())
        assert result["pwned"] is None and result["problems"] == []
        evil = page.eval_on_selector_all("#group option", "os => os.map(o => o.textContent)")
        assert any("<script>window.__pwned = 1</script>" in o for o in evil)
        page.select_option("#group", index=[k for k, o in enumerate(evil) if "<script>" in o][0])
        page.fill("#search", "kyiv")
        page.click("#matches button.term:text-is('kyiv')")
        assert page.query_selector_all("#detail table.lines tr") and page.evaluate("window.__pwned") is None
        page.close()
        for name in readers:
            page = browser.new_page()
            result = _check_page(page, (hostile_report / name).as_uri())
            assert result["pwned"] is None and result["problems"] == [], name
            assert not any(h.lower().startswith("javascript:") for h in result["links"]), name
            page.close()
        # the links between pages work: follow the index's links in the browser
        page = browser.new_page()
        page.goto((hostile_report / "index.html").as_uri())
        for link in page.eval_on_selector_all("ol a[href$='.html']", "els => els.map(e => e.getAttribute('href'))"):
            page.goto((hostile_report / link).as_uri())
            assert page.title(), link
        browser.close()
    # the outlet name with its payload appears as text on the index and on the pages that list outlets
    assert "index.html" in seen_payload and "01_corpus.html" in seen_payload
    assert "$x^$ Media" in (hostile_report / "01_corpus.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_figure_of_the_sample_report_decodes(sample_report):
    sync_playwright = need_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        counts = {}
        for html in sorted(sample_report.glob("*.html")):
            result = _check_page(page, html.as_uri())
            assert result["problems"] == [], (html.name, result["problems"])
            assert all(i["ok"] for i in result["images"]), html.name
            counts[html.name] = len(result["images"])
        browser.close()
    assert counts["index.html"] == 1 and counts["02_terminology.html"] >= 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_jupyterlab_serves_a_notebook(tmp_path):
    sync_playwright = need_browser()
    port = _free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--allow-root",
         "--IdentityProvider.token=", f"--ServerApp.root_dir={ROOT / 'notebooks'}"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        deadline = time.time() + 90
        status = None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2) as r:
                    status = json.load(r)
                    break
            except OSError:
                time.sleep(0.5)
        assert status is not None, "JupyterLab did not answer /api/status within 90 s:\n" + (tmp_path / "lab.log").read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs", timeout=5) as r:
            specs = json.load(r)
        assert "python3" in specs["kernelspecs"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/lab/tree/01_corpus.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            # the first markdown cell is rendered (JupyterLab renders cells lazily, so only the top ones)
            heading = page.wait_for_selector(".jp-RenderedMarkdown h1", timeout=60_000)
            assert "The corpus: what we are comparing" in heading.inner_text()
            browser.close()
        # opening the notebook starts its kernel: let it finish starting before the server is stopped
        # (a SIGTERM while the kernel still imports left the server waiting on it, on a loaded machine)
        deadline = time.time() + 90
        while time.time() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernels", timeout=5) as r:
                if all(k.get("execution_state") not in ("starting", None) for k in json.load(r)):
                    break
            time.sleep(0.5)
    finally:
        server.terminate()  # SIGTERM: the server shuts its kernels down and exits
        try:
            code = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            code = "killed after 30 s"
        log.close()
    assert code in (0, -15), f"JupyterLab did not shut down cleanly: {code}"


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def _shot(page, name: str) -> None:
    """A full-page screenshot into $FRAMING_SCREENSHOTS (for a person to look at), when it is set."""
    folder = os.environ.get("FRAMING_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, name + ".png"), full_page=True)


@pytest.mark.slow
def test_a_student_clicks_through_the_report(sample_report):
    sync_playwright = need_browser()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        problems = _watch(page)
        page.goto((sample_report / "index.html").as_uri())
        _shot(page, "index")
        pages = page.eval_on_selector_all("ol a[href$='.html']", "els => els.map(e => e.getAttribute('href'))")
        assert len(pages) == 5
        # index -> each page (by clicking) -> next -> back to the index
        for k, href in enumerate(pages):
            page.click(f"ol a[href='{href}']")
            page.wait_for_load_state("load")
            assert page.url.endswith(href)
            nav = page.inner_text("nav.framing-nav")
            assert f"page {k + 1} of {len(pages)}" in nav and "On this page" in nav
            _shot(page, href.removesuffix(".html"))
            if k + 1 < len(pages):
                page.click("nav.framing-nav a[rel=next]")
                page.wait_for_load_state("load")
                assert page.url.endswith(pages[k + 1])
                page.go_back()
            page.click("nav.framing-nav a[href='index.html']")
            page.wait_for_load_state("load")
            assert page.url.endswith("index.html")

        # a CSV under a table downloads the whole table
        page.goto((sample_report / "02_terminology.html").as_uri())
        link = page.query_selector("p.framing-download a[href$='.csv']")
        with page.expect_download() as download:
            link.click()
        csv = (sample_report / link.get_attribute("href")).read_bytes()
        assert open(download.value.path(), "rb").read() == csv

        # a sortable table sorts by a click on its heading and filters as one types
        table = "table[data-sortable]"
        heading = page.query_selector(f"{table} th:has-text('hits')")
        column = page.eval_on_selector(f"{table}", "(t, name) => Array.from(t.tHead.rows[0].cells).findIndex(c => c.textContent.trim() === name)", "hits")
        heading.click()
        heading.click()  # descending
        values = page.eval_on_selector(table, "(t, c) => Array.from(t.tBodies[0].rows).map(r => Number(r.cells[c].textContent.replace(/,/g, '')))", column)
        assert values == sorted(values, reverse=True) and values[0] > values[-1]
        page.fill("p.framing-filter input", "Kiev")
        shown = page.eval_on_selector(table, "t => Array.from(t.tBodies[0].rows).filter(r => r.style.display !== 'none').map(r => r.textContent)")
        assert shown and all("Kiev" in row for row in shown)

        # a concordance line opens its article in the reader, hits marked by voice
        page.click("a.framing-read")
        page.wait_for_load_state("load")
        assert "/articles/" in page.url and page.query_selector_all("mark.v-own, mark.v-quoted, mark.v-distanced")
        assert "Lexicon terms, by voice" in page.inner_text("body")
        _shot(page, "article")

        # the explorer: search a term, open its lines from every outlet, follow one to its article
        page.goto((sample_report / "explorer.html").as_uri())
        page.fill("#search", "kyiv")
        page.click("#matches button.term:text-is('kyiv')")
        rows = page.query_selector_all("#detail table.lines tr")
        outlets = {r.query_selector("td div").inner_text() for r in rows}
        assert len(rows) >= 6 and len(outlets) >= 4
        assert page.query_selector_all("#plot .pt.chosen")
        page.select_option("#group", index=2)
        page.click("#more button.term")
        assert page.inner_text("#detail h2")
        _shot(page, "explorer")
        page.fill("#search", "kyiv")
        page.click("#matches button.term:text-is('kyiv')")
        page.click("#detail a[href^='articles/']")
        page.wait_for_load_state("load")
        assert "/articles/" in page.url
        browser.close()
    assert problems == []
