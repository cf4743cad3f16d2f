"""Distributed mode: many `scrapy crawl news` workers, one Redis, one writer.

    -s REDIS_URL=redis://host:6379/0      switches any crawl to this mode

Modules, one concern each:

- `keys`: the Redis connection and every key name (one place);
- `addon`: the Scrapy add-on that applies settings.DISTRIBUTED_SETTINGS when
  REDIS_URL is set;
- `frontier`: scrapy-redis's scheduler and dupefilter, adapted to current
  Scrapy, with an in-flight list per worker so a killed worker loses nothing;
- `politeness`: one shared delay per outlet across every worker;
- `state`: the crawl state of a worker (pages seen in Redis, everything the
  database must hold sent to the writer) and the pipeline that pushes items;
- `messages`: what workers send to the writer, as JSON;
- `writer`: `python -m crawler.writer`, the only process that writes SQLite;
- `enqueue`: `python -m crawler.enqueue`, which starts a crawl.
"""
