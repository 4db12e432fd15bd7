"""The CLI loads only the invoked command's module; every command stays reachable."""

from __future__ import annotations

import subprocess
import sys

from culturecoop.cli import commands
from culturecoop.cli.app import app

CLI = [sys.executable, "-m", "culturecoop.cli.main", "--lang", "en"]


def _registered() -> dict[str, str]:
    """Every top-level command and group on the app → the module that registered it."""
    for module in set(commands.COMMAND_MODULES.values()):
        __import__(f"culturecoop.cli.{module}")
    found = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or info.callback.__name__.replace("_", "-")
        found[name] = info.callback.__module__
    for group in app.registered_groups:
        owner = next(m for m in (sys.modules[f"culturecoop.cli.{v}"] for v in set(commands.COMMAND_MODULES.values()))
                     if any(value is group.typer_instance for value in vars(m).values()))
        found[str(group.name)] = owner.__name__
    return found


def test_every_command_is_mapped_to_the_module_that_registers_it() -> None:
    expected = {name: f"culturecoop.cli.{module}" for name, module in commands.COMMAND_MODULES.items()}
    assert _registered() == expected


def test_the_command_name_skips_the_apps_own_options() -> None:
    assert commands.command_name(["--lang", "fr", "prepare", "x.csv"]) == "prepare"
    assert commands.command_name(["--lang=fr", "ingest"]) == "ingest"
    assert commands.command_name(["--help"]) is None


def test_a_command_runs_alone_and_help_lists_them_all() -> None:
    out = subprocess.run([*CLI, "prepare", "--help"], capture_output=True, text=True, check=True).stdout
    assert "--mapping" in out or "--profile" in out
    listing = subprocess.run([*CLI, "--help"], capture_output=True, text=True, check=True).stdout
    for name in ("prepare", "ingest", "reco", "campaigns", "erase", "export-lake", "users"):
        assert name in listing
    wrong = subprocess.run([*CLI, "prepar"], capture_output=True, text=True)
    assert wrong.returncode != 0 and "prepare" in wrong.stderr and "Traceback" not in wrong.stderr


def test_an_empty_member_is_said_empty_not_missing_from_the_warehouse(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """``--member ''`` read « There is no member  in the warehouse », as if the warehouse held none."""
    from culturecoop.cli import main as cli_main
    from test_reports_support import tiny_cooperative

    db = tiny_cooperative(tmp_path / "coop.duckdb")
    for args in (("report", "overview"), ("audiences", "create", "--name", "x", "--lapsed", "3"),
                 ("reco", "programme", str(tmp_path / "none.csv"))):
        monkeypatch.setattr(sys, "argv", ["culturecoop", *args, "--db", str(db), "--member", " "])
        monkeypatch.setenv("CULTURECOOP_LANG", "fr")
        assert cli_main._run() == 2
        said = " ".join(capsys.readouterr().err.split())
        assert said == "Erreur : L’identifiant de membre est vide ; indiquez --member, par exemple --member jazz-dieze."


def test_a_port_outside_1_to_65535_and_an_empty_account_address_are_mistakes_of_the_command(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """``serve --port 99999`` said « stop the program using that port » with the environment's exit code 5;
    ``users add ''`` read « Error:  is not an e-mail address »."""
    from culturecoop.cli import main as cli_main
    from test_reports_support import tiny_cooperative

    db = tiny_cooperative(tmp_path / "coop.duckdb")
    monkeypatch.setenv("CULTURECOOP_LANG", "en")
    monkeypatch.setenv("PW", "a-long-enough-password")
    for args, said in (
        (("serve", "--db", str(db), "--port", "99999"),
         "Error: --port 99999 is not a port number; give one from 1 to 65535, e.g. --port 8000."),
        (("users", "add", " ", "--db", str(db), "--password-env", "PW"),
         "Error: The e-mail address is empty; give the account's address, e.g. name@example.org."),
    ):
        monkeypatch.setattr(sys, "argv", ["culturecoop", *args])
        assert cli_main._run() == 2
        assert " ".join(capsys.readouterr().err.split()) == said
