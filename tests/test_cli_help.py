"""`--help` in the reader's language: every command's, argument's and option's help, and Typer's
own words on the page (Usage, Commands, [required], …)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from babel.messages.pofile import read_po
from typer._click import Command
from typer.core import TyperArgument, TyperGroup, TyperOption

from culturecoop.cli import commands
from culturecoop.cli.app import app
from culturecoop.cli.help_i18n import in_reader_language
from culturecoop.i18n import set_language
from test_i18n import source_messages

CLI_CATALOG = Path(__file__).resolve().parents[1] / "src/culturecoop/locale/fr/LC_MESSAGES/cli.po"
# Help texts that read the same in French and English. Keep this short: a text here is never
# checked for a translation.
SAME_IN_BOTH: frozenset[str] = frozenset()


def help_texts(command: Command, path: str = "culturecoop") -> Iterator[tuple[str, str]]:
    """(where, text) of every help text under ``command``, in tree order."""
    for kind in ("help", "short_help", "epilog"):
        text = getattr(command, kind)
        if text:
            yield f"{path} ({kind})", text
    for param in command.params:
        if isinstance(param, TyperArgument | TyperOption) and param.help:
            yield f"{path} {param.opts[0] if param.opts else param.name}", param.help
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from help_texts(sub, f"{path} {name}")


@pytest.fixture
def every_command() -> Iterator[None]:
    commands.register([])  # every command module, as for `culturecoop --help`
    yield
    set_language(None)


def test_every_help_text_of_every_command_is_in_french(every_command: None) -> None:
    english = list(help_texts(typer.main.get_command(app)))
    set_language("fr")
    french = list(help_texts(in_reader_language(app)))
    assert [where for where, _ in french] == [where for where, _ in english]
    assert len(english) > 300
    untranslated = [f"{where}: {text}" for (where, text), (_, translated) in zip(english, french, strict=True)
                    if translated == text and text not in SAME_IN_BOTH]
    assert not untranslated, "help left in English:\n" + "\n".join(untranslated)


def test_english_help_texts_are_as_declared(every_command: None) -> None:
    set_language("en")
    assert list(help_texts(in_reader_language(app))) == list(help_texts(typer.main.get_command(app)))


def test_the_cli_catalog_holds_no_text_the_cli_no_longer_shows(every_command: None) -> None:
    with CLI_CATALOG.open("rb") as f:
        ids = {str(m.id) for m in read_po(f) if m.id}
    shown = {text for _, text in help_texts(typer.main.get_command(app))} | set(source_messages())
    assert not ids - shown, f"stale entries in cli.po: {sorted(ids - shown)}"


def test_the_language_is_read_from_the_apps_own_option_before_the_command() -> None:
    assert commands.root_language(["--lang", "fr", "report", "--help"]) == "fr"
    assert commands.root_language(["--lang=fr", "reco", "evaluate", "--help"]) == "fr"
    assert commands.root_language(["report", "--help"]) is None
    assert commands.root_language(["report", "--lang", "fr"]) is None  # not the app's option


def help_page(*args: str, **env: str) -> str:
    """The help page as printed, its lines and table borders joined into plain text."""
    base = {k: v for k, v in os.environ.items() if k not in ("CULTURECOOP_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    result = subprocess.run([sys.executable, "-m", "culturecoop.cli.main", *args], capture_output=True, text=True,
                            env={**base, "COLUMNS": "100", **env}, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return " ".join(result.stdout.replace("│", " ").split())


def test_report_help_in_french() -> None:
    page = help_page("--lang", "fr", "report", "--help")
    assert "Utilisation : " in page and "Usage" not in page
    assert "Produire un rapport sur les publics" in page
    assert "Membre à qui s’adresse le rapport. [obligatoire]" in page
    assert "[par défaut : duckdb]" in page
    assert "Afficher ce message et quitter." in page
    assert "Member the report is for" not in page and "[required]" not in page


@pytest.mark.parametrize("env", [{"CULTURECOOP_LANG": "fr"}, {"LANG": "fr_FR.UTF-8"}, {"LANG": "fr_CA.UTF-8"}])
def test_help_follows_the_environment(env: dict[str, str]) -> None:
    page = help_page("--help", **env)
    assert "╭─ Commandes" in page and "Afficher ce message et quitter." in page
    assert "COMMANDE [ARGS]..." in page
    assert "Langue des messages : fr ou en" in page


def test_a_subcommands_help_in_french() -> None:
    page = help_page("--lang=fr", "reco", "evaluate", "--help", LANG="en_CA.UTF-8")
    assert "Évaluer le modèle de démarrage à froid" in page
    assert "Longueur des listes classées. [par défaut : 10]" in page


def test_english_help_is_unchanged() -> None:
    page = help_page("--lang", "en", "report", "--help", LANG="fr_CA.UTF-8")
    assert "Usage: " in page and "╭─ Arguments" in page and "╭─ Options" in page
    assert "Member the report is for. [required]" in page
    assert "[default: duckdb]" in page and "Show this message and exit." in page
    listing = help_page("--help")
    assert "╭─ Commands" in listing and "COMMAND [ARGS]..." in listing
    assert "culturecoop: an open-source data cooperative for cultural organizations." in listing


def test_a_help_page_says_what_each_value_is_in_words_and_gives_flags_none() -> None:
    french = help_page("--lang", "fr", "reco", "evaluate", "--help")
    assert "--k <entier>" in french and "--diversity <nombre>" in french and "--interactions <chemin>" in french
    assert "--json Afficher le rapport complet" in french  # a flag takes no value
    english = help_page("--lang", "en", "prepare", "--help")
    assert "file <path>" in english and "--member <text>" in english and "--max-reject-share <number>" in english
    for page in (french, english):
        assert "<bool>" not in page and "<str>" not in page and "<int>" not in page


def usage_error(*args: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("CULTURECOOP_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    result = subprocess.run([sys.executable, "-m", "culturecoop.cli.main", *args], capture_output=True, text=True,
                            env={**base, "COLUMNS": "200"}, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    return " ".join(result.stderr.split())


@pytest.mark.parametrize(("args", "french"), [
    (["prepare"], "Il manque l’argument 'FICHIER' ; voyez `culturecoop prepare --help`"),
    (["report", "audience"], "Il manque l’option '--db'"),
    (["nosuch"], "La commande 'nosuch' n’existe pas"),
    (["reco", "evaluate", "--intera", "x"], "L’option --intera n’existe pas (options proches : --interactions, --items)"),
    (["reco", "evaluate", "--k", "dix"], "Valeur non valable pour '--k' : il faut un nombre entier"),
    (["reco", "evaluate", "--diversity", "forte"], "Valeur non valable pour '--diversity' : il faut un nombre ;"),
    (["reco", "evaluate", "un", "deux"], "Argument(s) de trop (un deux)"),
    (["reco", "evaluate", "--k"], "L’option '--k' attend une valeur"),
])
def test_usage_errors_are_in_the_readers_language(args: list[str], french: str) -> None:
    said = usage_error("--lang", "fr", *args)
    assert said.startswith("Erreur : "), said
    assert french in said, said
    english = usage_error("--lang", "en", *args)
    assert english.startswith("Error: ") and "; see `culturecoop" in english and "voyez" not in english


def test_an_option_without_its_value_points_to_its_commands_help() -> None:
    # Typer stops before the command has a context: the command is read from the line.
    said = usage_error("--lang", "en", "reco", "evaluate", "--k")
    assert "Option '--k' requires an argument; see `culturecoop reco evaluate --help`" in said, said
