"""Copies a few pages per offline-mirror site into the gold set, with gold JSON.

    .venv/bin/python datasets/gold/from_mirror.py

The story side of the gold (title, date, reporter, body snippets, captions)
comes from the story's YAML source in datasets/mirror/stories; the
boilerplate side from strings visible on each site's page template, plus
one "most viewed" headline read from the page itself.  Nothing comes from
the extractor.  Re-run after the mirror is rebuilt.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from handwritten import GOLD_DIR, Story, snippets

MIRROR = GOLD_DIR.parent / "mirror"

# (story file, gold file name); a few per site, covering every kind.
CHOSEN = [
    ("sangju-return-farming-expo--hanbit-news.yaml", "m01.html"),
    ("industry-academia-interview--hanbit-news.yaml", "m02.html"),
    ("jukdo-market-chuseok--hanbit-news.yaml", "m03.html"),
    ("yeongdeok-snow-crab-auction--hanbit-news.yaml", "m04.html"),
    ("inno-week-2023--hanbit-news.yaml", "m05.html"),
    ("jeonbuk-gm-uzbekistan-mou--jeonbuk-saenal.yaml", "m06.html"),
    ("honam-chungcheong-food-export-fair--jeonbuk-saenal.yaml", "m07.html"),
    ("wanju-hydrogen-valve-interview--jeonbuk-saenal.yaml", "m08.html"),
    ("muju-heavy-snow-road-closure--jeonbuk-saenal.yaml", "m09.html"),
    ("gunsan-night-heritage-tour-video--jeonbuk-saenal.yaml", "m10.html"),
    ("inno-week-2023--daegyeong-daily.yaml", "m11.html"),
    ("export-voucher-recruit--daegyeong-daily.yaml", "m12.html"),
    ("medion-ceo-interview--daegyeong-daily.yaml", "m13.html"),
    ("seomun-night-market--daegyeong-daily.yaml", "m14.html"),
    ("cheongdo-heavy-rain--daegyeong-daily.yaml", "m15.html"),
]

SITES = {
    "hanbit-news": {
        "label": "mirror: 한빛뉴스 (articleView idxno)",
        "encoding": "utf-8",
        "path": lambda story_id, published: f"news/articleView.html@idxno={story_id}",
        "url": lambda story_id, published: f"http://hanbit-news.mirror.test/news/articleView.html?idxno={story_id}",
        "must_exclude": ["저작권자 © 한빛뉴스 무단전재 및 재배포 금지", "많이 본 뉴스", "등록번호 : 경북 아 00123", "URL복사", "댓글을 작성하려면"],
        "rank_list": r'class="auto-list">(.*?)</ol>',
    },
    "jeonbuk-saenal": {
        "label": "mirror: 전북새날신문 (article.html no, EUC-KR)",
        "encoding": "cp949",
        "path": lambda story_id, published: f"news/article.html@no={story_id}",
        "url": lambda story_id, published: f"http://jeonbuk-saenal.mirror.test/news/article.html?no={story_id}",
        "must_exclude": ["흐림동두천 1.0℃", "기상청 제공", "2024.03.28 (목)", "저작권자 ⓒ 전북새날신문 무단전재 및 재배포금지", "많이 본 기사", "안호영 후보, 완진무 선대위 출정식"],
        "rank_list": r'class="right_list">(.*?)</ul>',
    },
    "daegyeong-daily": {
        "label": "mirror: 대경데일리 (date-path static)",
        "encoding": "utf-8",
        "path": lambda story_id, published: f"site/data/html/{published[:4]}/{published[5:7]}/{published[8:10]}/{story_id}.html",
        "url": lambda story_id, published: f"http://daegyeong-daily.mirror.test/site/data/html/{published[:4]}/{published[5:7]}/{published[8:10]}/{story_id}.html",
        "must_exclude": ["Copyright ⓒ 대경데일리 All rights reserved.", "이 기사와 관련된 기사", "가장 많이 본 기사", "링크복사"],
        "rank_list": r'class="box_rank">(.*?)</ol>',
    },
}


def decode_page(raw: bytes, encoding: str) -> str:
    return raw.decode(encoding, errors="replace")


def visible_text(page: str) -> str:
    without_head = re.sub(r"(?s)<head.*?</head>|<script.*?</script>", " ", page)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", without_head))


def popular_headline(page: str, pattern: str, title: str) -> str | None:
    match = re.search(pattern, page, re.DOTALL)
    if not match:
        return None
    for headline in re.findall(r"<a [^>]*>([^<]+)</a>", match.group(1)):
        headline = headline.strip()
        if headline and headline != title and title[:10] not in headline:
            return headline
    return None


def gold_for(story_file: str, gold_name: str) -> dict:
    source = yaml.safe_load((MIRROR / "stories" / story_file).read_text(encoding="utf-8"))
    site = SITES[source["site"]]
    published = str(source["published"])
    page_path = MIRROR / "sites" / source["site"] / site["path"](source["id"], published)
    raw = page_path.read_bytes()
    shutil.copyfile(page_path, GOLD_DIR / "html" / gold_name)
    page = decode_page(raw, site["encoding"])
    text = visible_text(page)
    story = Story(title=source["title"], paragraphs=[str(p) for p in source["paragraphs"]], published=published)
    # README rule: a time only where the page shows one, a date where it shows a date only.
    shown_time = published[11:16] in text and (published[:4] in text)
    if shown_time:
        gold_published = published.replace(" ", "T") + ":00+09:00"
    else:
        gold_published = published[:10]
    must_exclude = [s for s in site["must_exclude"] if s in text]
    popular = popular_headline(page, site["rank_list"], source["title"])
    if popular and popular in text:
        must_exclude.append(popular)
    soft = [str(image["caption"]) for image in source.get("images") or [] if image.get("caption")]
    if source.get("email") and source["email"] in text:
        soft.append(source["email"])
    return {
        "file": gold_name,
        "url": site["url"](source["id"], published),
        "site": site["label"],
        "title": source["title"],
        "published": gold_published,
        "authors": [source["reporter"]] if source.get("reporter") else [],
        "body_chars": sum(len(p) for p in story.paragraphs) + 2 * (len(story.paragraphs) - 1),
        "must_include": snippets(story),
        "must_exclude": must_exclude,
        "soft_exclude": soft,
        "body_in_script_only": False,
        "notes": f"Copied from the offline mirror ({source['site']}, kind {source.get('kind')}); story text from {story_file}.",
    }


def main() -> None:
    for story_file, gold_name in CHOSEN:
        gold = gold_for(story_file, gold_name)
        (GOLD_DIR / "gold" / gold_name.replace(".html", ".json")).write_text(
            json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
