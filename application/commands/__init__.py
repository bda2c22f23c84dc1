"""The commands users make, one typed model each.

Each model is the single source for its command: its ``command`` is the CLI's and the
import line's (``plan approve``), its fields are the CLI's options and the import line's
``args`` (the CLI's write commands are checked against them: tests/application), its
name keys the permissions (``application.permissions``), its class the handler that runs
it (``application.handlers``, in the module of the same area), and ``method`` names the
``PlanRecords`` method Python callers use (``app.approve_plan(actor, plan_id, on=...)``),
with ``positional`` the arguments that method takes in order after the acting staff member.

A command says what was asked, in the shape it was asked; the rules of the record are
the domain's, checked when the handler calls the aggregates.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from plantrail.application.commands.base import Command, Day, OnPlan, PlanRef, Texts

# Every command's name, by the module of its area: a new command adds its name here, a new
# area its module (a test holds this to each module's COMMANDS). A command run from the
# command line loads its own area's models, not all of them (docs/performance.md).
AREAS: dict[str, tuple[str, ...]] = {
    "staff": ("staff add", "staff bind", "staff grant", "staff revoke", "staff leave", "child add",
              "child restrict", "child unrestrict"),
    "plans": ("plan open", "plan approve", "plan kind", "aim change", "plan details", "plan extend",
              "plan distribute", "plan close"),
    "plan_entries": ("action add", "action amend", "action end", "view add", "sign", "contact add", "review hold",
                     "visit record", "placement record", "supervision record"),
    "corrections": ("correct", "void"),
    "records_officer": ("plan withdraw", "child correct", "erase request", "erase approve"),
    "looked_after": ("placement end", "missing record"),
    "census": ("referral record", "assessment record", "s47 record"),
    "guidance": ("meeting record", "meeting record-sent", "plan return", "plan link"),
}
AREA_OF: dict[str, str] = {name: area for area, names in AREAS.items() for name in names}


def command_named(name: str) -> type[Command] | None:
    """The command called ``name`` (``visit record``), its area's models loaded alone."""
    area = AREA_OF.get(name)
    if area is None:
        return None
    return next(c for c in import_module(f"{__name__}.{area}").COMMANDS if c.command == name)


def _every_command() -> dict[str, Any]:
    """The lists of every area's commands (an import's lines, the application's methods
    and the tests ask for all of them), and each area's models and constants by name."""
    modules = [import_module(f"{__name__}.{area}") for area in AREAS]
    commands = tuple(c for module in modules for c in module.COMMANDS)
    found: dict[str, Any] = {"COMMANDS": commands, "BY_NAME": {c.command: c for c in commands},
                             "BY_METHOD": {c.method: c for c in commands}}
    for module in modules:
        found.update({name: value for name, value in vars(module).items() if _exported(module, name, value)})
    return found


def _exported(module: Any, name: str, value: Any) -> bool:
    """An area's own models (``RecordVisit``) and its lists of field names (``AMENDABLE``)."""
    if isinstance(value, type):
        return issubclass(value, Command) and value.__module__ == module.__name__
    return name.isupper() and name != "COMMANDS" and isinstance(value, tuple)


def __getattr__(name: str) -> Any:
    # (PEP 562: asked only for a name not yet here.) An area's module, or the lists and every
    # area's models by name (``RecordVisit``, ``AMENDABLE``), kept here once made.
    if name in AREAS:
        return import_module(f"{__name__}.{name}")
    if name[:1].isupper():
        globals().update(_every_command())
        if name in globals():
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_every_command(), *AREAS})


__all__ = ["AREAS", "AREA_OF", "Command", "Day", "OnPlan", "PlanRef", "Texts", "command_named"]
