"""Dutch texts for click's own messages (usage errors, help headings).

Click marks its messages for gettext but ships no Dutch catalogue. Rather
than letting English usage errors reach Dutch users, we install a small
translation table for the messages a user of this CLI can meet. Messages not
in the table stay as click wrote them.
"""

from __future__ import annotations

import importlib

import click

DUTCH: dict[str, str] = {
    "Usage:": "Gebruik:",
    "Try '{command} {option}' for help.": "Probeer '{command} {option}' voor hulp.",
    "Error: {message}": "Fout: {message}",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "Options": "Opties",
    "Commands": "Commando's",
    "Positional arguments": "Argumenten",
    "Missing argument": "Ontbrekend argument",
    "Missing option": "Ontbrekende optie",
    "Missing parameter": "Ontbrekende parameter",
    "Missing command.": "Geef een commando op.",
    "Missing {param_type}": "{param_type} ontbreekt",
    "Missing parameter: {param_name}": "Parameter ontbreekt: {param_name}",
    "No such command {name!r}.": "Onbekend commando {name!r}.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "No such option: {name}": "Onbekende optie: {name}",
    "Did you mean {possibility}?": "Bedoelde u {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bedoelde u een van: {possibilities}?)",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Option {name!r} requires an argument.": "Optie {name!r} vereist een waarde.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} vereist {nargs} waarden.",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "{value} is not in the range {range}.": "{value} ligt niet in het bereik {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    "Aborted!": "Afgebroken.",
    "default: {default}": "standaard: {default}",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
}

_CLICK_MODULES = ("core", "exceptions", "decorators", "types", "parser", "formatting", "termui")


def translate(message: str) -> str:
    return DUTCH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install() -> None:
    """Point click's gettext hooks at the Dutch table (idempotent)."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


def translate_parameters(group: click.Group) -> None:
    """Translate what click fixed when the commands were defined: the kind of a path
    parameter ('file', 'directory'), which its messages show, e.g. "Map 'x' is een bestand"."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            translate_parameters(command)
        for param in command.params:
            if isinstance(param.type, click.Path):
                param.type.name = translate(param.type.name)
