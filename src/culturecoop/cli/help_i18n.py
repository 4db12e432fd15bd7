"""`--help` in the reader's language.

The commands declare their help in English (Typer's ``help=`` and docstrings); those texts are
the message ids of ``locale/fr/LC_MESSAGES/cli.po``. ``in_reader_language`` builds the click
command tree of the app and, when the reader reads French, translates every command's,
argument's and option's help, and makes each command's help page use French words for what
Typer and click write themselves (Usage, Options, Commands, [required], [default: …], the
``--help`` option's own help). English is left exactly as declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import typer
import typer.main
from typer._click import Command, Context, HelpFormatter
from typer.core import TyperArgument, TyperGroup, TyperOption

from culturecoop.cli.usage_words import ARGUMENT_WORDS
from culturecoop.i18n import _, current_language, general


def in_reader_language(app: typer.Typer) -> Command:
    """The click command of ``app``, its help in the current language."""
    command = typer.main.get_command(app)
    french = current_language() != "en"
    for each in commands_of(command):
        # Every help page is written through this context: Typer's words follow the language.
        each.context_class = _ReaderContext
        if french:
            _translate(each)
    return command


def commands_of(command: Command) -> Iterator[Command]:
    """``command`` and every command and group under it."""
    yield command
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            yield from commands_of(sub)


def _translate(command: Command) -> None:
    if command.help:
        command.help = _(command.help)
    if command.short_help:
        command.short_help = _(command.short_help)
    if command.epilog:
        command.epilog = _(command.epilog)
    for param in command.params:
        if isinstance(param, TyperArgument | TyperOption) and param.help:
            param.help = _(param.help)
        if isinstance(param, TyperArgument) and param.metavar is None and param.name in ARGUMENT_WORDS:
            # Its name on the usage line and in « Il manque l’argument 'FICHIER' » (was 'file').
            param.metavar = _(ARGUMENT_WORDS[param.name])
    if isinstance(command, TyperGroup) and command.subcommand_metavar == "COMMAND [ARGS]...":
        command.subcommand_metavar = _("COMMAND [ARGS]...")


def _panel_words() -> dict[str, str]:
    """Typer's own words on a help page (``typer.rich_utils``), in the current language."""
    return {
        "ARGUMENTS_PANEL_TITLE": _("Arguments"),
        "OPTIONS_PANEL_TITLE": _("Options"),
        "COMMANDS_PANEL_TITLE": _("Commands"),
        "REQUIRED_LONG_STRING": _("[required]"),
        "DEFAULT_STRING": _("[default: {}]"),
        "ENVVAR_STRING": _("[env var: {}]"),
        "DEPRECATED_STRING": _("(deprecated) "),
        "ERRORS_PANEL_TITLE": _("Error"),
        "ABORTED_TEXT": _("Aborted."),
        "RICH_HELP": _("Try [blue]'{command_path} {help_option}'[/] for help."),
    }


class _ReaderFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)


class _ReaderContext(Context):
    """A context whose help page is in the current language (its usage line included)."""

    formatter_class = _ReaderFormatter

    def get_help(self) -> str:
        # Imported only to write a help page: every other run is spared rich's Markdown.
        from typer import rich_utils

        for name, text in _panel_words().items():
            setattr(rich_utils, name, text)
        option = self.command.get_help_option(self)
        if option is not None:
            option.help = _("Show this message and exit.")
        for param in self.command.get_params(self):
            if isinstance(param, TyperOption) and param.metavar is None:
                param.metavar = _value_words(param, self)
            if isinstance(param, TyperOption) and isinstance(param.default, float) and current_language() != "en":
                # « [par défaut : 0,1] », as the reader writes it and as the option reads it (was 0.1).
                shown = general(param.default)
                setattr(param, "_get_default_string", lambda shown=shown, **_kw: shown)  # noqa: B010 (mypy: no method assignment)
            elif isinstance(param, TyperArgument):
                # An argument's metavar is also its name in errors ("Missing argument 'file'"):
                # only what its help page shows changes.
                shown = _value_words(param, self)
                setattr(param, "display_type_rich", lambda ctx, shown=shown: shown)  # noqa: B010 (mypy: no method assignment)
        return super().get_help()


def _value_words(param: TyperOption | TyperArgument, ctx: Context) -> str:
    """What a parameter's value is, as its help page shows it: nothing for a flag (it takes no
    value; Typer showed ``<bool>``), else its type in the reader's words (``<entier>``, not
    ``<int>``)."""
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    shown = param.display_type_rich(ctx) or ""
    words = _type_words()
    # Only a type's name: a list of choices ("<csv|json>") is the values to type, left as they are.
    if not _TYPE_NAME.fullmatch(shown):
        return shown
    return re.sub(r"[A-Za-z]+", lambda m: words.get(m.group(0).lower(), m.group(0)), shown)


# (A list of paths reads « <list[Path]> »: its type's name capitalized.)
_TYPE_NAME = re.compile(r"<(?:list\[)?(?:str|int|float|path|file|directory|datetime)\]?>(?:\.\.\.)?", re.IGNORECASE)


def _type_words() -> dict[str, str]:
    return {"str": _("text"), "int": _("integer"), "float": _("number"), "path": _("path"),
            "file": _("file"), "directory": _("folder"), "datetime": _("date"), "list": _("list")}


__all__ = ["commands_of", "in_reader_language"]
