"""Each fact in one place: the schema, the layering, the indexes and the dependency pins."""
from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from crawler.items import ArticleItem, exported_field_names
from crawler.storage import NewsDatabase
from crawler.storage.schema import ARTICLE_COLUMN_DESCRIPTIONS, ARTICLE_COLUMNS, DATABASE_COLUMNS
from extractors.cleaning import parse_html
from extractors.cms import FAMILIES, family_for_page
from extractors.decoding import decode_html
from extractors.record import ArticleRecord

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "datasets" / "gold"
SOURCE_DIRS = ("crawler", "extractors", "datasets")


def test_article_columns_come_from_the_record_and_the_item():
    record_fields = [f.name for f in fields(ArticleRecord) if f.metadata["stored"]]
    assert issubclass(ArticleItem, ArticleRecord)
    assert list(ARTICLE_COLUMNS)[: len(record_fields)] == record_fields
    # Facts rows have their own tables.
    assert not {"entities", "agreements"} & set(ARTICLE_COLUMNS)
    assert {"regions", "countries", "keywords"} <= set(ARTICLE_COLUMNS)
    stored = [f.name for f in fields(ArticleItem) if f.metadata["stored"]]
    assert list(ARTICLE_COLUMNS) == stored + list(DATABASE_COLUMNS)
    assert set(ARTICLE_COLUMN_DESCRIPTIONS) == set(ARTICLE_COLUMNS)
    assert all(description.strip() for description in ARTICLE_COLUMN_DESCRIPTIONS.values())
    assert ARTICLE_COLUMNS["authors"] is str and "story_features" not in ARTICLE_COLUMNS
    assert ARTICLE_COLUMNS["version"] is int


def test_exports_leave_out_signatures_and_index_terms():
    exported = exported_field_names()
    assert "story_features" not in exported and "index_body" not in exported
    assert {"url", "title", "body", "published_at", "site", "story_id"} <= set(exported)


def test_database_columns_match_the_schema(tmp_path):
    database = NewsDatabase(tmp_path / "news.db")
    assert [column.name for column in database.db["articles"].columns] == list(ARTICLE_COLUMNS)


def test_every_cms_family_has_a_gold_page():
    covered: dict[str, list[str]] = {name: [] for name in FAMILIES}
    for gold_file in sorted((GOLD_DIR / "gold").glob("*.json")):
        import json

        gold = json.loads(gold_file.read_text("utf-8"))
        html = (GOLD_DIR / "html" / gold["file"]).read_bytes()
        family = family_for_page(gold["url"], parse_html(decode_html(html, None).text))
        covered[family.name].append(gold_file.stem)
    assert all(covered.values()), {name: pages for name, pages in covered.items() if not pages}


@pytest.mark.parametrize("query, parameters", [
    ("select url, content_hash, version, story_id from articles where url = ?", ["x"]),
    ("select url, content_hash, version, story_id from articles where fetched_url = ? limit 1", ["x"]),
    ("select url from articles where content_hash = ? and site = ? and url != ? limit 1", ["h", "s", "x"]),
    ("select * from pages_seen where url = ?", ["x"]),
])
def test_hot_path_lookups_use_an_index(tmp_path, query, parameters):
    database = NewsDatabase(tmp_path / "news.db")
    plan = " ".join(row[3] for row in database.db.execute(f"explain query plan {query}", parameters))
    assert "USING" in plan and "INDEX" in plan, plan
    assert not re.search(r"\bSCAN (articles|pages_seen)\b(?! USING)", plan), plan


def test_hot_path_queries_are_the_ones_the_database_runs():
    source = (ROOT / "crawler" / "storage" / "database.py").read_text("utf-8")
    for query in ("from articles where url = ?", "from articles where fetched_url = ? limit 1",
                  "where content_hash = ? and site = ? and url != ? limit 1", "select * from pages_seen where url = ?"):
        assert query in source, query


def imported_modules(directory: Path) -> dict[str, set[str]]:
    """Top-level module names imported by each Python file under a directory."""
    found: dict[str, set[str]] = {}
    for path in directory.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_extractors_never_import_scrapy_or_the_crawler():
    for path, names in imported_modules(ROOT / "extractors").items():
        assert not names & {"scrapy", "crawler", "twisted"}, path


def test_storage_and_the_datasette_plugin_never_import_scrapy():
    for directory in ("crawler/storage", "crawler/datasette_plugin"):
        for path, names in imported_modules(ROOT / directory).items():
            assert not names & {"scrapy", "twisted"}, path


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return {re.split(r"[=<>\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-") for requirement in requirements}


def test_every_import_is_declared_and_every_pin_is_used():
    distributions_of = importlib.metadata.packages_distributions()
    local = {"crawler", "extractors", "tests", "conftest", "build", "handwritten", "from_mirror"}
    imported: set[str] = set()
    for directory in (*SOURCE_DIRS, "tests"):
        for names in imported_modules(ROOT / directory).values():
            imported |= names
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name not in local}
    used = set()
    for module in third_party:
        owners = {owner.lower().replace("_", "-") for owner in distributions_of.get(module, [])}
        assert owners, f"{module} is imported but no installed distribution provides it"
        assert owners & declared_distributions(), f"{module} ({', '.join(owners)}) is imported but not pinned"
        used |= owners
    # Pins needed without an import of their own: the Kiwi model files, the
    # time zone data, the Scrapy/Playwright bridge named in settings and the
    # Playwright driver it runs, pytest's timeout plugin, and the Datasette
    # plugins Datasette loads through their entry points (the charts
    # dashboard and the two plugins it requires).
    used_without_import = {"kiwipiepy-model", "tzdata", "scrapy-playwright", "playwright", "pytest-timeout", "pytest",
                           "datasette-dashboards", "datasette-leaflet", "datasette-render-markdown"}
    unused = declared_distributions() - used - used_without_import
    assert not unused, f"pinned but never imported: {sorted(unused)}"
