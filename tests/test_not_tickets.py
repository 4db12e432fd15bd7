"""Rows that sold no ticket: a donation, a membership, merchandise, parking, a gift card.

Zeffy exports donations beside tickets (« Type » : « Billet », « Don », « Adhésion »), shops and
tills their merchandise and gift cards ("Item Type"). Each such row was counted as a ticket of its
event: attendance and revenue inflated, silently. Now `mapping draft` maps the column to
`line_kind` with `line_kind_values`, and `prepare` leaves those rows out of the package, counts them
and says so; a value nobody said is a ticket or not is rejected, never passed. Each test runs the
real command on a generated export, as a member does.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from conftest import run_cli_here as run_cli

_FIRST = ["Louise", "Sébastien", "François", "Camille", "Hugo", "Inès", "Jules", "Manon"]
_LAST = ["Girard", "Bertrand", "Roux", "Fournier", "Morel", "Lambert", "Bonnet", "Mercier"]


def _write(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ";") -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _zeffy(tmp_path: Path, kinds: list[str], n: int = 40) -> Path:
    """A Zeffy-like export of one campaign: every row names the gala, tickets at 25 $, donations and
    memberships at 50 $."""
    rows = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        price = "25,00" if kind == "Billet" else "50,00"
        rows.append([f"Z{1000 + i}", f"{1 + i % 28:02d}/11/2026 10:{i % 60:02d}", kind, "Gala de Noël 2026",
                     "12/12/2026 19:30", price, "Payé", _FIRST[i % 8], _LAST[(i * 3) % 8],
                     f"{_FIRST[i % 8].lower()}.{i}@exemple.ca"])
    return _write(tmp_path / "zeffy_transactions.csv",
                  ["Numéro de transaction", "Date", "Type", "Campagne", "Date de l'événement", "Montant", "Statut",
                   "Prénom", "Nom", "Courriel"], rows)


def _draft(export: Path, lang: str = "en") -> tuple[dict, str]:
    out = export.with_name(export.stem + ".yaml")
    result = run_cli("mapping", "draft", str(export), "--out", str(out), lang=lang)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    return yaml.safe_load(text), text


def _prepare(export: Path, mapping: Path, keys: Path, out: Path, lang: str = "en") -> tuple[dict, str]:
    result = run_cli("prepare", str(export), "--member", "m1", "--mapping", str(mapping), "--keys", str(keys),
                     "--out", str(out), "--json", lang=lang)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), " ".join(result.stderr.split())


def _with_pooling(mapping: Path) -> None:
    """The drafted mapping with consent to pooling stated, as a member completes it."""
    data = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    data.update(consent_defaults={"pooling": True}, consent_basis="Article 7 of our terms of sale")
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_zeffy_export_keeps_its_tickets_and_leaves_donations_and_memberships_out(tmp_path: Path,
                                                                                    keys: Path) -> None:
    export = _zeffy(tmp_path, ["Billet", "Billet", "Billet", "Don", "Billet", "Billet", "Adhésion", "Billet"])
    mapping, text = _draft(export, lang="fr")
    assert mapping["columns"]["line_kind"] == "Type"
    assert mapping["line_kind_values"] == {"Billet": "ticket", "Don": "other", "Adhésion": "other"}
    # One comment per value, in the member's language, and the column's reason.
    assert "Don: other  # pas un billet : un don, laissé de côté" in text
    assert "Adhésion: other  # pas un billet : une adhésion, laissé de côté" in text
    assert "Billet: ticket  # un billet" in text
    assert "line_kind: Type  # dit ce que chaque ligne a vendu : « Don », « Adhésion » ne sont pas des billets" in text

    mapping_file = export.with_name(export.stem + ".yaml")
    _with_pooling(mapping_file)
    out = tmp_path / "pkg"
    summary, said = _prepare(export, mapping_file, keys, out, lang="fr")
    # 40 rows: 30 tickets, 5 donations, 5 memberships.
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_rejected"], summary["not_tickets"]) == (
        30, 30, 0, 10)
    assert summary["rows_in"] + summary["not_tickets"] == 40
    assert "Lignes lues : 40 = 30 acceptées + 0 rejetées + 10 laissées de côté (pas des billets)." in said
    assert "10 lignes ne sont pas des billets (dons, adhésions, boutique) : laissées de côté." in said
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = manifest["rows"]
    assert (rows["in"], rows["accepted"], rows["rejected"], rows["not_tickets"]) == (30, 30, 0, 10)
    # The gala's attendance and revenue are its tickets' only: 30 admissions at 25 $, no gift in them.
    tickets = pq.read_table(out / "ticket.parquet").to_pylist()
    assert len(tickets) == 30 and summary["rows_per_table"]["ticket"] == 30
    assert sum(t["quantity"] for t in tickets) == 30
    assert sum(t["unit_price"] * t["quantity"] for t in tickets) == Decimal("750.00")
    assert {t["unit_price"] for t in tickets} == {Decimal("25.00")}
    assert summary["rows_per_table"]["event"] == 1
    # No donor became a patron through a donation alone: patrons are the ticket buyers.
    assert summary["rows_per_table"]["patron"] == 30
    assert not out.with_name(out.name + ".rejects.csv").read_text(encoding="utf-8").strip().split("\n")[1:]

    english = tmp_path / "pkg-en"
    _summary, said_en = _prepare(export, mapping_file, keys, english)
    assert "Rows read: 40 = 30 accepted + 0 rejected + 10 left out (not tickets)." in said_en
    assert "10 rows are not tickets (donations, memberships, shop sales): left out." in said_en

    check = run_cli("mapping", "check", str(export), "--mapping", str(mapping_file))
    assert check.returncode == 0, check.stderr
    assert "10 rows are not tickets (donations, memberships, shop sales): they would be left out." in " ".join(
        (check.stdout + check.stderr).split())


def test_one_donation_is_said_in_the_singular(tmp_path: Path, keys: Path) -> None:
    export = _zeffy(tmp_path, ["Billet"] * 19 + ["Don"], n=20)
    _mapping, _text = _draft(export)
    mapping_file = export.with_name(export.stem + ".yaml")
    _with_pooling(mapping_file)
    summary, said = _prepare(export, mapping_file, keys, tmp_path / "pkg", lang="fr")
    assert (summary["rows_in"], summary["not_tickets"]) == (19, 1)
    assert "Une ligne n’est pas un billet (un don, une adhésion, la boutique) : laissée de côté." in said


def _shop(tmp_path: Path, kinds: list[str]) -> Path:
    """A shop's orders export (Shopify-like): tickets to a show beside merchandise, gift cards, parking."""
    names = {"Ticket": "Tartuffe - Sat Mar 14 2026 8pm", "Merchandise": "Tote bag", "Gift Card": "Gift card $50",
             "Parking": "Parking - Mar 14", "Workshop": "Costume workshop"}
    prices = {"Ticket": "32.00", "Merchandise": "18.00", "Gift Card": "50.00", "Parking": "12.00", "Workshop": "40.00"}
    rows = []
    for i in range(48):
        kind = kinds[i % len(kinds)]
        rows.append([f"#{1100 + i // 2}", f"2026-02-{1 + i % 28:02d} 14:{i % 60:02d}:00 -0500", names[kind], kind,
                     "1", prices[kind], "paid", f"buyer{i // 2}@example.com", _FIRST[i % 8], _LAST[i % 8]])
    return _write(tmp_path / "orders_export.csv",
                  ["Name", "Created at", "Lineitem name", "Item Type", "Lineitem quantity", "Lineitem price",
                   "Financial Status", "Email", "Billing First Name", "Billing Last Name"], rows, delimiter=",")


def test_a_shops_merchandise_gift_cards_and_parking_are_left_out(tmp_path: Path, keys: Path) -> None:
    export = _shop(tmp_path, ["Ticket", "Ticket", "Merchandise", "Ticket", "Gift Card", "Ticket", "Parking", "Ticket"])
    mapping, text = _draft(export)
    assert mapping["columns"]["line_kind"] == "Item Type"
    assert mapping["line_kind_values"] == {"Ticket": "ticket", "Merchandise": "other", "Gift Card": "other",
                                           "Parking": "other"}
    assert "Gift Card: other  # not a ticket: a gift card, left out" in text
    mapping_file = export.with_name(export.stem + ".yaml")
    _with_pooling(mapping_file)
    out = tmp_path / "pkg"
    summary, said = _prepare(export, mapping_file, keys, out)
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_rejected"], summary["not_tickets"]) == (
        30, 30, 0, 18)
    assert "18 rows are not tickets (donations, memberships, shop sales): left out." in said
    events = pq.read_table(out / "event.parquet").to_pylist()
    assert len(events) == 1, events  # the tote bag, the gift card and the parking are no shows
    tickets = pq.read_table(out / "ticket.parquet").to_pylist()
    assert sum(t["unit_price"] for t in tickets) == Decimal("960.00")  # 30 tickets at 32 $


def test_a_value_nobody_said_is_a_ticket_or_not_is_rejected_and_left_to_decide(tmp_path: Path, keys: Path) -> None:
    """"Workshop" is neither a ticket word nor another's: the draft leaves it to the member, and
    `prepare` rejects its rows with their reason rather than count them as tickets or drop them."""
    kinds = ["Ticket"] * 7 + ["Merchandise"] + ["Ticket"] * 7 + ["Workshop"]
    export = _shop(tmp_path, kinds)
    mapping, _text = _draft(export)
    draft = run_cli("mapping", "draft", str(export), "--out", str(tmp_path / "again.yaml"))
    said = " ".join(draft.stderr.split()) + " ".join(draft.stdout.split())
    assert "Workshop" not in mapping["line_kind_values"]
    assert "cannot tell whether « Workshop » is a ticket" in said
    mapping_file = export.with_name(export.stem + ".yaml")
    _with_pooling(mapping_file)
    out = tmp_path / "pkg"
    summary, _said = _prepare(export, mapping_file, keys, out)
    assert summary["rejects_by_reason"] == {"bad_line_kind": 3}
    assert (summary["rows_in"], summary["rows_rejected"], summary["not_tickets"]) == (45, 3, 3)
    assert summary["rows_in"] == summary["rows_accepted"] + summary["rows_rejected"]


def test_many_rows_of_an_unknown_kind_stop_prepare_with_the_setting_that_fixes_it(tmp_path: Path,
                                                                                  keys: Path) -> None:
    export = _shop(tmp_path, ["Ticket", "Workshop"])
    mapping_file = tmp_path / "shop.yaml"
    mapping_file.write_text(yaml.safe_dump({
        "datetime_formats": ["%Y-%m-%d %H:%M:%S %z"], "consent_defaults": {"pooling": True},
        "consent_basis": "Article 7",
        "columns": {"order_id": "Name", "purchased_at": "Created at", "event_id": "Lineitem name",
                    "line_kind": "Item Type", "quantity": "Lineitem quantity", "unit_price": "Lineitem price",
                    "email": "Email"}}), encoding="utf-8")
    result = run_cli("prepare", str(export), "--member", "m1", "--mapping", str(mapping_file), "--keys", str(keys),
                     "--out", str(tmp_path / "pkg"))
    said = " ".join(result.stderr.split())
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "line_kind_values: {Workshop: ticket}" in said, said
    assert not (tmp_path / "pkg").exists()


def test_a_tariff_a_category_of_seats_a_means_of_payment_and_the_status_are_never_taken(tmp_path: Path) -> None:
    tariffs = ["Adulte", "Étudiant", "Aîné", "Enfant"]
    statuses = ["Payé", "Payé", "Payé", "Remboursé"]
    means = ["Carte", "Comptant", "Interac"]
    rows = [[f"B{500 + i}", f"{1 + i % 28:02d}/10/2026 12:00", "Les Belles-Sœurs", "14/11/2026 20:00",
             tariffs[i % 4], tariffs[(i + 1) % 4], "Billet", means[i % 3], statuses[i % 4], "30,00",
             f"{_FIRST[i % 8].lower()}.{i}@exemple.ca"] for i in range(40)]
    export = _write(tmp_path / "ventes.csv",
                    ["No billet", "Date d'achat", "Spectacle", "Représentation", "Tarif", "Catégorie", "Type",
                     "Type de paiement", "Statut", "Prix", "Courriel"], rows)
    mapping, _text = _draft(export)
    assert "line_kind" not in mapping["columns"]
    assert "line_kind_values" not in mapping
    assert mapping["columns"]["status"] == "Statut"


def test_an_export_without_such_a_column_is_prepared_as_before(tmp_path: Path, keys: Path) -> None:
    export = _zeffy(tmp_path, ["Billet"])
    with export.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    plain = _write(tmp_path / "billets.csv", [c for c in rows[0] if c != "Type"],
                   [[c for j, c in enumerate(r) if j != 2] for r in rows[1:]])
    mapping, text = _draft(plain)
    assert "line_kind" not in mapping["columns"] and "line_kind_values" not in text
    mapping_file = plain.with_name(plain.stem + ".yaml")
    _with_pooling(mapping_file)
    out = tmp_path / "pkg"
    summary, said = _prepare(plain, mapping_file, keys, out)
    assert (summary["rows_in"], summary["rows_accepted"], summary["not_tickets"]) == (40, 40, 0)
    assert "Rows read: 40 = 40 accepted + 0 rejected." in said
    assert "not tickets" not in said and "left out" not in said
    assert "not_tickets" not in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["rows"]


def test_a_mapping_says_ticket_or_other_and_nothing_else(tmp_path: Path) -> None:
    export = _zeffy(tmp_path, ["Billet", "Don"])
    mapping_file = tmp_path / "m.yaml"
    mapping_file.write_text(yaml.safe_dump({
        "line_kind_values": {"Don": "gift"},
        "columns": {"ticket_id": "Numéro de transaction", "purchased_at": "Date", "event_id": "Campagne",
                    "line_kind": "Type", "unit_price": "Montant", "email": "Courriel"}}, allow_unicode=True),
        encoding="utf-8")
    result = run_cli("mapping", "check", str(export), "--mapping", str(mapping_file))
    said = " ".join(result.stderr.split())
    assert result.returncode != 0 and "line_kind_values maps Don to gift, which is not one of ticket, other" in said


def test_the_member_apps_form_names_the_column_in_french_and_english(tmp_path: Path) -> None:
    import html
    import io
    import re

    from culturecoop.memberapp.app import MemberSettings, create_member_app
    from culturecoop.memberapp.workspace import Workspace
    from culturecoop.privacy.keys import init_keys
    from web.conftest import TestClient

    export = _zeffy(tmp_path, ["Billet", "Billet", "Don", "Adhésion"])
    work = tmp_path / "work"
    init_keys(tmp_path / "keys")
    added = Workspace(work).add(export.name, io.BytesIO(export.read_bytes()), "2026-11-30T10:00:00")
    app = create_member_app(MemberSettings(keys=tmp_path / "keys", work=work, port=8765, member_id="theatre-lilas"))
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    for language, label in (("fr", "Billet ou autre vente (don, adhésion, boutique)"),
                            ("en", "Ticket or other sale (donation, membership, shop)")):
        page = client.get(f"/exports/{added.export_id}?lang={language}")
        assert page.status_code == 200, page.text[:600]
        said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
        assert label in said
        # The drafted mapping chose the « Type » column for it.
        select = re.search(r'<select[^>]*name="field\.line_kind"[^>]*>(.*?)</select>', page.text, re.S)
        assert select is not None
        assert re.search(r'<option[^>]*value="Type"[^>]*selected', select.group(1)), select.group(1)[:400]


def test_an_order_written_on_its_first_line_gives_its_tickets_what_its_merchandise_line_holds(
        tmp_path: Path, keys: Path) -> None:
    """Shopify writes the order's status and time on its first line only: when that line is the tote
    bag, left out, the order's tickets still take them from it."""
    export = _shop(tmp_path, ["Merchandise", "Ticket"])
    with export.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    for row in rows[1::2]:
        row[1] = row[6] = ""  # the ticket line: no time, no status
    _write(export, header, rows, delimiter=",")
    mapping_file = tmp_path / "shop.yaml"
    mapping_file.write_text(yaml.safe_dump({
        "datetime_formats": ["%Y-%m-%d %H:%M:%S %z"], "consent_defaults": {"pooling": True},
        "consent_basis": "Article 7", "line_kind_values": {"Merchandise": "other", "Ticket": "ticket"},
        "columns": {"order_id": "Name", "purchased_at": "Created at", "event_id": "Lineitem name",
                    "line_kind": "Item Type", "status": "Financial Status", "quantity": "Lineitem quantity",
                    "unit_price": "Lineitem price", "email": "Email"}}), encoding="utf-8")
    summary, _said = _prepare(export, mapping_file, keys, tmp_path / "pkg")
    assert (summary["rows_in"], summary["rows_accepted"], summary["not_tickets"]) == (24, 24, 24)
    tickets = pq.read_table(tmp_path / "pkg" / "ticket.parquet").to_pylist()
    assert {t["status"] for t in tickets} == {"sold"} and all(t["purchased_at"] is not None for t in tickets)


def test_a_warning_is_said_with_french_typography(tmp_path: Path, keys: Path) -> None:
    """« Attention: » had no space before its colon in French (« Erreur : » had one)."""
    export = _zeffy(tmp_path, ["Billet"] * 20, n=20)
    _draft(export)
    _summary, said = _prepare(export, export.with_name(export.stem + ".yaml"), keys, tmp_path / "pkg", lang="fr")
    assert "Attention : Aucune colonne ni valeur par défaut ne donne le consentement" in said, said
    assert "Attention:" not in said
