"""How sure a ratio of things measured in turns is: an interval by resampling the rounds."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

FEWEST_BLOCKS = 5  # fewer blocks of rounds than this, and the resamples are too few to say anything


def rounds_interval(rounds: int, ratio: Callable[[list[int]], float], block: int,
                    resamples: int = 1000) -> tuple[float, float] | None:
    """A 95 % interval for ``ratio`` of the rounds drawn (their indices), by resampling the
    rounds (the things compared took turns in each, so a slow moment of the machine falls on
    all) in blocks of ``block`` rounds in a row (a slow spell lasts many rounds: rounds drawn
    one by one would take them as independent and make the interval too narrow). None where
    there are too few blocks to say."""
    blocks = [list(range(at, min(at + block, rounds))) for at in range(0, rounds, block)]
    if len(blocks) < FEWEST_BLOCKS:
        return None
    rnd = random.Random(13)
    ratios = sorted(ratio([i for chosen in rnd.choices(blocks, k=len(blocks)) for i in chosen])
                    for _ in range(resamples))
    return tuple(ratios[round(q * (len(ratios) - 1))] for q in (0.025, 0.975))  # type: ignore[return-value]


def ratio_interval(pairs: Sequence[tuple[float, float]], statistic: Callable[[list[float]], float], block: int,
                   resamples: int = 1000) -> tuple[float, float] | None:
    """The interval of ``statistic`` of the firsts over ``statistic`` of the seconds."""
    firsts, seconds = [a for a, _ in pairs], [b for _, b in pairs]
    return rounds_interval(len(pairs), lambda drawn: statistic([firsts[i] for i in drawn])
                           / statistic([seconds[i] for i in drawn]), block, resamples)


def against(goal: float, found: tuple[float, float] | None) -> str:
    """What an interval says of an upper goal: one run's figure may sit on either side by chance."""
    if found is None:
        return "too few runs to say"
    low, high = found
    return "met" if high <= goal else "not met" if low > goal else "on the line"
