"""Donations and memberships sold as a ticket type.

Eventbrite, Billetweb, HelloAsso, Weezevent and Ticket Tailor sell a donation or a membership as one
more ticket type: the attendee export's "Ticket Type" (« Tarif », « Type de billet ») holds
"General Admission", "Student", and "Donation", « Adhésion annuelle ». Those rows were counted as
tickets: attendance and revenue swollen, donors made patrons of a show they never attended. Now
`mapping draft` maps that column to `line_kind` too, the types that are no tickets as `other`, the
others as `ticket`, any type it did not see (`"*": ticket`) a ticket; `prepare` leaves the others out
and says so. Each test runs the real command on a generated export, as a member does.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from conftest import run_cli_here as run_cli

_FIRST = ["Emily", "Ethan", "Olivia", "Noah", "Chloé", "Liam", "Maya", "Lucas"]
_LAST = ["Whitfield", "Kowalczyk", "Nguyen", "Tremblay", "Singh", "Okafor", "Gagnon", "Rossi"]
_EVENTBRITE = ["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Ticket Type", "Attendee #",
               "Event Name", "Event ID", "Currency", "Total Paid"]
_PRICES = {"General Admission": "30.00", "Student": "20.00", "Donation": "25.00", "Membership 2026": "60.00",
           "Senior": "22.00", "Billet + parking": "40.00", "Pass Don Giovanni": "90.00",
           "Concert de soutien": "35.00", "Donation in memory of Jean Roy": "50.00"}


def _write(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _eventbrite_rows(types: list[str], first: int = 0) -> list[list[str]]:
    """Eventbrite attendee rows, one a type, each by a buyer of their own."""
    rows = []
    for n, kind in enumerate(types, start=first):
        who = (_FIRST[n % 8], _LAST[(n * 3) % 8])
        rows.append([str(13351000 + n), f"2026-02-{1 + n % 28:02d} 11:{n % 60:02d}:00-05:00", *who,
                     f"{who[0].lower()}.{who[1].lower()}{n}@example.com", "1", kind, str(1820000001 + n),
                     "Jazz at the Annex: Sunday Sessions", "884213370551", "CAD", _PRICES[kind]])
    return rows


def _eventbrite(tmp_path: Path, types: list[str], name: str = "attendees") -> Path:
    return _write(tmp_path / f"{name}.csv", _EVENTBRITE, _eventbrite_rows(types))


# 26 attendees: 20 tickets (12 General Admission, 8 Student), 4 donations, 2 memberships.
_GALA = ["General Admission", "Student", "General Admission", "Donation", "General Admission", "Student",
         "General Admission", "Membership 2026", "General Admission", "Student", "Donation", "General Admission",
         "Student", "General Admission", "General Admission", "Donation", "Student", "General Admission",
         "Membership 2026", "Student", "General Admission", "Donation", "Student", "General Admission", "Student",
         "General Admission"]


def _draft(export: Path, lang: str = "en", suffix: str = "") -> tuple[dict[str, Any], str, str]:
    out = export.with_name(export.stem + suffix + ".yaml")
    result = run_cli("mapping", "draft", str(export), "--out", str(out), lang=lang)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    return yaml.safe_load(text), " ".join(text.split()), " ".join((result.stdout + result.stderr).split())


def _with_pooling(mapping: Path) -> None:
    """The drafted mapping with consent to pooling stated, as a member completes it."""
    data = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    data.update(consent_defaults={"pooling": True}, consent_basis="Article 7 of our terms of sale")
    mapping.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _prepare(export: Path, mapping: Path, keys: Path, out: Path, lang: str = "en") -> tuple[dict[str, Any], str]:
    result = run_cli("prepare", str(export), "--member", "m1", "--mapping", str(mapping), "--keys", str(keys),
                     "--out", str(out), "--json", lang=lang)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), " ".join(result.stderr.split())


def test_donations_and_memberships_sold_as_ticket_types_are_left_out(tmp_path: Path, keys: Path) -> None:
    export = _eventbrite(tmp_path, _GALA)
    assert (_GALA.count("Donation"), _GALA.count("Membership 2026"), len(_GALA)) == (4, 2, 26)
    mapping, text, said = _draft(export)
    # The ticket type stays what it was and says, beside, what each row sold.
    assert mapping["columns"]["line_kind"] == "Ticket Type"
    assert mapping["line_kind_values"] == {"General Admission": "ticket", "Student": "ticket", "Donation": "other",
                                           "Membership 2026": "other", "*": "ticket"}
    assert "line_kind: Ticket Type # CHECK: " in text
    assert "Donation: other # not a ticket: a donation, left out" in text
    assert "Membership 2026: other # not a ticket: a membership, left out" in text
    assert ("« Donation » and « Membership 2026 » in « Ticket Type » are not tickets: their rows will be left out. "
            "If they are tickets, set them to ticket under line_kind_values.") in text
    assert "« Donation » and « Membership 2026 » in « Ticket Type » are not tickets" in said

    mapping_file = export.with_name(export.stem + ".yaml")
    _with_pooling(mapping_file)
    out = tmp_path / "pkg"
    summary, told = _prepare(export, mapping_file, keys, out)
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_rejected"], summary["not_tickets"]) == (
        20, 20, 0, 6)
    assert "Rows read: 26 = 20 accepted + 0 rejected + 6 left out (not tickets)." in told
    assert "6 rows are not tickets (donations, memberships, shop sales): left out." in told
    # Attendance and revenue are the tickets' only: 12 at 30 $ and 8 at 20 $, no gift nor membership.
    tickets = pq.read_table(out / "ticket.parquet").to_pylist()
    assert len(tickets) == 20
    assert sum(t["unit_price"] * t["quantity"] for t in tickets) == Decimal("520.00")
    assert {t["unit_price"] for t in tickets} == {Decimal("30.00"), Decimal("20.00")}
    # No donor became a patron of the show.
    assert summary["rows_per_table"]["patron"] == 20


def test_a_french_tariff_with_a_free_donation_and_a_yearly_membership(tmp_path: Path, keys: Path) -> None:
    tariffs = ["Plein tarif", "Réduit", "Don libre", "Plein tarif", "Plein tarif", "Adhésion annuelle", "Réduit",
               "Plein tarif", "Don libre", "Réduit"] * 3
    prices = {"Plein tarif": "24,00", "Réduit": "16,00", "Don libre": "10,00", "Adhésion annuelle": "15,00"}
    rows = [[f"HA{700 + i}", f"{1 + i % 28:02d}/09/2026 18:{i % 60:02d}", _FIRST[i % 8], _LAST[(i * 5) % 8],
             f"{_FIRST[i % 8].lower()}.{i}@exemple.fr", tariff, "Le Misanthrope", "03/10/2026 20:30",
             prices[tariff]] for i, tariff in enumerate(tariffs)]
    export = _write(tmp_path / "helloasso.csv", ["Numéro de commande", "Date de la commande", "Prénom", "Nom",
                                                 "Email", "Tarif", "Spectacle", "Date de la représentation",
                                                 "Montant"], rows, delimiter=";")
    mapping, text, said = _draft(export, lang="fr")
    assert mapping["columns"]["line_kind"] == "Tarif"
    assert mapping["line_kind_values"] == {"Plein tarif": "ticket", "Réduit": "ticket", "Don libre": "other",
                                           "Adhésion annuelle": "other", "*": "ticket"}
    assert "line_kind: Tarif # À VÉRIFIER : " in text
    assert "Don libre: other # pas un billet : un don, laissé de côté" in text
    assert ("« Don libre » et « Adhésion annuelle » dans « Tarif » ne sont pas des billets : ces lignes seront "
            "laissées de côté. Si c’en sont, mettez-les à `ticket` (billet) dans `line_kind_values`.") in text
    assert "dans « Tarif » ne sont pas des billets" in said

    mapping_file = export.with_name(export.stem + ".yaml")
    _with_pooling(mapping_file)
    summary, told = _prepare(export, mapping_file, keys, tmp_path / "pkg", lang="fr")
    assert (summary["rows_in"], summary["rows_accepted"], summary["not_tickets"]) == (21, 21, 9)
    assert "9 lignes ne sont pas des billets (dons, adhésions, boutique) : laissées de côté." in told
    tickets = pq.read_table(tmp_path / "pkg" / "ticket.parquet").to_pylist()
    assert sum(t["unit_price"] for t in tickets) == Decimal("24.00") * 12 + Decimal("16.00") * 9


def test_one_ticket_type_that_is_no_ticket_is_said_in_the_singular(tmp_path: Path) -> None:
    tariffs = ["Plein tarif", "Réduit", "Plein tarif", "Don libre"] * 5
    rows = [[f"HA{700 + i}", f"{1 + i % 28:02d}/09/2026 18:{i % 60:02d}", _FIRST[i % 8], _LAST[(i * 5) % 8],
             f"{_FIRST[i % 8].lower()}.{i}@exemple.fr", tariff, "Le Misanthrope", "03/10/2026 20:30", "12,00"]
            for i, tariff in enumerate(tariffs)]
    export = _write(tmp_path / "billetweb.csv", ["Commande", "Date", "Prénom", "Nom", "Email", "Type de billet",
                                                 "Spectacle", "Séance", "Prix"], rows, delimiter=";")
    mapping, text, _said = _draft(export, lang="fr")
    assert mapping["columns"]["line_kind"] == "Type de billet"
    assert ("« Don libre » dans « Type de billet » n’est pas un billet : ses lignes seront laissées de côté. "
            "Si c’en est un, mettez-le à `ticket` (billet) dans `line_kind_values`.") in text
    _mapping, text_en, _said = _draft(export, suffix="-en")
    assert ("« Don libre » in « Type de billet » is not a ticket: its rows will be left out. If it is a ticket, "
            "set it to ticket under line_kind_values.") in text_en


def test_a_ticket_with_parking_an_opera_named_don_and_a_benefit_concert_stay_tickets(tmp_path: Path,
                                                                                       keys: Path) -> None:
    types = ["General Admission", "Billet + parking", "Pass Don Giovanni", "Concert de soutien", "Student"] * 5
    export = _eventbrite(tmp_path, types)
    mapping, text, _said = _draft(export)
    assert "line_kind" not in mapping["columns"]
    assert "line_kind_values" not in text
    mapping_file = export.with_name(export.stem + ".yaml")
    _with_pooling(mapping_file)
    summary, told = _prepare(export, mapping_file, keys, tmp_path / "pkg")
    assert (summary["rows_in"], summary["rows_accepted"], summary["not_tickets"]) == (25, 25, 0)
    assert "left out" not in told


def test_a_ticket_type_the_draft_never_saw_is_a_ticket(tmp_path: Path, keys: Path) -> None:
    """Next month's export, prepared with the same mapping, sells a "Senior" type the draft's export
    had not: its rows are tickets, neither rejected nor a reason to stop; a "Donation" row, and a
    donation type the draft never saw, are still left out."""
    export = _eventbrite(tmp_path, _GALA)
    _mapping, _text, _said = _draft(export)
    mapping_file = export.with_name(export.stem + ".yaml")
    _with_pooling(mapping_file)
    later = ["Senior", "General Admission", "Senior", "Donation", "Senior", "Student", "Senior", "Senior",
             "General Admission", "Senior", "Senior", "Senior", "Donation in memory of Jean Roy"]
    march = _write(tmp_path / "attendees-march.csv", _EVENTBRITE, _eventbrite_rows(later, first=100))
    out = tmp_path / "pkg"
    summary, told = _prepare(march, mapping_file, keys, out)
    assert summary["rejects_by_reason"] == {}, summary["rejects_by_reason"]
    # A donation type the draft never saw, read as the draft reads them: left out, not a ticket by default.
    assert (summary["rows_in"], summary["rows_accepted"], summary["rows_rejected"], summary["not_tickets"]) == (
        11, 11, 0, 2)
    tickets = pq.read_table(out / "ticket.parquet").to_pylist()
    assert sum(1 for t in tickets if t["unit_price"] == Decimal("22.00")) == 8
    assert "Rows read: 13 = 11 accepted + 0 rejected + 2 left out (not tickets)." in told
