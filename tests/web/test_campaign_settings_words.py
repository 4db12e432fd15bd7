"""`culturecoop campaigns settings` says each rule in the reader's language with its unit, as
`privacy show` says the policy (it printed « frequency_cap: 3 », « rate_per_second: 50.0 »)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli_here

from culturecoop.warehouse.engine import Warehouse


def test_the_campaign_rules_read_as_sentences(tmp_path: Path) -> None:
    db = tmp_path / "coop.duckdb"
    Warehouse(db, create=True).close()
    changed = run_cli_here("campaigns", "settings", "--db", str(db), "--cap", "1", "--days", "1", "--holdout", "0.125",
                           "--rate", "0.5", "--require-approval", lang="fr")
    assert changed.returncode == 0, changed.stderr
    said = " ".join(changed.stderr.split())
    assert "Courriels de la coopérative par personne : au plus 1 courriel en 1 jour (le plafond de fréquence)." in said, said
    assert "Chaque campagne est approuvée par l’administration de la coopérative avant son envoi." in said, said
    assert "(le groupe témoin) : 12,5 % de son public." in said, said
    assert "Cadence d’envoi : 0,5 message par seconde." in said, said
    assert "Adresse d’expédition : campagnes@culturecoop.invalid." in said, said
    assert not any(key in said for key in ("frequency_cap", "rate_per_second", "require_approval", "True", "0.125")), said
    shown = run_cli_here("campaigns", "settings", "--db", str(db), "--cap", "3", "--days", "7", "--rate", "0", "--no-approval")
    said = " ".join(shown.stderr.split())
    assert "Cooperative e-mails per person: at most 3 e-mails in 7 days (the frequency cap)." in said, said
    assert "Campaigns are sent without the cooperative admin's approval." in said and "Sending rate: no limit." in said, said
    assert "Kept aside at random by default to measure a campaign's effect (the holdout): 12.5% of its audience." in said, said
    keys = run_cli_here("campaigns", "settings", "--db", str(db), "--json")
    assert '"frequency_cap": 3' in keys.stdout  # the JSON keeps its keys
