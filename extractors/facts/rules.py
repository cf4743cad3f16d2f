"""The shape every named facts rule shares: a name, an example, and what the
example must yield (tests/test_facts.py runs each one)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    example: str
    expected: str
