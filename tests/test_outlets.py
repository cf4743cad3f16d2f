"""The outlet registry: the real CSV is valid, and the check catches each kind of mistake."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.outlets import (
    COLUMNS,
    DEFAULT_OUTLETS_PATH,
    REGIONS,
    Outlet,
    check_file,
    check_registry,
    load_outlets,
    main,
    select_outlets,
    summarize,
)
from extractors.urls import site_host

REPO_ROOT = Path(__file__).resolve().parent.parent


def make_row(**overrides: str) -> dict[str, str]:
    row = {
        "key": "sample-news",
        "name": "샘플뉴스",
        "region": "경북",
        "homepage": "https://www.sample-news.example/",
        "cms": "articleview_idxno",
        "article_hosts": "",
        "article_pattern": "",
        "list_paths": "",
        "feeds": "",
        "sitemaps": "",
        "needs_js": "false",
        "source": "https://www.sample-news.example/news/articleView.html?idxno=123",
        "region_source": "",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def problems_for(tmp_path: Path, rows: list[dict[str, str]]) -> list[str]:
    path = write_csv(tmp_path / "outlets.csv", rows)
    _, problems = check_file(path, min_outlets=0, min_per_region=0)
    return problems


def outlet(**overrides: str) -> Outlet:
    row = make_row(**overrides)
    return Outlet(
        key=row["key"],
        name=row["name"],
        region=row["region"],
        homepage=row["homepage"],
        cms=row["cms"],
        article_hosts=tuple(row["article_hosts"].split()),
        article_pattern=row["article_pattern"],
        list_paths=tuple(row["list_paths"].split()),
        feeds=tuple(row["feeds"].split()),
        sitemaps=tuple(row["sitemaps"].split()),
        needs_js=row["needs_js"] == "true",
        source=row["source"],
    )


# The real registry


def test_real_registry_passes_the_check():
    outlets, problems = check_file(DEFAULT_OUTLETS_PATH)
    assert problems == []
    assert len(outlets) >= 150
    assert {o.region for o in outlets} == set(REGIONS)


def test_real_registry_includes_the_seed_outlets():
    by_domain = {site_host(o.homepage): o for o in load_outlets()}
    newdaily = by_domain["tk.newdaily.co.kr"]
    assert newdaily.cms == "date_path_html"
    assert newdaily.region in ("경북", "대구")
    assert newdaily.is_article_url(newdaily.source)
    mjjnews = by_domain["mjjnews.net"]
    assert mjjnews.region == "전북"
    assert mjjnews.cms == "article_html_no"
    assert mjjnews.source == "http://mjjnews.net/news/article.html?no=6760"


def test_every_real_source_is_an_article_url_of_its_outlet():
    not_recognised = [o.source for o in load_outlets() if not o.is_article_url(o.source)]
    assert not_recognised == []


def test_check_cli_on_real_registry_prints_summary_and_succeeds():
    result = subprocess.run(
        [sys.executable, "-m", "crawler.outlets", "check"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for region in REGIONS:
        assert region in result.stdout
    assert "total" in result.stdout


# The check catches each kind of problem


def test_a_valid_small_registry_has_no_problems(tmp_path):
    assert problems_for(tmp_path, [make_row()]) == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"region": "경상북도"}, "region '경상북도'"),
        ({"cms": "wordpress"}, "cms 'wordpress'"),
        ({"homepage": "www.sample-news.example"}, "homepage"),
        ({"homepage": "https://www.sample-news.example/news/"}, "homepage"),
        ({"needs_js": "yes"}, "needs_js 'yes'"),
        ({"source": ""}, "source is empty"),
        ({"source": "https://other-paper.example/news/articleView.html?idxno=1"}, "on none of the outlet's hosts"),
        ({"source": "https://www.sample-news.example/news/view.php?key=1"}, "does not match the articleview_idxno"),
        ({"article_pattern": r"/main/view\.php\?key=\d+"}, "does not match its article_pattern"),
        ({"article_pattern": "/news/(unclosed"}, "does not compile"),
        ({"key": "Sample News"}, "key must be"),
        ({"name": ""}, "name is empty"),
        ({"feeds": "/rss/allArticle.xml"}, "not an absolute"),
    ],
)
def test_check_reports_schema_problems(tmp_path, overrides, expected):
    problems = problems_for(tmp_path, [make_row(**overrides)])
    assert any(expected in problem for problem in problems), problems


def test_check_reports_duplicate_keys_hosts_and_names(tmp_path):
    first = make_row()
    same_key = make_row(name="다른뉴스", homepage="https://other.example/",
                        source="https://other.example/news/articleView.html?idxno=9")
    same_host = make_row(key="sample-mobile", name="샘플모바일", homepage="https://m.sample-news.example/",
                         source="https://m.sample-news.example/news/articleView.html?idxno=5")
    same_name = make_row(key="third", homepage="https://third.example/",
                         source="https://third.example/news/articleView.html?idxno=7")
    problems = problems_for(tmp_path, [first, same_key, same_host, same_name])
    assert any(p.startswith("duplicate key 'sample-news'") for p in problems), problems
    assert any(p.startswith("duplicate host 'sample-news.example'") for p in problems), problems
    assert any(p.startswith("duplicate name '샘플뉴스'") for p in problems), problems


def test_check_reports_uncovered_regions_and_a_small_registry():
    outlets = [outlet(key=f"paper-{n}", region="제주") for n in range(3)]
    problems = check_registry(outlets, min_outlets=150)
    assert not any(problem.startswith("region 제주") for problem in problems)
    assert "region 서울 has 0 outlets (minimum 1)" in problems
    assert "registry has 3 outlets (minimum 150)" in problems


def test_minimums_are_parameters():
    outlets = [outlet()]
    assert check_registry(outlets, min_outlets=1, min_per_region=0) == []


def test_missing_columns_are_an_error_not_a_silent_default(tmp_path):
    path = write_csv(tmp_path / "outlets.csv", [make_row()], columns=COLUMNS[:-1])
    with pytest.raises(ValueError, match="missing columns: region_source"):
        load_outlets(path)


def test_fictional_registry_skips_minimums_and_source_checks(tmp_path, capsys):
    mirror_row = make_row(key="hanbit-news", name="한빛뉴스", homepage="http://hanbit-news.mirror.test/", source="")
    path = write_csv(tmp_path / "outlets.csv", [mirror_row])
    assert main(["check", str(path), "--fictional"]) == 0
    assert main(["check", str(path)]) == 1
    assert "source is empty" in capsys.readouterr().out


# Recognising article URLs


def test_idxno_article_urls():
    paper = outlet()
    assert paper.is_article_url("https://www.sample-news.example/news/articleView.html?idxno=40512")
    assert paper.is_article_url("https://sample-news.example/news/articleView.html?idxno=40512")
    assert paper.is_article_url("https://m.sample-news.example/news/articleView.html?idxno=40512")
    assert not paper.is_article_url("https://www.sample-news.example/news/articleList.html?sc_section_code=S1N1")
    assert not paper.is_article_url("https://www.sample-news.example/")


def test_article_html_no_urls():
    paper = outlet(cms="article_html_no", homepage="http://mjjnews.net/",
                   source="http://mjjnews.net/news/article.html?no=6760")
    assert paper.is_article_url("http://mjjnews.net/news/article.html?no=6760")
    assert paper.is_article_url("https://www.mjjnews.net/news/article.html?no=57236")
    assert not paper.is_article_url("http://mjjnews.net/news/section.html?sec_no=1")
    assert not paper.is_article_url("http://mjjnews.net/news/article_list_all.html?page=2")


def test_date_path_urls():
    paper = outlet(cms="date_path_html", homepage="http://tk.newdaily.co.kr/",
                   source="http://tk.newdaily.co.kr/site/data/html/2023/11/01/2023110100005.html")
    assert paper.is_article_url("http://tk.newdaily.co.kr/site/data/html/2023/11/01/2023110100005.html")
    assert not paper.is_article_url("http://tk.newdaily.co.kr/news/section_list_all.html?catid=2")
    # Another NewDaily edition is another outlet, even with the same URL shape.
    assert not paper.is_article_url("http://gj.newdaily.co.kr/site/data/html/2023/11/01/2023110100005.html")


def test_other_hosts_are_rejected():
    paper = outlet()
    assert not paper.is_article_url("https://www.other-paper.example/news/articleView.html?idxno=40512")
    assert not paper.is_article_url("https://sample-news.example.evil.test/news/articleView.html?idxno=1")
    assert not paper.is_article_url("ftp://www.sample-news.example/news/articleView.html?idxno=1")


def test_port_must_match_when_the_homepage_has_one():
    paper = outlet(homepage="http://127.0.0.1:8081/", source="http://127.0.0.1:8081/news/articleView.html?idxno=1")
    assert paper.is_article_url("http://127.0.0.1:8081/news/articleView.html?idxno=2")
    assert not paper.is_article_url("http://127.0.0.1:8082/news/articleView.html?idxno=2")


def test_own_pattern_overrides_the_family():
    paper = outlet(cms="generic", article_pattern=r"/news/view\.php\?(?:[^#]*&)?idx=\d+",
                   homepage="http://kbsm.net/", source="http://kbsm.net/news/view.php?idx=440536")
    assert paper.is_article_url("http://kbsm.net/news/view.php?idx=440536")
    # The generic family would accept this, the outlet's own pattern does not.
    assert not paper.is_article_url("http://kbsm.net/news/list.php?mcode=m0000&page=12345")


# Discovery URLs


def test_feed_sitemap_and_list_urls_fall_back_to_the_family():
    paper = outlet()
    assert paper.feed_urls() == ["https://www.sample-news.example/rss/allArticle.xml"]
    assert paper.list_urls() == ["https://www.sample-news.example/news/articleList.html"]
    assert paper.sitemap_urls() == []
    assert paper.family.name == "articleview_idxno"
    assert site_host(paper.homepage) == "sample-news.example"


def test_own_feeds_and_sitemaps_win():
    paper = outlet(feeds="https://www.sample-news.example/rss/S1N1.xml",
                   sitemaps="https://www.sample-news.example/sitemap_news.xml")
    assert paper.feed_urls() == ["https://www.sample-news.example/rss/S1N1.xml"]
    assert paper.sitemap_urls() == ["https://www.sample-news.example/sitemap_news.xml"]


# Selecting outlets


@pytest.fixture
def three_outlets() -> list[Outlet]:
    return [
        outlet(key="kbmaeil", name="경북매일", region="경북", homepage="https://kbmaeil.com/",
               source="https://kbmaeil.com/news/articleView.html?idxno=1"),
        outlet(key="kbsm", name="경북신문", region="경북", homepage="http://kbsm.net/",
               source="http://kbsm.net/news/articleView.html?idxno=1"),
        outlet(key="mjjnews", name="무진장인터넷뉴스", region="전북", cms="article_html_no",
               homepage="http://mjjnews.net/", source="http://mjjnews.net/news/article.html?no=6760"),
    ]


def test_select_by_key_name_and_region(three_outlets):
    assert [o.key for o in select_outlets(three_outlets, outlet="kbsm")] == ["kbsm"]
    assert [o.key for o in select_outlets(three_outlets, outlet="무진장인터넷뉴스")] == ["mjjnews"]
    assert [o.key for o in select_outlets(three_outlets, region="경북")] == ["kbmaeil", "kbsm"]
    assert len(select_outlets(three_outlets)) == 3


def test_unknown_outlet_raises_with_suggestions(three_outlets):
    with pytest.raises(ValueError) as caught:
        select_outlets(three_outlets, outlet="kbmaeli")
    assert "kbmaeil" in str(caught.value)
    with pytest.raises(ValueError) as caught:
        select_outlets(three_outlets, outlet="경북")
    assert "경북매일" in str(caught.value) and "경북신문" in str(caught.value)


def test_outlet_outside_the_chosen_region_is_not_selected(three_outlets):
    with pytest.raises(ValueError, match="in region 전북"):
        select_outlets(three_outlets, outlet="kbsm", region="전북")


def test_unknown_region_raises_listing_the_regions(three_outlets):
    with pytest.raises(ValueError, match="서울 부산 대구"):
        select_outlets(three_outlets, region="경상북도")


def test_summary_counts_per_region_and_family(three_outlets):
    lines = summarize(three_outlets).splitlines()
    assert lines[0].split() == ["region", "outlets", "articleview_idxno", "article_html_no"]
    assert next(line for line in lines if line.startswith("경북")).split() == ["경북", "2", "2", "0"]
    assert next(line for line in lines if line.startswith("전북")).split() == ["전북", "1", "0", "1"]
    assert lines[-1].split() == ["total", "3", "2", "1"]


def test_list_cli_filters_by_region(capsys):
    assert main(["list", "--region", "전북"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed and all(line.startswith("전북\t") for line in printed)
    assert any("\tmjjnews\t" in line for line in printed)
