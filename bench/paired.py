"""How sure a ratio of two things measured in turns is: an interval by resampling their pairs."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence


def ratio_interval(pairs: Sequence[tuple[float, float]], statistic: Callable[[list[float]], float], block: int,
                   resamples: int = 1000) -> tuple[float, float]:
    """A 95 % interval for ``statistic`` of the firsts over ``statistic`` of the seconds, by
    resampling the pairs (the two took turns, so a slow moment of the machine falls on both) in
    blocks of ``block`` pairs in a row (a slow spell lasts many samples: pairs drawn one by one
    would take them as independent and make the interval too narrow)."""
    rnd = random.Random(13)
    blocks = [list(pairs[at:at + block]) for at in range(0, len(pairs), block)]
    ratios = []
    for _ in range(resamples):
        drawn = [pair for chosen in rnd.choices(blocks, k=len(blocks)) for pair in chosen]
        ratios.append(statistic([a for a, _ in drawn]) / statistic([b for _, b in drawn]))
    ratios.sort()
    return tuple(ratios[round(q * (len(ratios) - 1))] for q in (0.025, 0.975))  # type: ignore[return-value]


def against(goal: float, low: float, high: float) -> str:
    """What an interval says of an upper goal: one run's figure may sit on either side by chance."""
    return "met" if high <= goal else "not met" if low > goal else "on the line"
