"""Command line: `python -m extractors extract PAGE.html --url URL` (or `-` for stdin)."""
from __future__ import annotations

import argparse
import json
import sys

from extractors import ExtractionError, extract_article


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractors")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print the article record of one saved page as JSON")
    extract.add_argument("page", help="path to the HTML file, or - for stdin")
    extract.add_argument("--url", required=True, help="the page's URL (used for dates in the path and relative links)")
    extract.add_argument("--content-type", default=None, help="the HTTP Content-Type header, if known (for the charset)")
    args = parser.parse_args(argv)
    raw = sys.stdin.buffer.read() if args.page == "-" else open(args.page, "rb").read()
    try:
        record = extract_article(raw, args.url, args.content_type)
    except ExtractionError as error:
        print(f"not an article: {error}", file=sys.stderr)
        return 2
    print(json.dumps(record.to_dict(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
