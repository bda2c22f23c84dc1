"""What a command answered, as the command log keeps it (CLI.md, "--command-id"): the
same id again records nothing new and answers with the first result."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4


@dataclass(frozen=True)
class CommandResult:
    value: Any


def encode_result(result: Any) -> str:
    if isinstance(result, UUID):
        return f'{{"uuid": "{result}"}}'  # (as json.dumps writes it, without its cost on every command)
    return json.dumps({"value": result})


def decode_result(text: str) -> CommandResult:
    data = json.loads(text)
    return CommandResult(UUID(data["uuid"]) if "uuid" in data else data["value"])


def new_command_id() -> str:
    """An id for a command whose caller gave none: every write has one, so that a save
    whose reply was lost, and which the store's retry sends again, is recognised as saved."""
    return str(uuid4())


def command_digest(command: Any, actor: str | None) -> str:
    """What a command id is bound to: the command, its arguments as given, and who gave it.
    The same id with another digest is another command (bad input), not a repeat."""
    text = f"{command.command}\0{actor or ''}\0{command.model_dump_json()}"
    return hashlib.sha256(text.encode()).hexdigest()
