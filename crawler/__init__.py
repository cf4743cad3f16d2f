"""The Scrapy project: spiders, pipelines, middlewares and the crawl state (glue),
the outlet registry and link discovery, storage/ (the SQLite database),
datasette_plugin/ (the Datasette plugin) and tools/ (demo, bench, cron, mirror)."""
from pathlib import Path

# The repository checkout: scrapy.cfg, datasets/ and the default news.db live here.
REPO_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = REPO_ROOT / "datasets"
