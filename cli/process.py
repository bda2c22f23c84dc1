"""What the console script's process does around its one command (docs/performance.md):
pydantic's plugin loader of none, and Python's cyclic garbage collector held while the command
starts. Kept apart from ``cli.main`` so that a process can do the same without importing the
command line (bench/cli.py's floors do).

The collector: a command's start loads its code, thousands of classes, functions and
validators that live as long as the process, and makes few reference cycles. Each run of the
collector while they load walks every one of them again and frees nothing; the interpreter's
exit runs it once more over all. So the console script holds it off while a command starts,
turns it on once the store is opened (what was loaded until then frozen: never walked again),
and spares the exit its last run. The import and ``verify`` run their long loops without it,
collecting as they say.
"""

from __future__ import annotations

import gc
import importlib
import importlib.machinery
import os
import sys
import types

_held = False  # the collector is off because ``hold_collector`` turned it off


def hold_collector() -> None:
    """Off while the command starts (the console script's: not a caller's process)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def collect_from_here() -> None:
    """On again if ``hold_collector`` held it, what is loaded so far frozen: the command's own
    work (a rebuild of a million events, say) is collected as any long run is."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def spare_the_exit() -> None:
    """Nothing of a finished command needs collecting: the process ends, and its memory with
    it. Files and connections are closed by the command, not by the collector; an object in a
    cycle whose finaliser tidies up is left as it is (weasyprint's font configuration removes a
    temporary folder it makes only for ``@font-face`` rules, which the review pack has none of)."""
    gc.freeze()


PLUGIN_LOADER = "pydantic.plugin._loader"


def no_plugin_loader() -> None:
    """Where PYDANTIC_DISABLE_PLUGINS says there are no plugins, pydantic's plugin loader is
    the loader of none it would then be. The real one imports ``importlib.metadata`` before it
    reads the variable, when a process builds its first validator: 7-10 % of a command as a
    whole process (docs/performance.md). Any other name asked of it is the real loader's. The
    variable is read here, once: the real loader reads it at each model, but nothing in a
    command changes it."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true") or PLUGIN_LOADER in sys.modules:
        return
    loader = types.ModuleType(PLUGIN_LOADER)
    loader.__spec__ = importlib.machinery.ModuleSpec(PLUGIN_LOADER, None)  # (as find_spec expects of a module)
    loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
    loader.__getattr__ = _real_loader  # type: ignore[attr-defined]
    sys.modules[PLUGIN_LOADER] = loader


def _real_loader(name: str) -> object:
    """A name pydantic asks of its loader that the loader of none has not: the real loader's
    (a later pydantic may ask for more than ``get_plugins``). Not a module's own dunder names,
    which the import system looks for on every ``from ... import``."""
    if name.startswith("__"):
        raise AttributeError(name)
    real = sys.modules.get(PLUGIN_LOADER)
    if real is None or getattr(real, "__getattr__", None) is _real_loader:  # (not loaded again)
        sys.modules.pop(PLUGIN_LOADER, None)
        real = importlib.import_module(PLUGIN_LOADER)
    return getattr(real, name)
