"""Score extractors.facts against the hand-written gold in datasets/gold/facts/.

    python -m extractors.evaluate_facts [GOLD_DIR] [--json] [-v]

Prints precision, recall and F1 per type, micro-averaged over articles:
ORG (name), PERSON (name and role), PLACE (name), MONEY (value and currency
exact), DATE (date and end date) and AGREEMENT (type and amount right, at least
one party right), then the article-level regions. The matching rules are
written out in datasets/gold/facts/README.md. ``-v`` lists every miss and
false positive per article. ``speed()`` gives the figures the bench reports.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from extractors.scoring import Counts

DEFAULT_GOLD_DIR = Path(__file__).resolve().parent.parent / "datasets" / "gold" / "facts"
ENTITY_TYPES = ("ORG", "PERSON", "PLACE", "MONEY", "DATE")


@dataclass
class Score(Counts):
    misses: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.true_positives, "fp": self.false_positives, "fn": self.false_negatives}


def load_gold(gold_dir: Path = DEFAULT_GOLD_DIR) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(gold_dir).glob("*.json"))]


def article_body(gold: dict) -> str:
    """The subtitle is story text: it goes first in the body the extractor reads."""
    return f"{gold['subtitle']}\n\n{gold['body']}" if gold.get("subtitle") else gold["body"]


def normal(name: str | None) -> str:
    return re.sub(r"\s+", "", name or "").lower()


def entity_key(entity: dict):
    kind = entity["type"]
    if kind == "MONEY":
        return float(entity["value"]), entity["currency"]
    if kind == "DATE":
        return entity["date"], entity.get("end_date")
    return normal(entity["name"])


def roles_match(gold_role: str | None, predicted_role: str | None) -> bool:
    """센터장 ~ 무선전력전송기술센터장, 대표 ~ 대표이사; no role matches only no role."""
    if not gold_role or not predicted_role:
        return not gold_role and not predicted_role
    return gold_role in predicted_role or predicted_role in gold_role


def score_entities(kind: str, gold: list[dict], predicted: list[dict], score: Score, article: str) -> None:
    gold_keys = {entity_key(e): e for e in gold if e["type"] == kind}
    predicted_keys = {entity_key(e): e for e in predicted if e["type"] == kind}
    matched = set(gold_keys) & set(predicted_keys)
    if kind == "PERSON":
        matched = {k for k in matched if roles_match(gold_keys[k].get("role"), predicted_keys[k].get("role"))}
    tp = len(matched)
    score.count(tp, len(predicted_keys) - tp, len(gold_keys) - tp)
    score.misses += [(article, "missed", gold_keys[k]) for k in gold_keys if k not in matched]
    score.misses += [(article, "false", predicted_keys[k]) for k in predicted_keys if k not in matched]


def amount_key(amount: dict | None):
    return (float(amount["value"]), amount["currency"]) if amount else None


def agreements_match(gold: dict, predicted: dict) -> bool:
    if gold["type"] != predicted["type"] or amount_key(gold["amount"]) != amount_key(predicted["amount"]):
        return False
    if not gold["parties"]:
        return True
    return bool({normal(p) for p in gold["parties"]} & {normal(p) for p in predicted["parties"]})


def score_agreements(gold: list[dict], predicted: list[dict], score: Score, article: str) -> None:
    unmatched = list(predicted)
    tp = 0
    for expected in gold:
        match = next((p for p in unmatched if agreements_match(expected, p)), None)
        if match is None:
            score.misses.append((article, "missed", expected))
        else:
            unmatched.remove(match)
            tp += 1
    score.count(tp, len(unmatched), len(gold) - tp)
    score.misses += [(article, "false", p) for p in unmatched]


def score_regions(gold: list[str], predicted: list[str], score: Score, article: str) -> None:
    tp = len(set(gold) & set(predicted))
    score.count(tp, len(set(predicted)) - tp, len(set(gold)) - tp)
    if set(gold) != set(predicted):
        score.misses.append((article, "regions", {"gold": gold, "predicted": predicted}))


def evaluate(gold_dir: Path = DEFAULT_GOLD_DIR) -> dict[str, Score]:
    from .analysis import analyse_article
    from .facts import extract_facts

    scores = {kind: Score() for kind in (*ENTITY_TYPES, "AGREEMENT", "REGIONS")}
    for gold in load_gold(gold_dir):
        body = article_body(gold)
        analysis = analyse_article(gold["title"], body)
        facts = extract_facts(gold["title"], body, gold["published_at"], analysis, gold.get("authors", ()))
        for kind in ENTITY_TYPES:
            score_entities(kind, gold["entities"], facts.entities, scores[kind], gold["id"])
        score_agreements(gold["agreements"], facts.agreements, scores["AGREEMENT"], gold["id"])
        score_regions(gold.get("regions", []), facts.regions, scores["REGIONS"], gold["id"])
    return scores


def speed(gold_dir: Path = DEFAULT_GOLD_DIR, rounds: int = 3) -> dict:
    """Kiwi milliseconds per 1,000 characters and facts milliseconds per article (Kiwi excluded),
    best of ``rounds`` passes over the gold articles after one warm-up analysis."""
    from .analysis import analyse_article, kiwi_tokenize
    from .facts import extract_facts

    articles = [(g["title"], article_body(g), g["published_at"], g.get("authors", ())) for g in load_gold(gold_dir)]
    kiwi_tokenize("워밍업 문장입니다.")
    characters = sum(len(title) + len(body) for title, body, _, _ in articles)
    kiwi_seconds, facts_seconds = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        analyses = [analyse_article(title, body) for title, body, _, _ in articles]
        kiwi_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        for (title, body, published, authors), analysis in zip(articles, analyses):
            extract_facts(title, body, published, analysis, authors)
        facts_seconds.append(time.perf_counter() - started)
    return {
        "articles": len(articles), "characters": characters,
        "kiwi_ms_per_1000_chars": round(min(kiwi_seconds) * 1000 / characters * 1000, 3),
        "facts_ms_per_article": round(min(facts_seconds) * 1000 / len(articles), 3),
    }


def format_table(scores: dict[str, Score]) -> str:
    lines = [f"{'type':<10}{'precision':>10}{'recall':>10}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for kind, score in scores.items():
        lines.append(f"{kind:<10}{score.precision:>10.3f}{score.recall:>10.3f}{score.f1:>8.3f}"
                     f"{score.true_positives:>6}{score.false_positives:>6}{score.false_negatives:>6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold_dir", nargs="?", type=Path, default=DEFAULT_GOLD_DIR)
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    args = parser.parse_args(argv)
    scores = evaluate(args.gold_dir)
    if args.json:
        print(json.dumps({kind: score.as_dict() for kind, score in scores.items()}, ensure_ascii=False, indent=1))
    else:
        print(f"{len(load_gold(args.gold_dir))} articles in {args.gold_dir}")
        print(format_table(scores))
    if args.verbose:
        for kind, score in scores.items():
            for article, what, item in score.misses:
                shown = {k: v for k, v in item.items() if k not in ("mentions", "evidence", "start", "end")}
                print(f"{kind:<10}{what:<8}{article[:44]:<45}{json.dumps(shown, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
