"""`culturecoop users ...`: accounts of the dashboard, first of all the first admin."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import typer

from culturecoop.cli.app import app, console, emit_json
from culturecoop.errors import UserError
from culturecoop.i18n import _

users_app = typer.Typer(help="Accounts of the dashboard and the API.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    email: str = typer.Argument(..., help="E-mail address, used to sign in."),
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    role: str = typer.Option("coop_admin", "--role", help="coop_admin, member_admin or member_analyst."),
    member: str = typer.Option(None, "--member", help="Member of the account (not for coop_admin)."),
    name: str = typer.Option(None, "--name", help="Name shown in the dashboard."),
    lang: str = typer.Option("fr", "--language", help="Interface language: fr or en."),
    password_env: str = typer.Option(
        None, "--password-env", help="Read the password from this environment variable instead of asking."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Create an account (the first cooperative admin, or any account in a script)."""
    from culturecoop.analytics.wording import ROLES
    from culturecoop.cli.code_words import read_code
    from culturecoop.governance.accounts import create_account
    from culturecoop.i18n import LANGUAGES
    from culturecoop.warehouse.engine import Warehouse

    role = read_code(role, ROLES) or role  # « analyste du membre » as well as member_analyst
    lang = lang.strip().lower()
    if lang not in LANGUAGES:
        raise UserError(_("--language {lang} is not a language of the dashboard; use --language fr or --language en.").format(lang=lang))
    if role in ("member_admin", "member_analyst") and not (member or "").strip():
        # The service's « give the member's identifier » named no option (the web form has a field).
        raise UserError(_("--role {role} is a member's account; name its member with --member, e.g. --member "
                          "jazz-dieze.").format(role=role))
    new = not os.path.lexists(db)  # a broken link is no new warehouse: never removed below
    if new and role != "coop_admin":
        # A mistyped --db would otherwise leave an empty warehouse behind, and an account nobody can use.
        raise UserError(_("There is no warehouse at {db}; check the path given with --db (a new cooperative's "
                          "first account is its admin: --role coop_admin).").format(db=db))
    if password_env:
        password = os.environ.get(password_env, "")
        if not password:
            raise UserError(_("The environment variable {name} is empty; put the password in it.").format(name=password_env))
    else:
        if not sys.stdin.isatty():
            raise UserError(_("There is no terminal to type the password in; put it in an environment variable "
                              "and give its name with --password-env."))
        password = getpass.getpass(_("Password: "))
        if password != getpass.getpass(_("Password again: ")):
            raise UserError(_("The two passwords differ; type the same password twice."))
    try:
        with Warehouse(db, create=True) as warehouse:
            account = create_account(warehouse, email=email, password=password, role=role, member_id=member,
                                     display_name=name, language=lang)
    except BaseException:
        if new:  # refused: no empty warehouse left behind
            for leftover in (db, db.with_name(db.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    if new:
        console.print(_("There was no warehouse at {db}: a new, empty one holds this first account. If you "
                        "meant an existing cooperative, check the path given with --db.").format(db=db))
    if as_json:
        emit_json(account.public())
        return
    console.print(_("Account {email} created ({role}{member}).").format(
        email=account.email, role=_role(account.role), member=f", {account.member_id}" if account.member_id else ""))


def _role(code: str) -> str:
    """An account's role as its reader names it (« Administrateur du membre », not member_admin)."""
    from culturecoop.analytics.wording import label
    from culturecoop.i18n import current_language

    return label("role", code, current_language())


@users_app.command("list")
def users_list(
    db: Path = typer.Option(..., "--db", help="Warehouse file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the accounts (no password hashes)."""
    from rich.table import Table

    from culturecoop.governance.accounts import list_accounts
    from culturecoop.warehouse.engine import Warehouse

    with Warehouse(db, create=False) as warehouse:
        found = list_accounts(warehouse)
    if as_json:
        emit_json([a.public() for a in found])
        return
    table = Table()
    for column in (_("e-mail"), _("role"), _("member"), _("state")):
        table.add_column(column)
    for a in found:
        table.add_row(a.email, _role(a.role), a.member_id or "–", _("disabled") if a.disabled else _("active"))
    console.print(table)
