"""`python -m crawler.outlets probe URL` on the mirror's sites, over real HTTP on loopback."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from crawler.outlets import check_registry, load_outlets
from crawler.probe import guess_region, infer_article_pattern, probe, url_shape
from tests.conftest import REPO_ROOT

# What the mirror's own registry says of each site, which the probe must find by looking.
EXPECTED = {
    "hanbit-news": ("articleview_idxno", "경북", "한빛뉴스", False),
    "jeonbuk-saenal": ("article_html_no", "전북", "전북새날신문", False),
    "daegyeong-daily": ("date_path_html", "대구", "대경데일리", False),
    "chungcheong-now": ("generic", "충남", "충청나우", True),
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_probe_finds_family_region_name_and_articles(mirror, key, tmp_path):
    cms, region, name, needs_js = EXPECTED[key]
    report = probe(mirror.url(key, "/"), key=key, timeout=10)
    outlet = report.outlet
    assert (outlet.cms, outlet.region, outlet.name, outlet.needs_js) == (cms, region, name, needs_js)
    registered = next(o for o in load_outlets(mirror.write_registry(tmp_path / "outlets.csv")) if o.key == key)
    assert outlet.url_pattern == registered.url_pattern
    assert outlet.is_article_url(outlet.source)
    assert check_registry([outlet], min_outlets=0, min_per_region=0) == []
    extracted = [article for article in report.articles if article.extracted]
    assert len(extracted) == (0 if needs_js else 2)


def test_probe_command_prints_a_ready_registry_row(mirror):
    homepage = mirror.url("hanbit-news", "/")
    result = subprocess.run([sys.executable, "-m", "crawler.outlets", "probe", homepage, "--key", "hanbit-news"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CMS family: articleview_idxno" in result.stdout
    assert "feed " + mirror.url("hanbit-news", "/rss/allArticle.xml") + ": 10 links, 10 articles" in result.stdout
    row_text = result.stdout.split("Registry row (datasets/outlets.csv):\n", 1)[1]
    row = next(csv.DictReader(io.StringIO(row_text)))
    assert (row["key"], row["homepage"], row["cms"], row["needs_js"]) == ("hanbit-news", homepage, "articleview_idxno",
                                                                       "false")


def test_probe_of_a_dead_homepage_says_so():
    report = probe("http://127.0.0.1:9/", timeout=5)
    assert report.outlet is None and "did not answer" in report.notes[0]


def test_url_shapes_make_article_patterns():
    assert url_shape("http://x.kr/news/1004") == r"/news/\d+$"
    assert url_shape("http://x.kr/news/view.php?mcode=m5&idx=7602") == r"/news/view\.php\?(?:[^#]*&)?idx=\d+"
    assert url_shape("http://x.kr/about.html") is None
    links = [f"http://x.kr/article/{n}" for n in (1610488, 1610490, 1610501)] + ["http://x.kr/section/12"]
    assert infer_article_pattern(links) == (r"/article/\d+$", 3)
    # Too few links of one shape is no pattern.
    assert infer_article_pattern(links[:2])[0] == ""


def test_region_comes_from_the_footer_address():
    assert guess_region("… 본문 서울 … 주소 : 경상북도 포항시 남구 중앙로 1 | 등록번호 경북 아00001") == "경북"
    assert guess_region("대표전화 02-000-0000") == ""
