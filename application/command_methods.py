"""Each command as a method of the application (``app.approve_plan(actor, plan_id, on=...)``),
named by its ``method``, for Python callers: made the first time one is asked for
(``PlanRecords.__getattr__``), so a process that only reads never imports the command models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plantrail.application.commands import BY_METHOD, Command
from plantrail.application.records import PlanRecords


def _command_method(command_class: type[Command]) -> Callable[..., Any]:
    positional = command_class.positional

    def method(self: PlanRecords, actor: str | None, *args: Any, command_id: str | None = None,
               **kwargs: Any) -> Any:
        if len(args) > len(positional):
            raise TypeError(f"{command_class.method} takes {len(positional)} arguments after the actor")
        return self.run(command_class.model_validate({**dict(zip(positional, args)), **kwargs}),
                        actor=actor, command_id=command_id)

    method.__name__ = method.__qualname__ = command_class.method
    method.__doc__ = command_class.__doc__
    return method


def make_command_methods() -> None:
    """Each command as a method of the application, named by its ``method`` (once)."""
    for name, command_class in BY_METHOD.items():
        setattr(PlanRecords, name, _command_method(command_class))
    PlanRecords._commands_made = True
