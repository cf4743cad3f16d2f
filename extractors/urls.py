"""One definition of "the same site" and of an article's canonical URL.

Korean outlets serve one site under several host names: `www.`, `m.` and
`mobile.` are the same paper, and so are the same host under http and https.
Every place that compares hosts (the registry, the spiders, the pipelines)
calls these functions, so the rule is written once.

Canonical URLs drop what does not name the article: the fragment, tracking
and session parameters, and the order of the query (w3lib sorts it); given
the outlet's homepage, they also take its scheme and host. The crawl also
asks here whether an address is private (redirect rules).
"""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Host prefixes that name the same site as the bare domain.
SAME_SITE_HOST_PREFIXES: tuple[str, ...] = ("www.", "m.", "mobile.")
# Query parameters that track a click or a session, never the article itself.
TRACKING_PARAMETER = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_[ce]id|_ga|ref|referer|from|"
    r"phpsessid|jsessionid|sid|sessionid|cfid|cftoken)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def site_host(url_or_host: str) -> str:
    """The host that names a site: lower case, no alias prefix, no default port.

    A non-default port is kept, because two loopback test sites differ only
    by port.
    """
    text = (url_or_host or "").strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host, port = (parts.hostname or "").rstrip("."), parts.port
    except ValueError:
        return ""
    for prefix in SAME_SITE_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    if port is not None and port != DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{port}"
    return host


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_private_address(url: str) -> bool:
    """Whether a URL's host is this machine or a private network (loopback, link-local, RFC 1918...).

    Catches the spellings a resolver accepts for an IPv4 address too
    (`2130706433`, `127.1`, `0x7f.0.0.1`). A host name is judged by its name
    only (`localhost`); resolving it is the network's business.
    """
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not re.fullmatch(r"[0-9a-fx.]+", host) or not any(ch.isdigit() for ch in host):
            return False
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return False
    return not address.is_global


def same_site(url_a: str, url_b: str) -> bool:
    """Whether two URLs are on one site (www./m./mobile. and http/https alike)."""
    if not (is_web_url(url_a) and is_web_url(url_b)):
        return False
    return site_host(url_a) == site_host(url_b)


def is_tracking_parameter(name: str) -> bool:
    return TRACKING_PARAMETER.match(name) is not None


def canonical_url(url: str, home: str | None = None) -> str:
    """The form under which an article is scheduled, requested, recognised and stored.

    Fragment and tracking/session parameters dropped, query sorted, host in
    lower case, default port removed. With `home` (the outlet's homepage in
    the registry), a URL on the same site (`www.`/`m.`/`mobile.`, http or
    https) takes the homepage's scheme and host: the registry entry names
    the one address under which the outlet's pages are kept.
    """
    if not is_web_url(url):
        return url
    url = url.strip()
    names = [pair.split("=", 1)[0] for pair in urlsplit(url).query.split("&") if pair]
    tracking = [name for name in names if is_tracking_parameter(name)]
    cleaned = url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=False) if tracking else url
    parts = urlsplit(canonicalize_url(cleaned, keep_fragments=False))
    if home and is_web_url(home) and same_site(url, home):
        home_parts = urlsplit(home)
        parts = parts._replace(scheme=home_parts.scheme, netloc=home_parts.netloc.lower())
    if parts.port is not None and parts.port == DEFAULT_PORTS.get(parts.scheme):
        parts = parts._replace(netloc=parts.hostname or "")
    return urlunsplit(parts)
