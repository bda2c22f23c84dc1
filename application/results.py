"""What a command answered, as the command log keeps it (CLI.md, "--command-id"): the
same id again records nothing new and answers with the first result."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID


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
