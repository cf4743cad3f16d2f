"""`python -m crawler.enqueue`: see crawler/distributed/enqueue.py."""
from crawler.distributed.enqueue import main

if __name__ == "__main__":
    raise SystemExit(main())
