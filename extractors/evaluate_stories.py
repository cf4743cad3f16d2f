"""Story matching measured on labelled articles: `python -m extractors.evaluate_stories`.

Two labelled sets, scored separately:
- datasets/stories/*.yaml: regional articles grouped into stories, with
  families of same-template events (yearly donations, monthly reports, the
  same programme in several districts) as hard negatives;
- datasets/mirror/stories/*.yaml: the offline mirror's 70 articles.

Figures are pair precision and recall: every pair of articles of one set is
a same-story pair or not, in truth and in the prediction. Two predictions:
- "stories": articles assigned one by one in a shuffled (crawl-like) order,
  each joining the story of its best match among all earlier ones, as the
  story index does with its candidates (tests/test_stories.py checks that
  crawler.storage.stories gives the same figures; extractors/ never imports it);
- "pairs": `extractors.stories.compare` on every pair directly.
The ablation table repeats "pairs" with one signal left out at a time.
"""
from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from extractors.analysis import analyse_article
from extractors.scoring import Counts
from extractors.stories import CONFLICT_SIGNALS, SIGNALS, StoryFeatures, compare, shingle_overlap, story_features

REPO_ROOT = Path(__file__).resolve().parent.parent
LABELLED_DIR = REPO_ROOT / "datasets" / "stories"
MIRROR_DIR = REPO_ROOT / "datasets" / "mirror" / "stories"
SHUFFLE_SEED = 20240709


@dataclass
class LabelledArticle:
    key: str
    story: str
    family: str
    title: str
    body: str
    published: str | None
    features: StoryFeatures | None = None


class PairScores(Counts):
    def add(self, truth: bool, predicted: bool) -> None:
        """One pair: whether it is truly one story, and whether it was judged one."""
        self.count(truth and predicted, predicted and not truth, truth and not predicted)

    def row(self) -> str:
        return (f"precision {self.precision:.3f}  recall {self.recall:.3f}  "
                f"(tp {self.true_positives}, fp {self.false_positives}, fn {self.false_negatives})")


def load_labelled(directory: Path = LABELLED_DIR) -> list[LabelledArticle]:
    articles = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["articles"]:
            articles.append(LabelledArticle(
                key=f"{item['story']}--{item['outlet']}", story=item["story"], family=data["family"],
                title=item["title"], body=item["body"].strip(), published=item.get("published"),
            ))
    return articles


def load_mirror(directory: Path = MIRROR_DIR) -> list[LabelledArticle]:
    articles = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        articles.append(LabelledArticle(
            key=path.stem, story=data["story"], family="mirror", title=data.get("title") or "",
            body="\n\n".join(data.get("paragraphs") or []), published=str(data.get("published") or "") or None,
        ))
    return articles


def with_features(articles: list[LabelledArticle]) -> list[LabelledArticle]:
    """Analyse each article once with Kiwi and attach its story features."""
    for article in articles:
        analysis = analyse_article(article.title, article.body)
        article.features = story_features(article.title, article.body, article.published, analysis)
    return articles


def score_pairs(articles: list[LabelledArticle], story_of: dict[str, str]) -> PairScores:
    scores = PairScores()
    for first, second in itertools.combinations(articles, 2):
        scores.add(first.story == second.story, story_of[first.key] == story_of[second.key])
    return scores


def score_direct(articles: list[LabelledArticle], without: frozenset[str] = frozenset()) -> PairScores:
    """Every pair judged by `compare` on its own (no clustering)."""
    scores = PairScores()
    for first, second in itertools.combinations(articles, 2):
        scores.add(first.story == second.story, compare(first.features, second.features, without).same)
    return scores


def crawl_order(articles: list[LabelledArticle], seed: int = SHUFFLE_SEED) -> list[LabelledArticle]:
    """The articles in a fixed shuffled order: a crawl meets them in no particular order."""
    order = list(articles)
    random.Random(seed).shuffle(order)
    return order


def assign_greedily(articles: list[LabelledArticle]) -> dict[str, str]:
    """Story ids when each article joins its best match among all earlier ones."""
    story_of: dict[str, str] = {}
    seen: list[LabelledArticle] = []
    for article in crawl_order(articles):
        best_story, best_overlap = article.key, -1.0
        for earlier in seen:
            comparison = compare(article.features, earlier.features)
            if comparison.same and comparison.containment > best_overlap:
                best_story, best_overlap = story_of[earlier.key], comparison.containment
        story_of[article.key] = best_story
        seen.append(article)
    return story_of


EVENT_SIGNATURE = frozenset(CONFLICT_SIGNALS)
# The rule this module replaced: noun-pair Jaccard at or above 0.075, nothing else.
OLD_JACCARD_THRESHOLD = 0.075


def score_old_rule(articles: list[LabelledArticle]) -> PairScores:
    scores = PairScores()
    for first, second in itertools.combinations(articles, 2):
        jaccard = shingle_overlap(first.features, second.features)[1]
        scores.add(first.story == second.story, jaccard >= OLD_JACCARD_THRESHOLD)
    return scores


def ablation_rows(articles: list[LabelledArticle]) -> list[tuple[str, PairScores]]:
    """Each signal's part: all of them, each one left out, the event signature
    reduced to one of its parts or left out whole, and the old text-only rule."""
    rows = [("all signals", score_direct(articles))]
    rows += [(f"without {signal}", score_direct(articles, frozenset({signal}))) for signal in SIGNALS]
    rows += [(f"event signature: {signal} only", score_direct(articles, EVENT_SIGNATURE - {signal}))
             for signal in sorted(EVENT_SIGNATURE)]
    rows.append(("without event signature", score_direct(articles, EVENT_SIGNATURE)))
    rows.append(("without signature and window", score_direct(articles, EVENT_SIGNATURE | {"publication_window"})))
    rows.append((f"old rule: jaccard >= {OLD_JACCARD_THRESHOLD}", score_old_rule(articles)))
    return rows


def report(name: str, articles: list[LabelledArticle], ablation: bool) -> None:
    stories = len({article.story for article in articles})
    print(f"\n== {name}: {len(articles)} articles, {stories} stories, "
          f"{sum(1 for article in articles if not article.published)} undated")
    print(f"stories  {score_pairs(articles, assign_greedily(articles)).row()}")
    print(f"pairs    {score_direct(articles).row()}")
    if ablation:
        print("\nablation (pairs judged directly; each signal left out, or alone):")
        for label, scores in ablation_rows(articles):
            print(f"  {label:<34} {scores.row()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-ablation", action="store_true", help="skip the ablation table")
    arguments = parser.parse_args(argv)
    report("labelled (datasets/stories)", with_features(load_labelled()), not arguments.no_ablation)
    report("mirror (datasets/mirror/stories)", with_features(load_mirror()), not arguments.no_ablation)


if __name__ == "__main__":
    main()
