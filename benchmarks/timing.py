"""Timing shared by the benchmarks: each figure is the median of several timed calls after untimed warm-up calls, so
that a busy machine, cold caches and first-call set-up (compiled plans, allocator) skew it less."""
from __future__ import annotations

import statistics
import time


def median_seconds(fn, repeats: int, warm_up: int = 1) -> float:
    """The median of ``repeats`` timed calls of ``fn()``, after ``warm_up`` untimed ones."""
    for _ in range(warm_up):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
