"""One article, one URL: canonical URLs, and the redirect rules that keep a crawl on the web.

The crawl-level proof (three URLs of one article: one download, one row, one
pages_seen entry) is the `same-article-under-three-urls` case of
tests/test_hostile.py.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.middlewares import redirect_refusal
from extractors.urls import canonical_url, is_private_address

ARTICLE = "https://www.hanbit.example/news/articleView.html?idxno=5"
HOME = "https://www.hanbit.example/"


@pytest.mark.parametrize("variant", [
    "https://www.hanbit.example/news/articleView.html?idxno=5&utm_source=feed&utm_medium=rss",
    "https://www.hanbit.example/news/articleView.html?utm_campaign=x&idxno=5",
    "https://www.hanbit.example/news/articleView.html?idxno=5#comments",
    "https://www.hanbit.example/news/articleView.html?fbclid=abc&idxno=5&PHPSESSID=123",
    "https://WWW.Hanbit.Example:443/news/articleView.html?idxno=5",
])
def test_tracking_session_fragment_case_and_port_do_not_name_another_article(variant):
    assert canonical_url(variant) == ARTICLE


def test_the_query_is_sorted_and_article_parameters_kept():
    assert canonical_url("http://a.example/list.html?sc_section_code=S1N2&page=2") == \
        "http://a.example/list.html?page=2&sc_section_code=S1N2"


@pytest.mark.parametrize("variant", [
    "http://hanbit.example/news/articleView.html?idxno=5",
    "https://m.hanbit.example/news/articleView.html?idxno=5",
    "http://mobile.hanbit.example/news/articleView.html?idxno=5&utm_source=x",
])
def test_the_registry_homepage_names_the_host_of_www_m_and_http_variants(variant):
    assert canonical_url(variant, HOME) == ARTICLE


def test_other_hosts_are_not_folded_onto_the_homepage():
    other = "https://news.hanbit.example/view/5"
    assert canonical_url(other, HOME) == other
    assert canonical_url("https://elsewhere.example/a?utm_source=x", HOME) == "https://elsewhere.example/a"


def test_non_web_urls_are_left_alone():
    assert canonical_url("mailto:desk@hanbit.example") == "mailto:desk@hanbit.example"


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(["idxno=5", "page=2", "utm_source=x", "fbclid=1", "sid=9", "a=%EA%B0%80", "b="]),
                max_size=6), st.sampled_from(["", "#top", "#"]), st.sampled_from(["http", "https"]),
       st.sampled_from(["www.", "m.", ""]))
def test_canonical_form_is_stable(parameters, fragment, scheme, prefix):
    url = f"{scheme}://{prefix}hanbit.example/news/articleView.html?{'&'.join(parameters)}{fragment}"
    once = canonical_url(url, HOME)
    assert canonical_url(once, HOME) == once
    assert "#" not in once and "utm_" not in once and "fbclid" not in once
    assert once.startswith("https://www.hanbit.example/")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://[::1]/",
    "http://localhost/", "http://2130706433/", "http://127.1/", "http://0x7f.0.0.1/", "http://192.168.0.1/",
])
def test_private_addresses_in_every_spelling(url):
    assert is_private_address(url)


@pytest.mark.parametrize("url", ["http://news.example.kr/", "http://8.8.8.8/", "http://face.b00c/", "http://abc.de/"])
def test_public_hosts(url):
    assert not is_private_address(url)


PUBLIC = "http://news.example.kr/news/articleView.html?idxno=1"
LOCAL = "http://127.0.0.1:18301/news/articleView.html?idxno=1"


@pytest.mark.parametrize("origin, target, refused", [
    (PUBLIC, "http://169.254.169.254/latest/meta-data/", "from a public site to a private address"),
    (PUBLIC, "http://127.0.0.1/admin", "from a public site to a private address"),
    (PUBLIC, "file:///etc/passwd", "to a file: address"),
    (PUBLIC, "ftp://news.example.kr/a", "to a ftp: address"),
    (LOCAL, "file:///etc/passwd", "to a file: address"),
    (PUBLIC, "https://news.example.kr/news/articleView.html?idxno=1", None),
    (PUBLIC, "https://other.example.com/", None),
    # A local outlet (the offline mirror) may redirect within this machine.
    (LOCAL, "http://127.0.0.1:18302/news/articleView.html?idxno=2", None),
])
def test_redirect_rules(origin, target, refused):
    reason = redirect_refusal(origin, target)
    if refused is None:
        assert reason is None
    else:
        assert reason.startswith("redirect refused: ") and refused in reason
