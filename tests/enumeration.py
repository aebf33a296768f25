"""Exhaustive enumeration of layouts for the brute-force tests (n ≤ 12)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def partitions(
    items: Sequence[T], lo: int, hi: int, blocks: int | None = None
) -> Iterator[list[tuple[T, ...]]]:
    """Every partition of ``items`` into unlabelled blocks of ``lo..hi`` members
    (exactly ``blocks`` of them when given); each block keeps the items' order."""
    if not items:
        if blocks in (None, 0):
            yield []
        return
    if blocks == 0:
        return
    first, rest = items[0], items[1:]
    for size in range(lo, hi + 1):
        for mates in itertools.combinations(rest, size - 1):
            left = [i for i in rest if i not in mates]
            tail_blocks = None if blocks is None else blocks - 1
            for tail in partitions(left, lo, hi, tail_blocks):
                yield [(first, *mates), *tail]
