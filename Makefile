# framing: `make help` lists the targets. Every target sets up .venv itself when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help report test lab ingest bench extraction clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask,fast,lab]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (framing)" >/dev/null
	@touch $(STAMP)

report: $(STAMP) ## the main job: build reports/sample/ from the bundled sample (data/raw/sample)
	$(BIN)/framing report --out reports

test: $(STAMP) ## run the test suite (on every core, at most four workers)
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## benchmarks against the CountVectorizer baseline (SIZES="10000 100000"), writes docs/benchmarks.md
	$(BIN)/python benchmarks/run.py --sizes $(or $(SIZES),10000)

extraction: $(STAMP) ## body extraction on ../shared/extraction-devset (held-out sites) and the hand labels, writes docs/extraction.md
	$(BIN)/python benchmarks/extraction.py --out docs/extraction.md

ingest: $(STAMP) ## ingest RAW=folder into data/processed (default: the sample)
	$(BIN)/framing ingest $(or $(RAW),data/raw/sample) --out data/processed

clean: ## remove the virtual environment and generated files
	rm -rf $(VENV) .venv-bench build src/*.egg-info .pytest_cache .hypothesis data/processed/*.parquet data/processed/*.csv reports
