"""The jinja2 environment the HTML exports share (templates beside this module)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from plantrail.projections.change_notes import field_label

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html", "html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = label
    env.filters["text"] = text
    env.filters["field_label"] = field_label
    return env


def label(value: Any) -> str:
    """A vocabulary word as a heading: 'family-and-social-relationships' -> 'Family and social relationships'."""
    words = str(value or "").replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(k)}: {text(v)}" for k, v in value.items())
    return str(value)
