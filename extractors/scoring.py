"""Precision, recall and F1 from counts, for the evaluation scripts and the bench."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Counts:
    """True and false positives and false negatives; with nothing to find or found, a score is 1."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def count(self, tp: int, fp: int, fn: int) -> None:
        self.true_positives += tp
        self.false_positives += fp
        self.false_negatives += fn

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
