"""What real exports need a mapping to say, one case each, checked in the warehouse.

Each test writes a small export laid out the way a real vendor writes it, with the quirk under
test, maps it with the mapping language (``docs/mapping.md``), runs ``prepare`` and ``ingest``
and asserts the value that lands in the warehouse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from culturecoop.errors import UserError
from culturecoop.privacy.encodings import bloom_encode, keyed_tokens
from culturecoop.privacy.keys import load_member_keys
from real_exports import Landed, csv_text, land
from test_prepare_support import read_table, tid

HEADER = ["Billet", "Commande", "Date achat", "Prix", "Événement", "Titre", "Date spectacle", "Courriel",
          "Prénom", "Nom", "Naissance", "Code postal", "Téléphone", "Statut"]
COLUMNS = {
    "ticket_id": "Billet", "order_id": "Commande", "purchased_at": "Date achat", "unit_price": "Prix",
    "event_id": "Événement", "event_title": "Titre", "event_starts_at": "Date spectacle", "email": "Courriel",
    "first_name": "Prénom", "last_name": "Nom", "birth_date": "Naissance", "postal_code": "Code postal",
    "phone": "Téléphone", "status": "Statut",
}
BASE: dict[str, Any] = {
    "format": "csv", "datetime_formats": ["%Y-%m-%d %H:%M"], "date_formats": ["%Y-%m-%d"],
    "consent_defaults": {"pooling": True}, "consent_basis": "Art. 7 of our terms of sale.",
}


def row(ticket: str, **values: Any) -> list[Any]:
    base = {"Billet": ticket, "Commande": "C" + ticket, "Date achat": "2026-03-01 10:00", "Prix": "25.00",
            "Événement": "E1", "Titre": "Soirée jazz", "Date spectacle": "2026-03-22 20:00",
            "Courriel": f"p{ticket}@exemple.ca", "Prénom": "Marie", "Nom": "Tremblay", "Naissance": "1980-05-17",
            "Code postal": "H2X 1Y4", "Téléphone": "514 555 0199", "Statut": "Vendu"}
    base.update(values)
    return [base[h] for h in HEADER]


NEWCOMER_ROW = {"Ticket": "T{i}", "Purchase Date": "2026-03-01 10:15", "Event": "Gala", "Event Date": "2026-03-20 20:00",
                "Price": "25.00", "Email": "p{i}@x.example", "Phone": "514-555-12{i:02d}"}


def newcomer(tmp_path: Path, keys: Path | None, rows: int = 12, **cells: Any) -> tuple[Any, Any, Path]:
    """A small export (``NEWCOMER_ROW`` with ``cells`` in place: a value, or a list of one per
    row), drafted and prepared as drafted, nothing edited (only checked when ``keys`` is None):
    (the draft, prepare's summary, the package folder)."""
    from culturecoop.ingest.draft import draft_mapping
    from culturecoop.ingest.package import MemberInfo
    from culturecoop.ingest.prepare import check_export, prepare
    from culturecoop.ingest.profile import parse_profile
    from test_prepare_support import TODAY

    header = [h for h in NEWCOMER_ROW if cells.get(h, "") is not None] + [h for h in cells if h not in NEWCOMER_ROW]
    values = {**NEWCOMER_ROW, **cells}

    def cell(name: str, i: int) -> str:
        value = values[name]
        text = str(value[i] if isinstance(value, list) else value).format(i=i)
        return '"' + text.replace('"', '""') + '"'

    export = tmp_path / "ventes.csv"
    lines = [",".join(header)] + [",".join(cell(h, i) for h in header) for i in range(rows)]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    draft = draft_mapping(export)
    profile = parse_profile(draft.yaml_text, source="m.yaml")
    if keys is None:
        return draft, check_export(export, profile, today=TODAY), tmp_path
    summary = prepare(export, member=MemberInfo("m1", "m1"), profile=profile, keys_dir=keys, out=tmp_path / "pkg",
                      today=TODAY)
    return draft, summary, tmp_path / "pkg"


def landed(tmp_path: Path, keys: Path, rows: list[list[Any]], *, header: list[str] = HEADER,
           columns: dict[str, Any] | None = None, file_name: str = "export.csv", delimiter: str = ",",
           **settings: Any) -> Landed:
    export = tmp_path / file_name
    export.write_text(csv_text(header, rows, delimiter), encoding="utf-8")
    mapping = {**BASE, "delimiter": delimiter, **settings, "columns": columns or COLUMNS}
    return land(tmp_path, keys, export, mapping)


def subdir(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.mkdir()
    return path


def starts(result: Landed) -> dict[str, dt.datetime]:
    return {r["event_id"]: r["starts_at"] for r in result.rows("SELECT event_id, starts_at FROM event")}


def test_constant_and_file_name(tmp_path: Path, keys: Path) -> None:
    # Eventbrite's per-event attendee report: the event is only in the file name.
    columns = {k: v for k, v in COLUMNS.items() if k != "event_id"}
    result = landed(tmp_path, keys, [row("1"), row("2")], file_name="attendees-987654321-2026-03-22.csv",
                    columns={**columns, "event_id": {"file_name": "attendees-(\\d+)"},
                             "venue": {"value": "Le Dièse"}})
    assert result.rows("SELECT event_id, venue FROM event") == [{"event_id": "987654321", "venue": "Le Dièse"}]
    whole = landed(subdir(tmp_path, "2"), keys, [row("1")], file_name="Gala 2026.csv",
                   columns={**columns, "event_id": {"file_name": True}})
    assert whole.one("SELECT event_id FROM event")["event_id"] == "Gala 2026"


def test_file_name_pattern_that_does_not_match_is_one_sentence(tmp_path: Path, keys: Path) -> None:
    columns = {**COLUMNS, "event_id": {"file_name": "attendees-(\\d+)"}}
    with pytest.raises(UserError, match="does not match the mapping's pattern"):
        landed(tmp_path, keys, [row("1")], file_name="export.csv", columns=columns)
    assert not (tmp_path / "x-pkg").exists()


def test_fallback_from_attendee_to_buyer_email(tmp_path: Path, keys: Path) -> None:
    header = [*HEADER, "Courriel acheteur"]
    rows = [[*row("1", Courriel=""), "buyer@exemple.ca"], [*row("2", Courriel="guest@exemple.ca"), "buyer@exemple.ca"]]
    columns = {k: v for k, v in COLUMNS.items() if k != "email"}
    columns["email"] = ["Courriel", "Courriel acheteur"]
    result = landed(tmp_path, keys, rows, header=header, columns=columns)
    assert result.summary.rows_accepted == 2
    secret = load_member_keys(keys).linkage_secret
    tokens = {r["email_token"] for r in result.rows("SELECT email_token FROM patron")}
    assert tokens == set(keyed_tokens(["buyer@exemple.ca", "guest@exemple.ca"], "email", secret))


def test_patron_id_defaults_to_the_email(tmp_path: Path, keys: Path) -> None:
    rows = [row("1", Courriel="Marie@Exemple.ca"), row("2", Courriel="marie@exemple.ca "), row("3", Courriel="luc@exemple.ca")]
    result = landed(tmp_path, keys, rows)
    patrons = result.rows("SELECT member_patron_id FROM patron ORDER BY 1")
    # Case and spaces aside it is one person; the id is a token the member can recompute.
    assert {p["member_patron_id"] for p in patrons} == {tid("marie@exemple.ca", keys), tid("luc@exemple.ca", keys)}


def test_full_name_column_is_split(tmp_path: Path, keys: Path) -> None:
    header = [h for h in HEADER if h not in ("Prénom", "Nom")] + ["Nom complet"]
    rows = []
    for i, full in enumerate(["Marie Tremblay", "TREMBLAY, Jean", "CÔTÉ Zoé", "Anne de la Fontaine"]):
        values = dict(zip(HEADER, row(str(i)), strict=True))
        rows.append([values[h] for h in header[:-1]] + [full])
    columns = {k: v for k, v in COLUMNS.items() if k not in ("first_name", "last_name")}
    result = landed(tmp_path, keys, rows, header=header, columns={**columns, "full_name": "Nom complet"})
    secret = load_member_keys(keys).linkage_secret
    given = bloom_encode(["marie", "jean", "zoe", "anne"], "given_name", secret).to_pylist()
    surname = bloom_encode(["tremblay", "tremblay", "cote", "de la fontaine"], "surname", secret).to_pylist()
    got = result.rows("SELECT member_patron_id, bloom_given_name, bloom_surname FROM patron")
    by_id = {r["member_patron_id"]: r for r in got}
    for i in range(4):
        record = by_id[tid(f"p{i}@exemple.ca", keys)]
        assert (record["bloom_given_name"], record["bloom_surname"]) == (given[i], surname[i])


def test_date_and_time_columns_joined(tmp_path: Path, keys: Path) -> None:
    header = [*HEADER, "Heure"]
    rows = [[*row("1", **{"Date spectacle": "22/03/2026"}), "20h30"]]
    columns = {**COLUMNS, "event_starts_at": {"join": ["Date spectacle", "Heure"], "separator": " "}}
    result = landed(tmp_path, keys, rows, header=header, columns=columns,
                    datetime_formats=["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"])
    assert starts(result) == {"E1": dt.datetime(2026, 3, 22, 20, 30)}


@pytest.mark.parametrize(("text", "expected"), [
    ("dim. 22 mars 2026 15h00", dt.datetime(2026, 3, 22, 15, 0)),
    ("SAMEDI 8 AOÛT 2026", dt.datetime(2026, 8, 8, 0, 0)),
    ("mar. 1er déc. 2026 à 19 h 30", dt.datetime(2026, 12, 1, 19, 30)),
    # No three unaccented letters in a row: the month's accent must not hide it.
    ("1 déc. 2026 à 19 h 30", dt.datetime(2026, 12, 1, 19, 30)),
    ("8 août 2026 20h", dt.datetime(2026, 8, 8, 20, 0)),
    ("Sat, Aug 8, 2026 8:00 PM", dt.datetime(2026, 8, 8, 20, 0)),
    ("22/03/2026 20h", dt.datetime(2026, 3, 22, 20, 0)),
    ("22-Mar-2026 21:30", dt.datetime(2026, 3, 22, 21, 30)),
    ("March 22nd, 2026 at 9:30 pm", dt.datetime(2026, 3, 22, 21, 30)),
    ("Sun, Mar 22, 2026 9:30 p.m.", dt.datetime(2026, 3, 22, 21, 30)),
    # Box offices print the zone as a word (EDT, HAE, CET); the time lands in the member's zone.
    ("2026-03-22 21:30 EDT", dt.datetime(2026, 3, 22, 21, 30)),
    ("Mar 22, 2026 9:30 PM EDT", dt.datetime(2026, 3, 22, 21, 30)),
    ("22/03/2026 21:30 HAE", dt.datetime(2026, 3, 22, 21, 30)),  # heure avancée de l'Est
    ("2026-01-15 02:00 CET", dt.datetime(2026, 1, 14, 20, 0)),  # a Paris clock, read in Montréal
    ("2026-03-23 01:30:00 GMT+0", dt.datetime(2026, 3, 22, 21, 30)),
    ("2026-03-22 18:30 PDT", dt.datetime(2026, 3, 22, 21, 30)),
])
def test_month_and_day_names(text: str, expected: dt.datetime, tmp_path: Path, keys: Path) -> None:
    result = landed(tmp_path, keys, [row("1", **{"Date spectacle": text})],
                    datetime_formats=["%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
    assert starts(result) == {"E1": expected}


def test_iso_times_with_z_or_offset_land_in_the_local_zone(tmp_path: Path, keys: Path) -> None:
    rows = [row("1", **{"Date spectacle": "2026-03-23T01:30:00Z", "Événement": "Z"}),
            row("2", **{"Date spectacle": "2026-03-22T21:30:00-04:00", "Événement": "OFF"}),
            row("3", **{"Date spectacle": "2026-01-15T02:00:00.000Z", "Événement": "WINTER"})]
    result = landed(tmp_path, keys, rows)
    # A 21:30 show in Montréal written in UTC stays a 21:30 show (EDT from 8 March, EST before).
    assert starts(result) == {"Z": dt.datetime(2026, 3, 22, 21, 30), "OFF": dt.datetime(2026, 3, 22, 21, 30),
                              "WINTER": dt.datetime(2026, 1, 14, 21, 0)}
    paris = landed(subdir(tmp_path, "p"), keys, [row("1", **{"Date spectacle": "2026-03-22T20:30:00Z"})],
                   timezone="Europe/Paris")
    assert starts(paris) == {"E1": dt.datetime(2026, 3, 22, 21, 30)}


@pytest.mark.parametrize("text", ["2026-03-01 10:15 EST", "Mar 1, 2026 10:15 AM EST", "01-Mar-2026 10:15",
                                  "1er mars 2026 à 10 h 15", "2026-03-01 16:15 CET", "2026-03-01 10:15 a.m.",
                                  "Mar 1, 2026 10:15 p.m.", "03/01/2026 10:15 p.m.", "1 févr. 2026 à 10 h 15"])
def test_what_the_draft_reads_as_a_date_prepare_reads(text: str, tmp_path: Path) -> None:
    draft, summary, _package = newcomer(tmp_path, None, **{"Purchase Date": text})
    assert draft.mapping["columns"]["purchased_at"] == "Purchase Date"
    assert (summary.rows_accepted, summary.rows_rejected) == (12, 0)


@pytest.mark.parametrize(("text", "expected"), [
    ("01.03.2026 10:15:00", dt.datetime(2026, 3, 1, 10, 15)),  # dots: day first, whatever the country
    ("2026-03-01T15:15:00+0000", dt.datetime(2026, 3, 1, 10, 15)),  # UTC, not a London clock
    ("2026-03-01T15:15:00+00:00", dt.datetime(2026, 3, 1, 10, 15)),
    ("2026-03-01 15:15:00+00", dt.datetime(2026, 3, 1, 10, 15)),  # PostgreSQL's whole-hour offset
    ("2026-03-01 10:15:00.250-05", dt.datetime(2026, 3, 1, 10, 15)),  # to the second
    ("2026-03-01 at 10:15", dt.datetime(2026, 3, 1, 10, 15)),  # a word between date and time
    ("01.03.2026 @ 10:15", dt.datetime(2026, 3, 1, 10, 15)),
    ("2026-03-01, 10:15", dt.datetime(2026, 3, 1, 10, 15)),
])
def test_a_montreal_box_office_dates_as_drafted(text: str, expected: dt.datetime, tmp_path: Path, keys: Path) -> None:
    draft, _summary, package = newcomer(tmp_path, keys, **{"Purchase Date": text})
    assert draft.mapping["timezone"] == "America/Toronto"
    assert {t["purchased_at"] for t in read_table(package, "ticket")} == {expected}


def test_two_digit_years(tmp_path: Path, keys: Path) -> None:
    rows = [row("1", **{"Date achat": "01/03/26 10:00", "Date spectacle": "22/03/26 20:00", "Naissance": "17/05/80"})]
    result = landed(tmp_path, keys, rows, datetime_formats=["%d/%m/%Y %H:%M"], date_formats=["%d/%m/%Y"])
    assert starts(result) == {"E1": dt.datetime(2026, 3, 22, 20, 0)}
    assert result.one("SELECT purchased_at FROM ticket")["purchased_at"] == dt.datetime(2026, 3, 1, 10, 0)
    assert result.one("SELECT birth_band FROM patron")["birth_band"] == "1980-1984"


def test_amounts_in_cents(tmp_path: Path, keys: Path) -> None:
    rows = [row(str(i), Prix="4550") for i in range(3)]
    result = landed(tmp_path, keys, rows, amount_scale=0.01)
    assert {r["unit_price"] for r in result.rows("SELECT unit_price FROM ticket")} == {Decimal("45.50")}
    unscaled = landed(subdir(tmp_path, "u"), keys, rows)
    assert any("“Amounts multiplied by” (amount_scale) to 0.01" in w for w in unscaled.summary.warnings)


def test_amount_styles(tmp_path: Path, keys: Path) -> None:
    rows = [row("1", Prix="1 200,00 €"), row("2", Prix="$1,250.00"), row("3", Prix="12,50 $"),
            row("4", Prix="CAD 45.00"), row("5", Prix="1.234,50")]
    result = landed(tmp_path, keys, rows)
    prices = {r["ticket_id"]: r["unit_price"] for r in result.rows("SELECT ticket_id, unit_price FROM ticket")}
    assert prices == {tid("1", keys): Decimal("1200.00"), tid("2", keys): Decimal("1250.00"),
                      tid("3", keys): Decimal("12.50"), tid("4", keys): Decimal("45.00"),
                      tid("5", keys): Decimal("1234.50")}
    assert result.one("SELECT currency FROM ticket WHERE ticket_id = ?", [tid("1", keys)])["currency"] == "EUR"


def test_refunds_as_negative_rows(tmp_path: Path, keys: Path) -> None:
    rows = [row("1"), row("2"),
            row("1", Prix="($25.00)", **{"Date achat": "2026-03-05 09:00"}),  # same ticket id
            row("R-77", Commande="C2", Prix="-25.00"),  # its own id, same order, event and amount
            row("3", Prix="-40.00")]  # the refund of a sale made before this export's period
    result = landed(tmp_path, keys, rows)
    statuses = {r["ticket_id"]: (r["status"], r["unit_price"]) for r in
                result.rows("SELECT ticket_id, status, unit_price FROM ticket")}
    assert statuses == {
        tid("1", keys): ("refunded", Decimal("25.00")),
        tid("2", keys): ("refunded", Decimal("25.00")),
        tid("3", keys): ("refunded", Decimal("40.00")),
    }
    assert result.summary.refunds_merged == 2 and result.summary.rows_rejected == 0


def test_order_lines_without_ticket_numbers(tmp_path: Path, keys: Path) -> None:
    header = [*HEADER, "Qté"]
    rows = [[*row("x", Commande="A1"), "2"], [*row("x", Commande="A1"), "1"], [*row("x", Commande="A2"), "3"]]
    columns = {k: v for k, v in COLUMNS.items() if k != "ticket_id"}
    result = landed(tmp_path, keys, rows, header=header, columns={**columns, "quantity": "Qté"})
    tickets = {r["ticket_id"]: r["quantity"] for r in result.rows("SELECT ticket_id, quantity FROM ticket")}
    assert tickets == {tid("A1#1", keys): 2, tid("A1#2", keys): 1, tid("A2#1", keys): 3}
    assert result.summary.rows_rejected == 0


def test_trailing_total_rows_are_not_rows(tmp_path: Path, keys: Path) -> None:
    rows = [row("1"), row("2"), ["", "", "", "50.00", "", "", "", "", "", "", "", "", "", "Total"],
            ["Grand Total", "", "", "50,00", "", "", "", "", "", "", "", "", "", ""]]
    result = landed(tmp_path, keys, rows)
    assert (result.summary.rows_in, result.summary.rows_rejected, result.summary.summary_lines) == (2, 0, 2)


def test_bad_optional_field_keeps_the_ticket(tmp_path: Path, keys: Path) -> None:
    rows = [row("1", Naissance="2090-01-01"), row("2", Naissance="31/02/1980"), row("3")]
    result = landed(tmp_path, keys, rows)
    assert result.summary.rows_accepted == 3 and result.summary.values_dropped["birth_date"] == 2
    bands = sorted(str(r["birth_band"]) for r in result.rows("SELECT birth_band FROM patron"))
    assert bands == ["1980-1984", "None", "None"]


def test_french_postal_codes_and_phones(tmp_path: Path, keys: Path) -> None:
    rows = [row("1", **{"Code postal": "75011", "Téléphone": "06 12 34 56 78"}),
            row("2", **{"Code postal": "F-69002", "Téléphone": "+33 (0)4 72 00 00 00"}),
            row("3", **{"Code postal": "H2X 1Y4", "Téléphone": "514 555 0199"})]
    result = landed(tmp_path, keys, rows, country="FR", currency="EUR", timezone="Europe/Paris")
    got = {r["member_patron_id"]: r for r in result.rows("SELECT member_patron_id, fsa, phone_token FROM patron")}
    secret = load_member_keys(keys).linkage_secret
    phones = keyed_tokens(["+33612345678", "+33472000000"], "phone", secret)
    assert (got[tid("p1@exemple.ca", keys)]["fsa"], got[tid("p1@exemple.ca", keys)]["phone_token"]) == ("FR-750", phones[0])
    assert (got[tid("p2@exemple.ca", keys)]["fsa"], got[tid("p2@exemple.ca", keys)]["phone_token"]) == ("FR-690", phones[1])
    # A Québec patron of a French member keeps the FSA; a national number abroad is not guessed.
    assert got[tid("p3@exemple.ca", keys)]["fsa"] == "H2X"


@pytest.mark.parametrize(("country", "written", "areas", "e164"), [
    # A British member: postcodes by outward code, "07700 900123" and "+44 7700 900123" one number.
    ("GB", [("SW4 0AB", "07700 900123"), ("EC1A 1BB", "+44 7700 900123"), ("m1 1ae", "020 7946 0958")],
     ["GB-SW4", "GB-EC1A", "GB-M1"], ["+447700900123", "+447700900123", "+442079460958"]),
    # A German one: five-digit PLZ (not French départements), numbers of any length after the 0.
    ("DE", [("10115", "0171 3300000"), ("D-80331", "+49 171 3300000"), ("50667", "030 1234567")],
     ["DE-101", "DE-803", "DE-506"], ["+491713300000", "+491713300000", "+49301234567"]),
    ("AT", [("1010", "0664 1234567"), ("A-8010", "+43 664 1234567"), ("5020", "0662 123456")],
     ["AT-10", "AT-80", "AT-50"], ["+436641234567", "+436641234567", "+43662123456"]),
    ("LU", [("L-1511", "621 123 456"), ("1511", "+352 621 123 456"), ("L-4002", "26 12 34 56")],
     ["LU-15", "LU-15", "LU-40"], ["+352621123456", "+352621123456", "+35226123456"]),
])
def test_postal_codes_and_phones_of_other_european_members(
        country: str, written: list[tuple[str, str]], areas: list[str], e164: list[str], tmp_path: Path,
        keys: Path) -> None:
    rows = [row(str(n), **{"Code postal": code, "Téléphone": phone}) for n, (code, phone) in enumerate(written, 1)]
    result = landed(tmp_path, keys, rows, country=country, currency="EUR")
    got = {r["member_patron_id"]: r for r in result.rows("SELECT member_patron_id, fsa, phone_token FROM patron")}
    tokens = keyed_tokens(e164, "phone", load_member_keys(keys).linkage_secret)
    assert [got[tid(f"p{n}@exemple.ca", keys)]["fsa"] for n in range(1, 4)] == areas
    assert [got[tid(f"p{n}@exemple.ca", keys)]["phone_token"] for n in range(1, 4)] == tokens


def test_vendor_status_and_channel_words_are_built_in(tmp_path: Path, keys: Path) -> None:
    header = [*HEADER, "Canal"]
    words = [("payé", "En ligne"), ("Validé", "Guichet"), ("Remboursé", "Sur place"), ("ANNULÉ", "App"),
             ("resold", "Online"), ("transferred", "Box office"), ("Checked In", "partenaire"), ("paid", "phone")]
    rows = [[*row(str(i), Statut=s), c] for i, (s, c) in enumerate(words)]
    result = landed(tmp_path, keys, rows, header=header, columns={**COLUMNS, "channel": "Canal"})
    got = {r["ticket_id"]: (r["status"], r["channel"]) for r in result.rows("SELECT ticket_id, status, channel FROM ticket")}
    assert [got[tid(str(i), keys)] for i in range(len(words))] == [
        ("sold", "web"), ("sold", "box_office"), ("refunded", "box_office"), ("cancelled", "mobile"),
        ("exchanged", "web"), ("exchanged", "box_office"), ("sold", "reseller"), ("sold", "phone")]


def test_header_below_a_title_block_is_pointed_at(tmp_path: Path, keys: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("Rapport des participants\nExporté le 2026-03-01\n\n" + csv_text(HEADER, [row("1")]),
                      encoding="utf-8")
    with pytest.raises(UserError, match="skip_lines: 3"):
        land(tmp_path, keys, export, {**BASE, "columns": COLUMNS})
    result = land(tmp_path, keys, export, {**BASE, "skip_lines": 3, "columns": COLUMNS}, name="y")
    assert result.summary.rows_accepted == 1


def test_table_on_the_second_sheet_is_pointed_at(tmp_path: Path, keys: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Résumé"
    cover.append(["Ventes totales", 2])
    sheet = book.create_sheet("Participants")
    sheet.append(["Liste des participants"])
    sheet.append(HEADER)
    sheet.append(row("1"))
    export = tmp_path / "export.xlsx"
    book.save(export)
    mapping = {**BASE, "format": "xlsx", "columns": COLUMNS}
    with pytest.raises(UserError, match="sheet: Participants"):
        land(tmp_path, keys, export, mapping)
    with pytest.raises(UserError, match="skip_lines: 1"):
        land(tmp_path, keys, export, {**mapping, "sheet": "Participants"}, name="y")
    result = land(tmp_path, keys, export, {**mapping, "sheet": "Participants", "skip_lines": 1}, name="z")
    assert result.summary.rows_accepted == 1


@pytest.mark.parametrize(("written", "price"), [
    ("CA$25.00", "25.00"), ("25,00 $CA", "25.00"), ("25.00 $ CA", "25.00"), ("C$25", "25"), ("CDN$ 25.00", "25.00"),
])
def test_canadian_dollars_written_as_vendors_write_them(written: str, price: str, tmp_path: Path, keys: Path) -> None:
    # Eventbrite writes CA$25.00; French Canadian back offices 25,00 $CA. Drafted and prepared, nothing edited.
    draft, _summary, package = newcomer(tmp_path, keys, Price=written, Phone=None)
    assert draft.mapping["columns"]["unit_price"] == "Price" and draft.mapping["currency"] == "CAD"
    assert {(t["unit_price"], t["currency"]) for t in read_table(package, "ticket")} == {(Decimal(price), "CAD")}


def test_a_ticket_given_is_written_as_a_word_in_the_price(tmp_path: Path, keys: Path) -> None:
    # Comps written "Free", "Gratuit", "Comp" among the prices: tickets at 0, not rows set aside,
    # and the price column is still found.
    prices = ["$25.00"] * 6 + ["Free", "Gratuit", "Comp", "Invitation", "Offert", "$30.00"]
    draft, summary, package = newcomer(tmp_path, keys, Price=prices)
    assert draft.mapping["columns"]["unit_price"] == "Price"
    assert summary.rows_rejected == 0
    tickets = read_table(package, "ticket")
    assert sorted(t["unit_price"] for t in tickets) == [Decimal(0)] * 5 + [Decimal(25)] * 6 + [Decimal(30)]


@pytest.mark.parametrize(("written", "phone", "area"), [
    ("75011 Paris", "06 12 34 56 78", "FR-750"), ("FR-69003", "06 12 34 56 78", "FR-690"),
    ("1204 Genève", "+41 79 123 45 67", "CH-12"), ("10115 Berlin", "+49 30 1234 5678", "DE-101"),
    ("H2X 1Y4 Montréal", "514-555-1234", "H2X"), ("Montréal (Québec) H2X 1Y4", "514-555-1234", "H2X"),
])
def test_a_postal_code_written_with_its_town_or_country(written: str, phone: str, area: str, tmp_path: Path,
                                                        keys: Path) -> None:
    # "CP Ville" columns of French forms, "CH-1204": where the patron lives is still read (it was
    # dropped, and the audience's areas read "unknown").
    draft, summary, package = newcomer(tmp_path, keys, Phone=phone, **{"Postal Code": written})
    assert draft.mapping["columns"]["postal_code"] == "Postal Code"
    assert summary.rows_rejected == 0
    assert {p["fsa"] for p in read_table(package, "patron")} == {area}


def test_a_placeholder_where_a_person_would_be_names_nobody(tmp_path: Path, keys: Path) -> None:
    """A box office with no customer numbers writes « N/A » in the e-mail column of its walk-in sales,
    and « Guest » for their names: the e-mail was the patron id, so every such sale was one and the
    same patron « n/a », counted as a regular across the whole season."""
    columns = {k: v for k, v in COLUMNS.items() if k != "birth_date"}
    rows = [row(str(i), Courriel=f"p{i}@exemple.ca") for i in range(5)]
    # Walk-ins with a phone: each is their phone number.
    rows += [row(str(i), Courriel="N/A", Téléphone=f"514 555 01{i:02d}") for i in range(5, 9)]
    # Walk-ins naming nobody at all: sales to nobody (admissions of the event), not merged into one patron.
    rows += [row(str(i), Courriel=blank, Téléphone="", Prénom="Guest", Nom="-")
             for i, blank in zip(range(9, 12), ("N/A", "none", "Info Requested"), strict=True)]
    result = landed(tmp_path, keys, rows, columns=columns)
    assert result.summary.rejects_by_reason == {}, result.summary.rejects_by_reason
    assert result.summary.unnamed_sales == 3
    patrons = result.rows("SELECT member_patron_id, count(*) AS tickets FROM ticket GROUP BY 1")
    assert len(patrons) == 9 and {p["tickets"] for p in patrons} == {1}, patrons


def test_a_tills_name_for_the_buyer_it_did_not_ask_names_nobody(tmp_path: Path, keys: Path) -> None:
    """Tills write a phrase where the buyer would be: « Walk-in Customer », « Client comptant »,
    « Cash sale », « Barverkauf ». Read as a person, each phrase was one patron who came to every
    show; they are sales naming nobody, counted as admissions of their events."""
    columns = {k: v for k, v in COLUMNS.items() if k != "birth_date"}
    rows = [row(str(i), Courriel=f"p{i}@exemple.ca") for i in range(5)]
    phrases = ("Walk-in Customer", "Client comptant", "Cash sale", "Barverkauf", "Vente au guichet", "À la porte")
    rows += [row(str(i), Courriel=phrase, Téléphone="", Prénom=phrase, Nom="")
             for i, phrase in enumerate(phrases, start=5)]
    result = landed(tmp_path, keys, rows, columns=columns)
    assert result.summary.unnamed_sales == len(phrases), result.summary
    patrons = result.rows("SELECT member_patron_id FROM patron")
    assert len(patrons) == 5, patrons
