"""Each command is one typed model, and everything that names a command names one of
them: the CLI's write commands and their options, the import's line kinds, the
permissions, the handlers, the application's methods. A rename breaks a test here, not
a user's import or a role silently."""

from __future__ import annotations

from importlib import import_module

import click
import pytest

from plantrail.application.command_methods import make_command_methods
from plantrail.application.commands import AREAS, BY_METHOD, BY_NAME, COMMANDS, command_named
from plantrail.application.handlers import HANDLERS, handler_for
from plantrail.application.permissions import PERMISSIONS
from plantrail.application.records import PlanRecords
from plantrail.cli.main import whole
from plantrail.cli.writes import WRITES

CLI = whole()  # every command made: WRITES lists the writes made

# Options that are not fields of the command: how to run it, not what it is.
HOW = {"command_id", "as_json"}
# The CLI's names for fields it takes in another shape (the decorated function maps them).
SHAPED = {"pairs": "fields"}


def test_every_command_has_one_handler_one_permission_row_and_one_method():
    assert set(HANDLERS) == set(COMMANDS)
    assert set(PERMISSIONS) == set(BY_NAME)
    assert len(BY_NAME) == len(BY_METHOD) == len(COMMANDS)
    make_command_methods()  # (made when a process first asks for one: a read never does)
    for command in COMMANDS:
        assert callable(getattr(PlanRecords, command.method)), command


def test_each_area_names_its_own_commands_and_each_is_found_by_its_name_alone():
    # (the table a command line's write loads one area by: it must say what the modules say)
    for area, names in AREAS.items():
        assert names == tuple(c.command for c in import_module(f"plantrail.application.commands.{area}").COMMANDS)
    for command in COMMANDS:
        assert command_named(command.command) is command
        assert handler_for(command) is HANDLERS[command]
    assert command_named("no such command") is None


def test_every_cli_write_is_a_command_and_its_options_are_the_commands_fields():
    assert {name for _, name in WRITES} == set(BY_NAME)
    for made, name in WRITES:
        command = BY_NAME[name]
        found = _command_at(command.command.split())
        assert found is made, f"`plantrail {command.command}` is not the write made for {command.__name__}"
        options = {SHAPED.get(p.name, p.name) for p in made.params} - HOW
        assert options == set(command.model_fields), (command.__name__, options ^ set(command.model_fields))


def test_every_import_line_kind_is_a_command_named_as_on_the_command_line():
    for name, command in BY_NAME.items():
        assert _command_at(name.split()) is not None, name
        assert command.command == name


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.__name__)
def test_positional_arguments_are_fields(command):
    assert set(command.positional) <= set(command.model_fields)


def _command_at(words: list[str]) -> click.Command | None:
    group: click.Command = CLI
    for word in words:
        if not isinstance(group, click.Group) or word not in group.commands:
            return None
        group = group.commands[word]
    return group
