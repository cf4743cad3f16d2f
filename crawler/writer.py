"""`python -m crawler.writer`: see crawler/distributed/writer.py."""
from crawler.distributed.writer import main

if __name__ == "__main__":
    raise SystemExit(main())
