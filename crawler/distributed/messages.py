"""What workers send the writer: one JSON object per message on the items list.

Kinds, each handled by one method of `crawler.distributed.writer.Writer`:

- `sites`: the outlets a crawl covers (the `sites` table);
- `run_started` / `run_finished`: a worker's crawl run (`crawl_runs`);
- `page`: what a worker remembered of a page (`pages_seen`);
- `failure`: a page that could not become an article (`failures`);
- `article`: an extracted, validated article, still to be deduplicated,
  analysed, grouped into a story and stored.

Every message names the worker's run (`run`), so the writer adds what it
counts (new, updated, duplicates) to that run.
"""
from __future__ import annotations

import json
from dataclasses import fields

from crawler.items import ArticleItem
from extractors.record import Image

ARTICLE_FIELDS = frozenset(field.name for field in fields(ArticleItem))


def encode(kind: str, **content) -> bytes:
    return json.dumps({"kind": kind, **content}, ensure_ascii=False, sort_keys=True).encode("utf-8")


def decode(raw: bytes) -> dict:
    return json.loads(raw)


def article_content(item: ArticleItem) -> dict:
    """An item's fields as JSON values (no analysis yet: the writer runs Kiwi, stories and facts)."""
    content = item.to_dict()
    if content.get("story_features") is not None:
        raise ValueError("an article sent to the writer carries no story features; the writer computes them")
    return content


def article_from_content(content: dict) -> ArticleItem:
    values = {name: value for name, value in content.items() if name in ARTICLE_FIELDS}
    values["images"] = [Image(**image) for image in values.get("images") or []]
    return ArticleItem(**values)
