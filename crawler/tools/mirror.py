"""Serve the bundled offline mirror (`datasets/mirror/sites/`) on loopback.

Each fictional site gets its own HTTP server on 127.0.0.1 and a free port, so
robots.txt, AutoThrottle slots and URL ownership work per site exactly as they
do on the real web. Files under a site's root are addressed by the rules in
`datasets/mirror/README.md`: a query string becomes `<path>@<sorted query>`.

Absolute links in the files use `http://<site-key>.mirror.test`; they are
rewritten to the live address in every served body, and in the registry the
server writes for the crawler (`--registry-out`).

    python -m crawler.tools.mirror serve --registry-out /tmp/mirror-outlets.csv
"""
from __future__ import annotations

import argparse
import hashlib
import logging
import random
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from crawler import REPO_ROOT

logger = logging.getLogger(__name__)

DEFAULT_MIRROR_DIR = REPO_ROOT / "datasets" / "mirror"
MIRROR_HOST_PATTERN = re.compile(rb"http://([a-z0-9-]+)\.mirror\.test")

CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".json": "application/json",
    ".js": "application/javascript",
    ".css": "text/css",
    ".txt": "text/plain",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
# A client that hangs up (a timeout, a size limit, Scrapy closing a kept-alive
# connection) is expected, not an error of the mirror.
CLIENT_HANGUPS = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError, TimeoutError)
TEXT_TYPES = ("text/", "application/xml", "application/json", "application/javascript", "application/rss+xml", "image/svg+xml")


def file_name_for_target(path: str, query: str) -> str:
    """The file (relative to a site root) that serves `path?query`."""
    relative = unquote(path).lstrip("/")
    if query:
        pairs = sorted(parse_qsl(query, keep_blank_values=True))
        return relative + "@" + "&".join(f"{key}={value}" for key, value in pairs)
    if relative == "" or relative.endswith("/"):
        return relative + "index.html"
    return relative


@dataclass
class MirrorSite:
    key: str
    root: Path
    charset: str = "utf-8"
    routes: dict = field(default_factory=dict)
    port: int = 0

    @classmethod
    def load(cls, root: Path) -> "MirrorSite":
        config = {}
        if (root / "_site.yaml").exists():
            config = yaml.safe_load((root / "_site.yaml").read_text("utf-8")) or {}
        routes = {}
        if (root / "_routes.yaml").exists():
            routes = yaml.safe_load((root / "_routes.yaml").read_text("utf-8")) or {}
        return cls(key=root.name, root=root, charset=config.get("charset", "utf-8"), routes=routes)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def resolve(self, path: str, query: str) -> Path | None:
        name = file_name_for_target(path, query)
        candidate = (self.root / name).resolve()
        if self.root.resolve() not in candidate.parents:
            return None  # path traversal
        if candidate.is_file():
            return candidate
        if not query and not Path(name).suffix:
            with_html = candidate.with_name(candidate.name + ".html")
            if with_html.is_file():
                return with_html
        return None

    def content_type_for(self, file_path: Path) -> str:
        # The type comes from the URL path part, before any "@query".
        suffix = Path(file_path.name.split("@", 1)[0]).suffix.lower()
        if file_path.parent.name == "rss" and suffix == ".xml":
            base = "application/rss+xml"
        else:
            base = CONTENT_TYPES.get(suffix, "application/octet-stream")
        if base.startswith(TEXT_TYPES):
            return f"{base}; charset={self.charset}"
        return base


class QuietHTTPServer(ThreadingHTTPServer):
    """A site's server that reports hang-ups only when asked (`verbose`).

    The standard server prints a traceback to stderr for every client that
    resets its connection, which buried `make bench`'s tables.
    """

    verbose = False

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, CLIENT_HANGUPS):
            logger.log(logging.INFO if self.verbose else logging.DEBUG, "client %s hung up: %r", client_address, error)
            return
        logger.warning("mirror request from %s failed", client_address, exc_info=True)


class MirrorServer:
    """All mirror sites, each on its own QuietHTTPServer; `verbose` logs every request and hang-up."""

    def __init__(self, mirror_dir: Path = DEFAULT_MIRROR_DIR, host: str = "127.0.0.1", base_port: int = 0,
                 verbose: bool = False):
        self.mirror_dir = Path(mirror_dir)
        self.host = host
        self.verbose = verbose
        # 0: free ports chosen by the OS (tests). A base port gives every site a
        # stable address (base, base+1, ...) so a demo database keeps its URLs
        # across runs; a busy port falls back to a free one.
        self.base_port = base_port
        sites_dir = self.mirror_dir / "sites"
        if not sites_dir.is_dir():
            raise FileNotFoundError(f"no mirror sites under {sites_dir}")
        self.sites = {
            root.name: MirrorSite.load(root) for root in sorted(sites_dir.iterdir()) if root.is_dir()
        }
        self._servers: list[QuietHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self.request_log: list[tuple[str, str, int]] = []
        self._log_lock = threading.Lock()

    def start(self) -> "MirrorServer":
        for index, site in enumerate(self.sites.values()):
            handler = type(f"Handler_{site.key}", (MirrorRequestHandler,), {"site": site, "server_group": self})
            server = self.bind(handler, self.base_port + index if self.base_port else 0)
            server.daemon_threads = True
            server.verbose = self.verbose
            site.port = server.server_address[1]
            thread = threading.Thread(target=server.serve_forever, name=f"mirror-{site.key}", daemon=True)
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        return self

    def bind(self, handler, port: int) -> QuietHTTPServer:
        try:
            return QuietHTTPServer((self.host, port), handler)
        except OSError:
            if not port:
                raise
            logger.warning("port %s is busy; serving on a free port instead", port)
            return QuietHTTPServer((self.host, 0), handler)

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> "MirrorServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def rewrite(self, body: bytes) -> bytes:
        def live_address(match: re.Match) -> bytes:
            site = self.sites.get(match.group(1).decode())
            return site.base_url.encode() if site else match.group(0)

        return MIRROR_HOST_PATTERN.sub(live_address, body)

    def rewrite_text(self, text: str) -> str:
        return self.rewrite(text.encode("utf-8")).decode("utf-8")

    def url(self, site_key: str, target: str = "/") -> str:
        return self.sites[site_key].base_url + target

    def write_registry(self, destination: Path) -> Path:
        """The mirror's outlet registry with live addresses, for `-s OUTLETS_FILE=`."""
        source = self.mirror_dir / "outlets.csv"
        Path(destination).write_text(self.rewrite_text(source.read_text("utf-8")), "utf-8")
        return Path(destination)

    def log_request(self, site_key: str, target: str, status: int) -> None:
        with self._log_lock:
            self.request_log.append((site_key, target, status))


class MirrorRequestHandler(BaseHTTPRequestHandler):
    site: MirrorSite
    server_group: MirrorServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature from the base class
        level = logging.INFO if self.server_group.verbose else logging.DEBUG
        logger.log(level, "%s %s", self.site.key, format % args)

    def do_HEAD(self) -> None:
        self.handle_target(send_body=False)

    def do_GET(self) -> None:
        self.handle_target(send_body=True)

    def handle_target(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        route = self.site.routes.get(target)
        try:
            if route is not None and self.serve_route(route, send_body):
                return
            file_path = self.site.resolve(parts.path, parts.query)
            if file_path is None:
                self.serve_not_found(send_body)
                return
            content_type = (route or {}).get("content_type") or self.site.content_type_for(file_path)
            self.serve_file(file_path, content_type, send_body)
        except CLIENT_HANGUPS:
            pass  # the client gave up (timeouts, size limits): expected in failure tests
        finally:
            self.server_group.log_request(self.site.key, target, getattr(self, "_status", 0))

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def serve_route(self, route: dict, send_body: bool) -> bool:
        if "delay" in route:
            time.sleep(float(route["delay"]))
        if "redirect" in route:
            self.send_response(302)
            self.send_header("Location", route["redirect"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        if "status" in route:
            body = f"<html><body><h1>{route['status']}</h1></body></html>".encode()
            self.send_bytes(int(route["status"]), body, "text/html; charset=utf-8", send_body)
            return True
        if "huge" in route:
            self.stream_filler(int(route["huge"]), send_body)
            return True
        if "binary" in route:
            # Seeded so the same route always sends the same bytes.
            body = random.Random(route["binary"]).randbytes(int(route["binary"]))
            self.send_bytes(200, body, "text/html; charset=utf-8", send_body)
            return True
        return False  # only a content_type override: serve the file

    def stream_filler(self, size: int, send_body: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if not send_body:
            return
        chunk = ("<p>" + "광고 " * 2000 + "</p>\n").encode()
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)

    def serve_not_found(self, send_body: bool) -> None:
        page = self.site.root / "404.html"
        body = self.server_group.rewrite(page.read_bytes()) if page.is_file() else b"<h1>404 Not Found</h1>"
        self.send_bytes(404, body, f"text/html; charset={self.site.charset}", send_body)

    def serve_file(self, file_path: Path, content_type: str, send_body: bool) -> None:
        body = file_path.read_bytes()
        if content_type.startswith(TEXT_TYPES):
            body = self.server_group.rewrite(body)
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        modified_at = int(file_path.stat().st_mtime)
        if self.is_not_modified(etag, modified_at):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(modified_at, usegmt=True))
            self.end_headers()
            return
        self.send_bytes(200, body, content_type, send_body, extra_headers={
            "ETag": etag,
            "Last-Modified": formatdate(modified_at, usegmt=True),
        })

    def is_not_modified(self, etag: str, modified_at: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                return modified_at <= parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def send_bytes(self, status: int, body: bytes, content_type: str, send_body: bool, extra_headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.tools.mirror", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve every mirror site until interrupted")
    serve.add_argument("--mirror-dir", type=Path, default=DEFAULT_MIRROR_DIR)
    serve.add_argument("--registry-out", type=Path, help="write the outlet registry with live addresses here")
    serve.add_argument("--base-port", type=int, default=0, help="serve sites on this port and the next ones")
    serve.add_argument("--verbose", action="store_true", help="log every request and every client hang-up")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    server = MirrorServer(args.mirror_dir, base_port=args.base_port, verbose=args.verbose).start()
    for site in server.sites.values():
        print(f"{site.key}: {site.base_url}/", flush=True)
    if args.registry_out:
        server.write_registry(args.registry_out)
        print(f"registry: {args.registry_out}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
