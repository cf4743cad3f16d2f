"""Storage: the SQLite database a crawl writes and Datasette reads (no Scrapy import)."""
from crawler.storage.database import NewsDatabase, StoredArticle, utc_now

__all__ = ["NewsDatabase", "StoredArticle", "utc_now"]
