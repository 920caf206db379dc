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


def interleaved_medians(fns, repeats: int, warm_up: int = 1, statistic=statistics.median) -> list[float]:
    """The median (or ``statistic``, e.g. ``min``) seconds of each of ``fns``, timed in turn within each repeat, so
    that a load change on a shared machine affects all of them alike and their ratios stay meaningful."""
    for _ in range(warm_up):
        for fn in fns:
            fn()
    samples = [[] for _ in fns]
    for _ in range(repeats):
        for fn, times in zip(fns, samples):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return [statistic(times) for times in samples]


def spin(app, seconds: float) -> None:
    """Run ``app``'s event loop for ``seconds`` (what a benchmark waits while the app works as it would)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.0005)
