import json

from extractors.evaluate import GoldPage, Prediction, load_gold_pages, score_page, summarise

GOLD = {
    "file": "001.html",
    "url": "https://x.example/1",
    "site": "한빛뉴스 (mirror)",
    "title": "제목입니다",
    "published": "2023-04-07T08:26:22+09:00",
    "must_include": ["첫 문단", "마지막 문단"],
    "must_exclude": ["많이 본 뉴스", "무단전재"],
    "soft_exclude": ["▲ 사진 설명"],
}


def page():
    return GoldPage(html_path=__import__("pathlib").Path("001.html"), gold=GOLD)


def test_perfect_prediction_scores_one():
    score = score_page(page(), Prediction(body="첫  문단\n\n마지막 문단", title=" “제목입니다” ", published="2023-04-06T23:26:00+00:00"))
    assert score.values == {"recall": 1.0, "leak": 0.0, "soft_leak": 0.0, "clean": 1.0, "title": 1.0, "date": 1.0, "time": 1.0}


def test_leaks_and_wrong_minute_are_counted():
    score = score_page(page(), Prediction(body="첫 문단 많이 본 뉴스 ▲ 사진 설명", title="다른 제목", published="2023-04-07"))
    assert score.values["recall"] == 0.5 and score.values["leak"] == 0.5 and score.values["soft_leak"] == 1.0
    assert score.values["clean"] == 0.0 and score.values["title"] == 0.0
    assert score.values["date"] == 1.0 and score.values["time"] == 0.0
    assert score.missed == ["마지막 문단"] and score.leaked == ["많이 본 뉴스"]


def test_macro_averages_sites_not_pages():
    good = score_page(page(), Prediction(body="첫 문단 마지막 문단", title="제목입니다", published=GOLD["published"]))
    other = GoldPage(html_path=page().html_path, gold={**GOLD, "site": "다른 사이트"})
    bad = score_page(other, Prediction())
    summary = summarise([good, good, good, bad])
    assert summary["sites"]["한빛뉴스"]["recall"] == 1.0
    assert summary["macro"]["recall"] == 0.5


def test_both_layouts_load(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "html" / "001.html").write_text("<p>x</p>")
    (tmp_path / "gold" / "001.json").write_text(json.dumps(GOLD))
    assert [p.html_path.name for p in load_gold_pages(tmp_path)] == ["001.html"]
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "001.html").write_text("<p>x</p>")
    (flat / "001.json").write_text(json.dumps(GOLD))
    assert [p.html_path.name for p in load_gold_pages(flat)] == ["001.html"]
