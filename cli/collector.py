"""Python's cyclic garbage collector over one command's process (docs/performance.md).

A command's start loads its code: thousands of classes, functions and validators that live as
long as the process, and few reference cycles. Each run of the collector while they load walks
every one of them again and frees nothing; the interpreter's exit runs it once more over all.
So the command line holds it off while a command starts, turns it on once the store is opened
(what was loaded until then frozen: never walked again), and spares the exit its last run.
The import and ``verify`` run their long loops without it, collecting as they say.
"""

from __future__ import annotations

import gc

_held = False  # the collector is off because ``hold`` turned it off


def hold() -> None:
    """Off while the command starts (from the console script: not for a caller's process)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """On again, what is loaded so far frozen: the command's own work (a rebuild of a million
    events, say) is collected as any long run is."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def spare_the_exit() -> None:
    """Nothing of a finished command needs collecting: the process ends, and the memory with
    it. Files and connections are closed by the command, not by the collector."""
    gc.freeze()
