"""Issue 9's acceptance for `mapping draft`: on each supported layout, the drafted mapping
with no edit but a consent default accepts at least 97 % of the good rows, through the real
pipeline (`mapping check`, then `prepare`), and the values that land are the truth's.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import load_profile
from draft_support import write
from test_prepare_support import read_table, run_cli, tid
from vendors import EXPORTED_ON, VENDORS

CONSENT = 'consent_defaults: {pooling: true}\nconsent_basis: "Our terms of sale (article 7) say so."\n'
TODAY = date(2026, 6, 15)


def with_consent_default(text: str) -> str:
    """The one edit a member makes to a draft: state the pooling default and its basis."""
    assert "\ncolumns:\n" in text
    return text.replace("\ncolumns:\n", "\n" + CONSENT + "columns:\n", 1)


def listing(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("vendor", VENDORS)
def test_drafted_mapping_accepts_the_good_rows(vendor: str, tmp_path: Path) -> None:
    truth = write(tmp_path, vendor, rows=400, seed=31 + VENDORS.index(vendor))
    mapping = tmp_path / "drafted.yaml"
    drafted = run_cli("mapping", "draft", str(truth.path), "--out", str(mapping))
    assert drafted.returncode == 0, drafted.stderr
    text = mapping.read_text(encoding="utf-8")
    if "consent_pooling" not in text.split("\ncolumns:\n", 1)[1]:
        mapping.write_text(with_consent_default(text), encoding="utf-8")
    before = listing(tmp_path)
    checked = run_cli("mapping", "check", str(truth.path), "--mapping", str(mapping), "--json")
    assert checked.returncode == 0, checked.stderr
    assert listing(tmp_path) == before  # `mapping check` writes nothing
    summary = json.loads(checked.stdout)
    share = summary["rows_accepted"] / truth.good_rows
    print(f"{vendor}: {summary['rows_accepted']} of {truth.good_rows} good rows accepted ({share:.1%}), "
          f"{summary['rows_rejected']} rejected of {len(truth.bad_rows)} planted bad")
    assert share >= 0.97
    assert summary["rows_accepted"] == truth.good_rows
    assert summary["rows_rejected"] == len(truth.bad_rows)
    assert summary["consent"]["purposes"]["pooling"]["granted"] > 0


@pytest.mark.parametrize("vendor", VENDORS)
def test_drafted_mapping_lands_the_truth(vendor: str, tmp_path: Path, keys: Path) -> None:
    """Times in the right zone, cents scaled, refunds as refunds, order lines kept."""
    truth = write(tmp_path, vendor, rows=200, seed=53 + VENDORS.index(vendor))
    draft = draft_mapping(truth.path)
    mapping = tmp_path / "drafted.yaml"
    mapping.write_text(with_consent_default(draft.yaml_text) if vendor != "billetterie-fr" else draft.yaml_text,
                       encoding="utf-8")
    out = tmp_path / "pkg"
    summary = prepare(truth.path, member=MemberInfo("m1", "m1"), profile=load_profile(path=mapping),
                      keys_dir=keys, out=out, today=max(TODAY, EXPORTED_ON.date()))
    assert summary.rows_accepted == truth.good_rows
    tickets = {row["ticket_id"]: row for row in read_table(out, "ticket")}
    assert len(tickets) == len(truth.tickets)
    for ticket in truth.tickets:
        key = ticket.ticket_id if ticket.ticket_id is not None else f"{ticket.order_id}#{ticket.position}"
        row = tickets[tid(key, keys)]
        assert row["purchased_at"].replace(second=0) == ticket.purchased_at.replace(second=0), ticket.line
        assert row["unit_price"] == ticket.unit_price.quantize(Decimal("0.01")), ticket.line
        assert (row["status"], row["quantity"], row["currency"]) == (ticket.status, ticket.quantity, ticket.currency)
    events = {row["event_id"]: row for row in read_table(out, "event")}
    starts = {t.show.starts_at for t in truth.tickets}
    if "event_starts_at" in draft.mapping["columns"]:
        assert {e["starts_at"] for e in events.values()} == starts


def test_check_gives_the_guards_verdict_and_writes_nothing(tmp_path: Path) -> None:
    """A status word nobody knows: the draft lists it as still to decide, and `check` gives the
    guard's verdict (one sentence naming the setting, exit 2) and writes nothing."""
    export = tmp_path / "ventes.csv"
    lines = ["No billet;Date d'achat;Courriel;Prix;Statut;Spectacle"]
    lines += [f"{i};{1 + i % 28:02d}/02/2026 20:00;p{i}@x.example;12,50;Honoré;Gala" for i in range(60)]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = tmp_path / "ventes.yaml"
    drafted = run_cli("mapping", "draft", str(export), "--out", str(mapping), "--json")
    assert drafted.returncode == 0, drafted.stderr
    assert any("Honoré" in item for item in json.loads(drafted.stdout)["undecided"])
    mapping.write_text(with_consent_default(mapping.read_text(encoding="utf-8")), encoding="utf-8")
    before = listing(tmp_path)
    result = run_cli("mapping", "check", str(export), "--mapping", str(mapping))
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert "status_values" in message and "Honoré" in message, message
    assert "Traceback" not in message and message.count("\n") == 0
    assert listing(tmp_path) == before
