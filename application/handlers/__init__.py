"""Each command's story: load the records, decide (the aggregates keep the rules), and
leave the unit of work to save what changed. One handler a command class (``HANDLERS``),
in the module of the command's area: ``handlers.plans`` runs ``commands.plans``."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import Any

from plantrail.application.commands import AREA_OF, AREAS, Command
from plantrail.application.unit_of_work import UnitOfWork

Handler = Callable[[UnitOfWork, Any], Any]


@cache  # (an import runs a command a line: a lookup, not an import, each time)
def handler_for(command_class: type[Command]) -> Handler:
    """The handler of one command, its area's handlers loaded alone."""
    area = import_module(f"{__name__}.{AREA_OF[command_class.command]}")
    return area.HANDLERS[command_class]  # type: ignore[no-any-return]


def __getattr__(name: str) -> Any:
    # (PEP 562) Every command's handler, from each area's module: the tests ask for all.
    if name != "HANDLERS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    handlers: dict[type[Command], Handler] = {}
    for area in AREAS:
        handlers.update(import_module(f"{__name__}.{area}").HANDLERS)
    globals()["HANDLERS"] = handlers
    return handlers
