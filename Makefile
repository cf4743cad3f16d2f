# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= news.db

.PHONY: install demo serve screenshots test fuzz check crawl bench mirror check-outlets clean

# Reinstalled whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Crawl the bundled offline mirror into $(DB) and print a summary.
demo: install
	$(BIN)/python -m crawler.tools.demo --db $(DB) --fresh

## Explore the database in Datasette on http://127.0.0.1:8001/ (Korean search, reading view, stories, charts).
## Any file works: make serve DB=other.db
serve: install
	$(BIN)/datasette serve $(DB) --host 127.0.0.1 --port 8001 --metadata datasets/datasette/metadata.yml --setting default_page_size 50

## Retake the README's Datasette screenshots from $(DB) in headless Chromium.
screenshots: install
	$(BIN)/python -m crawler.tools.screenshots --db $(DB) --out datasets/screenshots

## Install and run the whole test suite.
test: install
	$(BIN)/python -m pytest -q

## The long fuzz run of the extractor (3,000 examples per property; CI runs 100).
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:logging tests/test_fuzz.py

## Check $(DB): SQLite's integrity check, and repair articles missing a search-index, version or story row.
check: install
	$(BIN)/python -m crawler.storage.repair $(DB)

## The cron entry: crawl the real outlets of datasets/outlets.csv (needs internet).
crawl: install
	$(BIN)/news-cron-crawl --db $(DB)

## Print the benchmark figures (extraction speed and quality, crawl throughput, tokenizer speed).
bench: install
	$(BIN)/python -m crawler.tools.bench

## Rebuild the mirror sites from datasets/mirror/stories/.
mirror: install
	$(BIN)/python datasets/mirror/build.py

check-outlets: install
	$(BIN)/python -m crawler.outlets check

clean:
	rm -f $(DB) $(DB)-wal $(DB)-shm $(DB).lock
