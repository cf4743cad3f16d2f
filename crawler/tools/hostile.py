"""Serve the hostile-input suite (`datasets/hostile/cases.yaml`) on loopback.

One HTTP server on 127.0.0.1 plays an outlet on the public web, "위험일보" at
http://news.hostile.example:<port>/. Every case is one response: an article
in a lying charset, a gzip bomb, a redirect into the cloud's metadata
address, a server that trickles one byte a second... The crawl reaches the
made-up host names through `LoopbackResolver` (the TWISTED_DNS_RESOLVER setting),
which maps exactly those names to 127.0.0.1 and resolves nothing else, so
the suite never sends a packet off this machine.

    python -m crawler.tools.hostile serve --registry-out /tmp/hostile-outlets.csv
    scrapy crawl news -s OUTLETS_FILE=/tmp/hostile-outlets.csv \\
        -s TWISTED_DNS_RESOLVER=crawler.tools.hostile.LoopbackResolver \\
        -s NEWS_LOOPBACK_HOSTS="news.hostile.example other.hostile.example"

tests/test_hostile.py crawls it and checks every case's expected outcome.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import html
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from crawler import DATASETS_DIR
from crawler.outlets import COLUMNS

HOSTILE_DIR = DATASETS_DIR / "hostile"
LOOPBACK = "127.0.0.1"
MEGABYTE = 1024 * 1024


@dataclass
class HostileCase:
    name: str
    path: str
    response: dict
    expect: dict
    text: dict = field(default_factory=dict)
    feed: list[str] | None = None

    @property
    def feed_paths(self) -> list[str]:
        return [self.path] if self.feed is None else list(self.feed)


@dataclass
class HostileSuite:
    outlet: dict
    cases: list[HostileCase]
    directory: Path

    @classmethod
    def load(cls, directory: Path = HOSTILE_DIR) -> "HostileSuite":
        data = yaml.safe_load((directory / "cases.yaml").read_text("utf-8"))
        return cls(outlet=data["outlet"], cases=[HostileCase(**case) for case in data["cases"]], directory=directory)

    @property
    def host_names(self) -> list[str]:
        return [self.outlet["host"], *self.outlet.get("other_hosts", ())]

    def case_at(self, path: str) -> HostileCase | None:
        return next((case for case in self.cases if case.path == path), None)


# -- responses -------------------------------------------------------------------


def render_article(suite: HostileSuite, case: HostileCase) -> str:
    """The case's article page from datasets/hostile/article.html, with the case's hostile parts."""
    options = case.response
    text = case.text
    paragraphs = [f"    <p>{html.escape(line)}</p>" for line in text["paragraphs"]]
    if options.get("paragraph_html"):
        paragraphs.insert(1, f"    <p>{options['paragraph_html']}</p>")
    body = "\n".join(paragraphs)
    if options.get("nested_divs_around"):
        depth = int(options["nested_divs_around"])
        body = "<div>" * depth + body + "</div>" * depth
    if options.get("nested_divs_after"):
        depth = int(options["nested_divs_after"])
        body += "\n" + "<div>" * depth + "광고" + "</div>" * depth
    meta_charset = options.get("meta_charset", "utf-8")
    template = (suite.directory / "article.html").read_text("utf-8")
    return template.format(
        meta_charset=f'<meta charset="{meta_charset}">\n' if meta_charset else "",
        title=options.get("title_html") or html.escape(text["title"]),
        heading=options.get("heading_html") or html.escape(text["title"]),
        day=int(case.path.rsplit("=", 1)[-1]) % 28 + 1,
        head_extra="",
        paragraphs=body,
    )


def article_bytes(suite: HostileSuite, case: HostileCase) -> bytes:
    page = render_article(suite, case).encode(case.response.get("encoding", "utf-8"), errors="xmlcharrefreplace")
    if case.response.get("invalid_bytes"):
        # A stray 0xFF and a cut-off three-byte sequence inside the first paragraph.
        marker = "<p>".encode()
        at = page.index(marker, page.index(b"article-view-content-div")) + len(marker)
        page = page[:at] + b"\xff\xfe" + "가".encode()[:2] + b" " + page[at:]
    return page


def gzip_bomb(unpacked_mb: int) -> bytes:
    """`unpacked_mb` MB of zeros as a gzip stream of 1 MB members: small on the wire, huge unpacked."""
    member = gzip.compress(b"\0" * MEGABYTE, compresslevel=9)
    return member * unpacked_mb


def feed_xml(suite: HostileSuite, base_url: str) -> bytes:
    items = "".join(
        f"<item><title>{html.escape(case.name)}</title><link>{html.escape(base_url + path)}</link></item>\n"
        for case in suite.cases for path in case.feed_paths)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>위험일보</title>'
            f"<link>{base_url}/</link>\n{items}</channel></rss>\n").encode("utf-8")


class HostileRequestHandler(BaseHTTPRequestHandler):
    server_group: "HostileServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature from the base class
        pass

    def do_GET(self) -> None:
        group = self.server_group
        parts = urlsplit(self.path)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        group.log_request(self.headers.get("Host", ""), target)
        try:
            if parts.path == "/robots.txt":
                self.send_body(200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif parts.path == "/rss/allArticle.xml":
                self.send_body(200, feed_xml(group.suite, group.base_url), "application/rss+xml; charset=utf-8")
            elif parts.path == "/news/list.html":
                self.send_body(200, "<html><body><h1>전체기사</h1></body></html>".encode(), "text/html; charset=utf-8")
            else:
                case = group.suite.case_at(target)
                if case is None:
                    self.send_body(404, b"<h1>404</h1>", "text/html; charset=utf-8")
                else:
                    getattr(self, f"respond_{case.response['kind']}")(case)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the crawler gave up on this response, as it should

    def send_body(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(body)

    # One method per response kind named in cases.yaml.

    def respond_article(self, case: HostileCase) -> None:
        content_type = case.response.get("content_type", "text/html; charset=utf-8")
        self.send_body(200, article_bytes(self.server_group.suite, case), content_type)

    def respond_article_file(self, case: HostileCase) -> None:
        self.respond_file(case)

    def respond_file(self, case: HostileCase) -> None:
        body = (self.server_group.suite.directory / "files" / case.response["file"]).read_bytes()
        self.send_body(200, body, case.response.get("content_type", "text/html; charset=utf-8"))

    def respond_raw(self, case: HostileCase) -> None:
        self.send_body(200, case.response["body"].encode("utf-8"), case.response["content_type"])

    def respond_random_bytes(self, case: HostileCase) -> None:
        # Seeded by the case name, so a case always sends the same bytes.
        body = random.Random(case.name).randbytes(int(case.response["size"]))
        self.send_body(200, body, case.response["content_type"])

    def respond_status(self, case: HostileCase) -> None:
        status = int(case.response["status"])
        self.send_body(status, f"<h1>{status}</h1>".encode(), "text/html; charset=utf-8",
                       case.response.get("headers"))

    def respond_redirect(self, case: HostileCase) -> None:
        location = case.response["location"].replace("{port}", str(self.server_group.port))
        self.send_body(302, b"", "text/html", {"Location": location})

    def respond_gzip_bomb(self, case: HostileCase) -> None:
        self.send_body(200, self.server_group.bomb(int(case.response["unpacked_mb"])), "text/html; charset=utf-8",
                       {"Content-Encoding": "gzip"})

    def respond_huge(self, case: HostileCase) -> None:
        size = int(case.response["size"])
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if case.response.get("content_length"):
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")  # the body ends when the connection does
            self.close_connection = True
        self.end_headers()
        chunk = ("<p>" + "광고 " * 5000 + "</p>\n").encode()
        for _ in range(size // len(chunk) + 1):
            self.wfile.write(chunk)

    def respond_trickle(self, case: HostileCase) -> None:
        seconds = int(case.response["seconds"])
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(seconds))
        self.end_headers()
        for _ in range(seconds):
            self.wfile.write(b" ")
            self.wfile.flush()
            time.sleep(1)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # The crawler hangs up on slow, huge and refused responses on purpose.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class HostileServer:
    def __init__(self, directory: Path = HOSTILE_DIR):
        self.suite = HostileSuite.load(directory)
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._bombs: dict[int, bytes] = {}
        self._server: QuietServer | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.suite.outlet['host']}:{self.port}"

    def start(self) -> "HostileServer":
        handler = type("Handler", (HostileRequestHandler,), {"server_group": self})
        self._server = QuietServer((LOOPBACK, 0), handler)
        threading.Thread(target=self._server.serve_forever, name="hostile", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "HostileServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_request(self, host: str, target: str) -> None:
        with self._lock:
            self.requests.append((host, target))

    def bomb(self, unpacked_mb: int) -> bytes:
        with self._lock:
            if unpacked_mb not in self._bombs:
                self._bombs[unpacked_mb] = gzip_bomb(unpacked_mb)
            return self._bombs[unpacked_mb]

    def crawl_settings(self) -> dict[str, str]:
        """The scrapy settings that route the made-up host names to this server, and nowhere else."""
        return {"TWISTED_DNS_RESOLVER": "crawler.tools.hostile.LoopbackResolver",
                "NEWS_LOOPBACK_HOSTS": " ".join(self.suite.host_names)}

    def write_registry(self, destination: Path) -> Path:
        outlet = self.suite.outlet
        row = {column: "" for column in COLUMNS}
        row.update(key=outlet["key"], name=outlet["name"], region=outlet["region"], homepage=self.base_url + "/",
                   cms=outlet["cms"], needs_js="false", source="fictional outlet in datasets/hostile",
                   feeds=" ".join(self.base_url + path for path in outlet["feeds"]),
                   sitemaps=" ".join(self.base_url + path for path in outlet["sitemaps"]),
                   list_paths=" ".join(outlet["list_paths"]))
        with open(destination, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerow(row)
        return Path(destination)


@implementer(IResolverSimple)
class LoopbackResolver:
    """A Scrapy TWISTED_DNS_RESOLVER that maps the names in NEWS_LOOPBACK_HOSTS to 127.0.0.1 and refuses all others.

    It lets a test outlet look public (so the redirect rules treat it as a
    site on the web) while guaranteeing that no request leaves the machine.
    """

    def __init__(self, reactor, names: list[str]):
        self.reactor = reactor
        self.names = frozenset(name.lower() for name in names)

    @classmethod
    def from_crawler(cls, crawler, reactor):
        return cls(reactor, crawler.settings.get("NEWS_LOOPBACK_HOSTS", "").split())

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's interface
        if name.lower() in self.names:
            return defer.succeed(LOOPBACK)
        return defer.fail(DNSLookupError(f"{name}: not a loopback test host (NEWS_LOOPBACK_HOSTS)"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.tools.hostile", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the suite until interrupted")
    serve.add_argument("--registry-out", type=Path, help="write the hostile outlet's registry here")
    args = parser.parse_args(argv)
    with HostileServer() as server:
        print(f"{server.suite.outlet['key']}: {server.base_url}/ (on {LOOPBACK}:{server.port})", flush=True)
        if args.registry_out:
            server.write_registry(args.registry_out)
            print(f"registry: {args.registry_out}", flush=True)
        for name, value in server.crawl_settings().items():
            print(f"  -s {name}='{value}'")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
