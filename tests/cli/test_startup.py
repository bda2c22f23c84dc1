"""`plantrail --help` (and the start of every command) imports none of the heavy libraries:
they are imported by the commands that need them (docs/performance.md, "The gap people feel").
Checked by what the interpreter says it imported, not by a timing."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pydantic", "rich", "psycopg", "eventsourcing", "jinja2", "plantrail.domain.events")


def test_help_imports_no_heavy_library() -> None:
    run_help = "import sys; from plantrail.cli.main import main; sys.argv = ['plantrail', '--help']; main()"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", run_help], capture_output=True, text=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    heavy = sorted(name for name in imported if name.split(".")[0] in HEAVY or name in HEAVY)
    assert heavy == [], f"--help imported {heavy}"
    assert "Usage: plantrail" in done.stdout


def test_a_json_read_imports_no_renderer_command_model_or_postgres_driver(tmp_path) -> None:
    """`show --json` (and the list reads, `access`) on SQLite: the plan folded and printed, its
    read logged; no rich (the renderers), no typed commands and handlers (a read runs none), no
    psycopg, and no ``importlib.metadata`` (pydantic's plugin loader imports it to look for
    plugins, which the console script says there are none of; ``due``'s calendar library,
    holidays, imports it for its own version)."""
    import json
    import os

    from tests.support import run_in_process

    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_")}
    env["PLANTRAIL_DB"] = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert run_in_process(("demo",), env, tmp_path).code == 0
    env["PLANTRAIL_AS"] = "demo-chair"
    plan = json.loads(run_in_process(("plans", "--json"), env, tmp_path).out)[0]["plan_id"]
    unwanted = ("rich", "psycopg", "jinja2", "plantrail.application.commands", "plantrail.application.handlers",
                "importlib.metadata")
    for read in (["show", plan], ["plans"], ["due"], ["access", "DEMOSS"]):
        code = f"import sys; from plantrail.cli.main import main; sys.argv = ['plantrail', *{read!r}, '--json']; main()"
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                              env={**env, "PLANTRAIL_AS": "demo-manager"}, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-300:]
        json.loads(done.stdout)  # the JSON alone on stdout
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
        named = unwanted if read != ["due"] else unwanted[:-1]
        assert sorted(name for name in imported if name.startswith(named)) == [], read


def test_a_write_loads_its_own_areas_commands_and_handlers_alone(tmp_path) -> None:
    """`visit record` loads the command models of its area and its area's handlers, not every
    area's (application/commands AREAS).
    Looked for in ``sys.modules``: the areas are loaded by ``importlib``, which the
    interpreter's import timing does not see."""
    import json
    import os

    from tests.support import run_in_process

    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_")}
    env["PLANTRAIL_DB"] = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert run_in_process(("demo",), env, tmp_path).code == 0
    plan = json.loads(run_in_process(("--as", "demo-chair", "plans", "--json"), env, tmp_path).out)[0]["plan_id"]
    code = ("import sys; from plantrail.cli.main import run\n"
            f"assert run(['--as', 'demo-social-worker', 'visit', 'record', {plan!r}, '--on', '2026-03-20']) == 0\n"
            "print(sorted(m for m in sys.modules if m.startswith(('plantrail.application.commands.', "
            "'plantrail.application.handlers.'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-300:]
    loaded = done.stdout.strip().splitlines()[-1]
    assert loaded == str(["plantrail.application.commands.base", "plantrail.application.commands.plan_entries",
                          "plantrail.application.handlers.plan_entries"])


def test_each_command_is_made_by_the_modules_the_table_names() -> None:
    """cli/main.py MODULES and JOINED: the command line loads a command's modules by them."""
    import pkgutil
    from importlib import import_module

    import plantrail.cli
    from plantrail.cli.help_text import walk
    from plantrail.cli.main import JOINED, MADE_IN, MODULES, whole

    cli = whole()
    for module, names in MODULES.items():
        assert names == tuple(c.name for c in import_module(f"plantrail.cli.{module}").COMMANDS), module
    with_commands = {m.name for m in pkgutil.iter_modules(plantrail.cli.__path__)
                     if hasattr(import_module(f"plantrail.cli.{m.name}"), "COMMANDS")}
    assert with_commands == set(MODULES) | {j for joined in JOINED.values() for j in joined}
    # Each command made first in a process of its own (only its modules loaded) is the
    # command with every module loaded: a group given commands by a module not in JOINED
    # would lack them.
    code = ("import sys; from plantrail.cli.help_text import walk; from plantrail.cli.main import cli\n"
            "print(sorted(' '.join(path) for path, _ in walk(cli.get_command(None, sys.argv[1]))))")
    alone = {name: subprocess.Popen([sys.executable, "-c", code, name], stdout=subprocess.PIPE, text=True)
             for name in MADE_IN}
    for name, process in alone.items():
        out, _ = process.communicate(timeout=60)
        assert out.strip() == str(sorted(" ".join(path) for path, _ in walk(cli.get_command(None, name)))), name


def test_a_read_loads_its_own_command_module_alone(tmp_path) -> None:
    """`show` makes the command it runs, not every module's (cli/main.py MODULES)."""
    import os

    from tests.support import run_in_process

    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_")}
    env["PLANTRAIL_DB"] = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert run_in_process(("demo",), env, tmp_path).code == 0
    code = ("import sys; from plantrail.cli.main import MODULES, run\n"
            "assert run(['--as', 'demo-chair', 'plans', '--json']) == 0\n"
            "print(sorted(m for m in MODULES if 'plantrail.cli.' + m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-300:]
    assert done.stdout.strip().splitlines()[-1] == "['reads']"


def test_pydantic_looks_for_plugins_only_where_the_variable_asks_it_to() -> None:
    """The console script's loader of no plugins (cli/process.py ``no_plugin_loader``): with
    PYDANTIC_DISABLE_PLUGINS saying none (as the script sets it unless told otherwise), a
    model validates and ``importlib.metadata`` is never imported; set empty, pydantic's own
    loader looks for plugins as ever; a name of the loader's other than ``get_plugins`` is the
    real loader's."""
    import os

    code = ("import sys; from plantrail.cli.process import no_plugin_loader; no_plugin_loader(); "
            "from pydantic import BaseModel\n"
            "class Plan(BaseModel):\n    version: int\n"
            "assert Plan(version=1).version == 1; print('importlib.metadata' in sys.modules)")
    later = ("from plantrail.cli.process import no_plugin_loader; no_plugin_loader(); "
             "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP; print(PYDANTIC_ENTRY_POINT_GROUP)")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    for setting, looked_for in (("__all__", "False"), ("1", "False"), ("", "True")):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**env, "PYDANTIC_DISABLE_PLUGINS": setting})
        assert (done.returncode, done.stdout.strip()) == (0, looked_for), (setting, done.stderr[-300:])
    done = subprocess.run([sys.executable, "-c", later], capture_output=True, text=True,
                          env={**env, "PYDANTIC_DISABLE_PLUGINS": "__all__"})
    assert (done.returncode, done.stdout.strip()) == (0, "pydantic"), done.stderr[-300:]


WATCH_THE_COLLECTOR = """
import gc, sys
from plantrail.cli import process
from plantrail.cli.main import main
seen = []
def watched(name):
    step = getattr(process, name)
    def run():
        frozen = gc.get_freeze_count()
        seen.append((name, "before", gc.isenabled()))
        step()
        seen.append((name, "after", gc.isenabled(), gc.get_freeze_count() > frozen))
    return run
process.collect_from_here = watched("collect_from_here")
process.spare_the_exit = watched("spare_the_exit")
import plantrail.cli.main as m
m.collect_from_here, m.spare_the_exit = process.collect_from_here, process.spare_the_exit
sys.argv = ["plantrail", *sys.argv[1:]]
try:
    main()
finally:
    print(repr(seen), file=sys.stderr)
"""


def test_the_collector_is_held_while_a_command_starts_and_on_for_its_work(tmp_path) -> None:
    """The console script's process (cli/process.py): Python's cyclic collector is off while
    a command loads its code, on again from the store's opening (what was loaded frozen), so a
    long command's own work is collected; at the exit what is left is frozen, not walked. A
    command run in a caller's process (``cli.main.run``) leaves the caller's collector as it
    found it; ``main`` run in one that catches its SystemExit gives the collector back even
    where no store was opened."""
    import ast
    import gc
    import os

    from tests.support import run_in_process

    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANTRAIL_")}
    env["PLANTRAIL_DB"] = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert run_in_process(("demo",), env, tmp_path).code == 0
    frozen = gc.get_freeze_count()
    assert run_in_process(("plans", "--json"), {**env, "PLANTRAIL_AS": "demo-chair"}, tmp_path).code == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen  # a caller's process: as it was

    def watched(*args: str) -> list[tuple]:
        done = subprocess.run([sys.executable, "-c", WATCH_THE_COLLECTOR, *args], capture_output=True,
                              text=True, env={**env, "PLANTRAIL_AS": "demo-chair"}, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-300:]
        return ast.literal_eval(done.stderr.strip().splitlines()[-1])

    assert watched("plans", "--json") == [
        ("collect_from_here", "before", False), ("collect_from_here", "after", True, True),  # the store opened
        ("collect_from_here", "before", True), ("collect_from_here", "after", True, False),  # (done already)
        ("spare_the_exit", "before", True), ("spare_the_exit", "after", True, True)]  # the exit: the rest frozen
    assert watched("--help") == [  # no store opened: on again once the command is done
        ("collect_from_here", "before", False), ("collect_from_here", "after", True, True),
        ("spare_the_exit", "before", True), ("spare_the_exit", "after", True, True)]
