"""Spiders: `news` crawls outlets from the registry, `urls` fetches given article URLs."""
