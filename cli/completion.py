"""`plantrail completion`: shell completion of commands, options and choices (click's own,
switched on by ``_PLANTRAIL_COMPLETE=bash_source plantrail``), printed or installed."""

from __future__ import annotations

import os
from pathlib import Path

import click

SHELLS = ("bash", "zsh", "fish")


def _home(variable: str, default: str) -> Path:
    return Path(os.environ.get(variable) or Path.home() / default)


def target(shell: str) -> Path:
    """Where each shell finds a user's completion scripts by itself (zsh: a folder to put
    on ``fpath``)."""
    if shell == "bash":  # bash-completion loads completions/<command> on first use
        return _home("XDG_DATA_HOME", ".local/share") / "bash-completion" / "completions" / "plantrail"
    if shell == "fish":
        return _home("XDG_CONFIG_HOME", ".config") / "fish" / "completions" / "plantrail.fish"
    return Path.home() / ".zfunc" / "_plantrail"


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS), default="bash")
@click.option("--install", is_flag=True, help="Write the script where the shell finds it, instead of printing it.")
def completion(shell: str, install: bool) -> None:
    """Shell completion for plantrail: print the script, or install it.

    The script is click's, the same as `_PLANTRAIL_COMPLETE=bash_source plantrail` prints
    (zsh_source, fish_source for the others). Installed for bash it is loaded by
    bash-completion in every new shell; for zsh add `fpath=(~/.zfunc $fpath)` and
    `autoload -U compinit && compinit` to ~/.zshrc.

    Example: plantrail completion bash --install
    """
    from click.shell_completion import get_completion_class

    from plantrail.cli.main import cli

    complete = get_completion_class(shell)
    assert complete is not None
    source = complete(cli, {}, "plantrail", "_PLANTRAIL_COMPLETE").source()
    if not install:
        click.echo(source)
        return
    path = target(shell)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source + "\n", encoding="utf-8")
    click.echo(f"installed {shell} completion in {path}; it takes effect in a new shell")


COMMANDS = [completion]
