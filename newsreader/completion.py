"""Shell completion scripts for bash, zsh and fish, generated from the CLI's argparse parsers.

Nothing is hand-listed: commands, options, their choices (sort keys, shells, help topics) and
which arguments are folders come from the parsers, so a new option completes as soon as it
exists. Folder arguments complete as directories, ``--config`` as files.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field

SHELLS = ("bash", "zsh", "fish")


@dataclass
class Option:
    """One option of a command: its spellings, help, choices, and whether it takes a value."""

    flags: list[str]
    help: str
    takes_value: bool
    choices: list[str] = field(default_factory=list)
    is_file: bool = False


@dataclass
class Command:
    """One command: options, its positional choices (if any), and whether it takes a folder."""

    name: str
    help: str
    options: list[Option]
    positional_choices: list[str]
    folder: bool


def _options(parser: argparse.ArgumentParser) -> list[Option]:
    options = []
    for action in parser._actions:  # argparse keeps no public list of a parser's options
        if not action.option_strings:
            continue
        options.append(
            Option(
                flags=list(action.option_strings),
                help=action.help if isinstance(action.help, str) else "",
                takes_value=action.nargs != 0,
                choices=[str(c) for c in action.choices or ()],
                is_file=action.dest == "config",
            )
        )
    return options


def describe(commands: argparse.ArgumentParser, app: argparse.ArgumentParser) -> list[Command]:
    """The commands of ``commands`` (a parser with subparsers), and ``app`` as the command ""."""
    sub = next(a for a in commands._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help or "" for a in sub._choices_actions}
    result = [Command("", "", _options(app), [], True)]
    for name, parser in sub.choices.items():
        positionals = [a for a in parser._actions if not a.option_strings]
        choices = [str(c) for a in positionals for c in a.choices or ()]
        folder = any(a.dest == "folder" for a in positionals)
        result.append(Command(name, helps.get(name, ""), _options(parser), choices, folder))
    return result


def completion_script(
    shell: str, commands: argparse.ArgumentParser, app: argparse.ArgumentParser
) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`)."""
    spec = describe(commands, app)
    if shell == "fish":
        return _fish(spec)
    script = _bash(spec)
    if shell == "zsh":
        # zsh runs the bash function through its own bashcompinit layer: one generated logic.
        return (
            "#compdef newsreader\n# newsreader completion for zsh (generated)\n"
            "autoload -U +X bashcompinit && bashcompinit\n" + script
        )
    return "# newsreader completion for bash (generated)\n" + script


def _words(items: list[str]) -> str:
    return shlex.quote(" ".join(items))


def _bash(spec: list[Command]) -> str:
    names = [c.name for c in spec if c.name]
    cases = []
    for command in spec:
        value_cases = []
        for option in command.options:
            if not option.takes_value:
                continue
            pattern = "|".join(option.flags)
            if option.choices:
                action = f'COMPREPLY=($(compgen -W {_words(option.choices)} -- "$cur"))'
            elif option.is_file:
                action = 'COMPREPLY=($(compgen -f -- "$cur"))'
            else:
                action = "COMPREPLY=()"
            value_cases.append(f"                {pattern}) {action}; return;;")
        flags = [f for o in command.options for f in o.flags]
        words = command.positional_choices + (names if not command.name else [])
        label = command.name or '""'
        cases.append(
            f"        {label})\n"
            f'            case "$prev" in\n' + "\n".join(value_cases) + "\n"
            "            esac\n"
            f"            opts={_words(flags)}; words={_words(words)};"
            f" folder={int(command.folder)};;"
        )
    return (
        "_newsreader() {\n"
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"\n'
        '    local cmd="" i opts words folder\n'
        "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
        '        case "${COMP_WORDS[i]}" in\n'
        f'            {"|".join(names)}) cmd="${{COMP_WORDS[i]}}"; break;;\n'
        "        esac\n"
        "    done\n"
        '    case "$cmd" in\n' + "\n".join(cases) + "\n"
        "    esac\n"
        '    if [[ "$cur" == -* ]]; then\n'
        '        COMPREPLY=($(compgen -W "$opts" -- "$cur"))\n'
        "    else\n"
        '        COMPREPLY=($(compgen -W "$words" -- "$cur"))\n'
        '        if [[ "$folder" == 1 ]]; then COMPREPLY+=($(compgen -d -- "$cur")); fi\n'
        "    fi\n"
        "}\n"
        "complete -o filenames -F _newsreader newsreader\n"
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(spec: list[Command]) -> str:
    names = [c.name for c in spec if c.name]
    lines = ["# newsreader completion for fish (generated)", "complete -c newsreader -f"]
    for command in spec:
        if command.name:
            when = f"__fish_seen_subcommand_from {command.name}"
            lines.append(
                f"complete -c newsreader -n '__fish_use_subcommand' -a {command.name} "
                f"-d {_fish_quote(command.help)}"
            )
        else:
            when = f"not __fish_seen_subcommand_from {' '.join(names)}"
        if command.folder:
            lines.append(
                f"complete -c newsreader -n {_fish_quote(when)} -a '(__fish_complete_directories)'"
            )
        if command.positional_choices:
            choices = _fish_quote(" ".join(command.positional_choices))
            lines.append(f"complete -c newsreader -n {_fish_quote(when)} -a {choices}")
        for option in command.options:
            spelled = " ".join(
                f"-l {f[2:]}" if f.startswith("--") else f"-s {f[1:]}" for f in option.flags
            )
            extra = ""
            if option.choices:
                extra = f" -x -a {_fish_quote(' '.join(option.choices))}"
            elif option.is_file:
                extra = " -r -F"
            elif option.takes_value:
                extra = " -x"
            lines.append(
                f"complete -c newsreader -n {_fish_quote(when)} {spelled}{extra} "
                f"-d {_fish_quote(option.help)}"
            )
    return "\n".join(lines) + "\n"
