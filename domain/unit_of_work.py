"""Commands as units of work: each saved in one transaction, retried on a conflict,
and recorded once per client-chosen command id (CLI.md, "--command-id")."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from uuid import UUID

from domain.errors import Conflict, DomainError

CONFLICT_RETRIES = 10


def command(method: Callable[..., Any]) -> Callable[..., Any]:
    """A write users make. It runs as one unit of work: every record it changes is saved
    in one transaction, or, if it is refused, nothing is. A client-chosen ``command_id``
    is saved with its events; the same id again records nothing new and answers with
    the first result (the store's command log keeps each id once)."""

    @wraps(method)
    def run(self: Any, *args: Any, command_id: str | None = None, **kwargs: Any) -> Any:
        if command_id is not None:
            done = self.command_result(command_id)
            if done is not None:
                return done.value
        if self._batch is not None:  # part of a larger unit of work (a bulk import)
            return self._run(method, args, kwargs, command_id)
        rechecked = False
        for attempt in range(1, CONFLICT_RETRIES + 1):
            self._open_unit()
            try:
                result = self._run(method, args, kwargs, command_id)
                self._commit()
                self._keep()
                return result
            except Conflict:
                done = self.command_result(command_id) if command_id is not None else None
                if done is not None:
                    return done.value
                if attempt == CONFLICT_RETRIES:
                    raise
                # Someone changed the same records meanwhile: decide again on what is now
                # recorded. The rules run again, so a retry is as safe as a first try.
                time.sleep(random.uniform(0.0, 0.01 * 2 ** min(attempt, 5)))
            except DomainError:
                # Refused on records kept from earlier commands: they may be stale (another
                # process wrote since), so decide once more on what is recorded now. The
                # refused unit's records were not put back, so this reads them afresh.
                if not self._took_kept or rechecked:
                    raise
                rechecked = True
            finally:
                self._close_unit()
        raise AssertionError("unreachable")  # pragma: no cover

    return run


@dataclass(frozen=True)
class CommandResult:
    value: Any


def encode_result(result: Any) -> str:
    if isinstance(result, UUID):
        return json.dumps({"uuid": str(result)})
    return json.dumps({"value": result})


def decode_result(text: str) -> CommandResult:
    data = json.loads(text)
    return CommandResult(UUID(data["uuid"]) if "uuid" in data else data["value"])
