"""CLI commands, one module per command group; registered in :mod:`leernetwerk.cli`.

To add a command: write ``leernetwerk/commands/<name>.py`` defining a click
command, and append it to ``COMMANDS`` below.
"""

from __future__ import annotations

import click

from leernetwerk.commands import cycle as cycle_commands
from leernetwerk.commands import documents as document_commands
from leernetwerk.commands import evaluation as evaluation_commands
from leernetwerk.commands import explore as explore_commands
from leernetwerk.commands import intake
from leernetwerk.commands import plan as plan_commands
from leernetwerk.commands import review as review_commands
from leernetwerk.commands import run as run_commands
from leernetwerk.commands import select as select_commands

COMMANDS: list[click.Command] = []
COMMANDS += [intake.template, intake.validate]
COMMANDS += cycle_commands.COMMANDS
COMMANDS += [select_commands.select_command]
COMMANDS += review_commands.COMMANDS
COMMANDS += [run_commands.run_command, run_commands.match_command]
COMMANDS += [explore_commands.verken_command]
COMMANDS += [plan_commands.plan_command]
COMMANDS += document_commands.COMMANDS
COMMANDS += evaluation_commands.COMMANDS
