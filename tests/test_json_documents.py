"""Exports saved as one JSON document (a ticketing API's answer, a back office's JSON export):
drafted and prepared like JSON lines, one row per record, or per ticket of an order."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from culturecoop.errors import UserError
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import parse_profile
from test_prepare_support import TODAY, read_table

FIRST = ("Marie", "Luc", "Anne", "Paul", "Sophie", "Jean")
LAST = ("Roy", "Côté", "Gagnon", "Morin", "Leduc", "Caron", "Poirier")


def attendees_page(n: int) -> dict[str, object]:
    """An attendee list as a ticketing API returns it: paging beside the records, each record's
    buyer and prices as nested objects, prices in cents beside their display."""
    records = []
    for i in range(n):
        first, last = FIRST[i % 6], LAST[i % 7]
        records.append({
            "id": str(3_000_000_000 + i), "order_id": str(1_500_000_000 + i // 2),
            "created": f"2026-02-{1 + i % 27:02d}T1{i % 10}:22:05Z", "event_id": "901234567",
            "status": "Not Attending" if i % 9 == 4 else "Attending",
            "costs": {"base_price": {"display": "CA$25.00", "currency": "CAD", "value": 2500}},
            "profile": {"first_name": first, "last_name": last, "email": f"{first.lower()}.{i}@exemple.example",
                        "addresses": {"home": {"postal_code": "H2X 1Y4", "city": "Montréal"}}},
        })
    return {"pagination": {"object_count": n, "page_number": 1, "has_more_items": False}, "attendees": records}


def orders_with_tickets(n: int) -> tuple[dict[str, object], int]:
    """A back office's orders, each holding its tickets as a list ("positions")."""
    orders, tickets = [], 0
    for i in range(n):
        positions = []
        for j in range(1 + i % 3):
            tickets += 1
            positions.append({"ticket_no": f"T{tickets:05d}", "price": "18.00" if j else "25.00",
                              "show": "Nuit du jazz" if i % 2 else "Soirée slam",
                              "starts": "2026-03-14 20:00" if i % 2 else "2026-03-21 20:00"})
        orders.append({"order": f"A{i:04d}", "purchased": f"2026-02-{1 + i:02d} 10:{i:02d}", "status": "paid",
                       "buyer": {"email": f"{FIRST[i % 6].lower()}.{i}@exemple.example", "phone": f"514-555-{1000 + i}"},
                       "tickets": positions})
    return {"export": {"organizer": "Le Lion d'Or", "generated": "2026-03-01", "orders": orders}}, tickets


def _prepare_drafted(export: Path, keys: Path, out: Path) -> tuple[dict[str, object], object]:
    draft = draft_mapping(export)
    summary = prepare(export, member=MemberInfo("m1", "m1"), profile=parse_profile(draft.yaml_text, source="m.yaml"),
                      keys_dir=keys, out=out, today=TODAY)
    return draft.mapping, summary


@pytest.mark.parametrize("indent", [2, None])
def test_an_api_answer_saved_to_a_file_is_prepared(indent: int | None, tmp_path: Path, keys: Path) -> None:
    # Saved as the API sent it, on one line (indent None), it was read as one record: one row, the
    # paging count taken for a price, and « no purchase date and no price » said of a file with both.
    export = tmp_path / "attendees.json"
    export.write_text(json.dumps(attendees_page(30), ensure_ascii=False, indent=indent), encoding="utf-8")
    mapping, summary = _prepare_drafted(export, keys, tmp_path / "pkg")
    assert mapping["format"] == "jsonl"
    assert mapping["columns"]["email"] == "profile.email"
    assert (summary.rows_in, summary.rows_accepted, summary.rows_rejected) == (30, 30, 0)  # type: ignore[attr-defined]
    tickets = read_table(tmp_path / "pkg", "ticket")
    # 2500 cents are 25.00, the paging block is no row.
    assert {t["unit_price"] for t in tickets} == {Decimal("25.00")}
    assert sum(t["status"] == "cancelled" for t in tickets) == sum(i % 9 == 4 for i in range(30))
    assert len(read_table(tmp_path / "pkg", "patron")) == 30


def test_each_ticket_of_an_order_is_a_row(tmp_path: Path, keys: Path) -> None:
    document, tickets = orders_with_tickets(12)
    export = tmp_path / "orders.json"
    export.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    mapping, summary = _prepare_drafted(export, keys, tmp_path / "pkg")
    assert mapping["columns"]["ticket_id"] == "tickets.ticket_no"
    assert (summary.rows_accepted, summary.rows_rejected) == (tickets, 0)  # type: ignore[attr-defined]
    rows = read_table(tmp_path / "pkg", "ticket")
    assert sum(Decimal(str(t["unit_price"])) for t in rows) == sum(
        Decimal("25.00") + Decimal("18.00") * (i % 3) for i in range(12))
    # The order's buyer stands on each of its tickets: one patron per order here.
    assert len(read_table(tmp_path / "pkg", "patron")) == 12
    assert len(read_table(tmp_path / "pkg", "event")) == 2


def pretix_event(n: int) -> dict[str, object]:
    """An event series exported as pretix writes its JSON: the shows (subevents) and ticket types
    (items) listed once with their ids, every order's tickets (positions) naming them by id, the
    order's status in one letter (p paid, c cancelled, e expired before payment)."""
    orders = []
    for i in range(n):
        positions = [{"id": 5000 + 2 * i + j, "positionid": j + 1, "item": 11 + j, "price": "25.00" if j else "40.00",
                      "attendee_name": f"{FIRST[(i + j) % 6]} {LAST[i % 7]}", "attendee_email": None,
                      "subevent": 101 + i % 3} for j in range(1 + i % 2)]
        orders.append({"code": f"A{i:04d}", "status": "c" if i % 10 == 3 else "e" if i % 10 == 7 else "p",
                       "email": f"{FIRST[i % 6].lower()}.{i}@exemple.example", "datetime": f"2026-02-{1 + i % 27:02d}T10:00:00+01:00",
                       "total": "65.00", "invoice_address": {"zipcode": "75011", "city": "Paris", "country": "FR"},
                       "positions": positions})
    return {"event": {"name": "Festival Jazz à Paris", "slug": "jazzparis",
                      "items": [{"id": 11, "name": "Pass"}, {"id": 12, "name": "Soir"}],
                      "subevents": [{"id": 101 + k, "name": "Festival Jazz à Paris", "date_from": f"2026-06-{12 + k}T20:00:00+02:00",
                                     "seats": [{"id": f"R{r}", "row": r} for r in range(40)]} for k in range(3)],
                      "orders": orders}}


def test_an_event_series_whose_tickets_name_their_show_by_id_is_one_event_per_date(tmp_path: Path, keys: Path) -> None:
    # A festival's three evenings are three events (not one per ticket type, nor one for the whole
    # festival): each ticket's show is found in the document's list of dates, its title is the event's.
    export = tmp_path / "pretix.json"
    export.write_text(json.dumps(pretix_event(30), ensure_ascii=False, indent=2), encoding="utf-8")
    from culturecoop.ingest.jsondoc import records

    assert all("seats" not in row["positions"]["subevent"] for row in records(export))  # a date's seat map stays out
    mapping, summary = _prepare_drafted(export, keys, tmp_path / "pkg")
    assert mapping["columns"]["event_id"] == "positions.subevent.id"
    assert mapping["columns"]["event_starts_at"] == "positions.subevent.date_from"
    assert mapping["columns"]["event_title"] == "event.name"
    events = read_table(tmp_path / "pkg", "event")
    assert sorted(str(e["starts_at"])[:10] for e in events) == ["2026-06-12", "2026-06-13", "2026-06-14"]
    assert {e["title"] for e in events} == {"Festival Jazz à Paris"}
    tickets = read_table(tmp_path / "pkg", "ticket")
    assert summary.rows_rejected == 0 and len(tickets) == sum(1 + i % 2 for i in range(30))  # type: ignore[attr-defined]
    sold = sum(1 + i % 2 for i in range(30) if i % 10 not in (3, 7))
    assert sum(t["status"] == "sold" for t in tickets) == sold
    assert sum(t["status"] == "cancelled" for t in tickets) == len(tickets) - sold


def test_tickets_that_name_their_show_by_id_get_its_title_date_and_venue(tmp_path: Path, keys: Path) -> None:
    # An API dump lists the shows once and each ticket says `show_id`: the ticket's show is found
    # there, so each show is an event with its title, start and venue.
    shows = [{"id": f"s{k}", "title": title, "starts_at": f"2026-03-{14 + 7 * k} 20:00", "venue": "Le Lion d'Or"}
             for k, title in enumerate(("Nuit du jazz", "Soirée slam", "Bal swing"))]
    tickets = [{"ticket_id": f"T{i:04d}", "show_id": f"s{i % 3}", "price": "25.00", "status": "paid",
                "purchased": f"2026-02-{1 + i % 27:02d} 10:00", "email": f"{FIRST[i % 6].lower()}.{i}@exemple.example"}
               for i in range(24)]
    export = tmp_path / "dump.json"
    export.write_text(json.dumps({"shows": shows, "tickets": tickets}, ensure_ascii=False, indent=2), encoding="utf-8")
    mapping, summary = _prepare_drafted(export, keys, tmp_path / "pkg")
    assert mapping["columns"]["event_title"] == "show.title" and mapping["columns"]["event_starts_at"] == "show.starts_at"
    events = read_table(tmp_path / "pkg", "event")
    assert sorted((e["title"], str(e["starts_at"])[:10], e["venue"]) for e in events) == [
        ("Bal swing", "2026-03-28", "Le Lion d'Or"), ("Nuit du jazz", "2026-03-14", "Le Lion d'Or"),
        ("Soirée slam", "2026-03-21", "Le Lion d'Or")]
    assert summary.rows_accepted == 24  # type: ignore[attr-defined]


def test_every_enclosing_objects_fields_and_each_named_category_stand_on_every_ticket(tmp_path: Path) -> None:
    # An organizer's export holding one event holding its orders: the organizer and the event are
    # read on every ticket, and a ticket's category id is the category's name.
    from culturecoop.ingest.jsondoc import records

    document = {"export": {"organizer": "Le Lion d'Or", "event": {
        "name": "Nuit du jazz", "categories": [{"id": 3, "name": "Parterre"}, {"id": 4, "name": "Balcon"}],
        "orders": [{"code": f"A{i}", "positions": [{"id": 10 * i + j, "category": 3 + j} for j in range(2)]}
                   for i in range(3)]}}}
    export = tmp_path / "export.json"
    export.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = records(export)
    assert len(rows) == 6
    assert all(r["export"] == {"organizer": "Le Lion d'Or", "event": {"name": "Nuit du jazz"}} for r in rows)
    assert [r["positions"]["category"]["name"] for r in rows[:2]] == ["Parterre", "Balcon"]


@pytest.mark.parametrize(("content", "said"), [
    ('{"attendees": [{"id": 1,}]}', "not valid JSON"),
    ('{\n  "event": "Gala",\n  "tags": ["jazz", "blues"]\n}\n', "no list of records"),
])
def test_a_json_document_that_is_no_export_is_said(content: str, said: str, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=said):
        draft_mapping(export)


def test_the_member_finds_its_own_ids_in_the_json_document_it_prepared(tmp_path: Path, keys: Path) -> None:
    # The member app and `reco ids` put the member's own ids back on the cooperative's lists, from
    # the export prepared: an API's JSON answer holds them in nested records (profile.email).
    from culturecoop.privacy.keys import load_member_keys
    from culturecoop.reco.ids import own_ids

    export = tmp_path / "attendees.json"
    export.write_text(json.dumps(attendees_page(30), ensure_ascii=False, indent=2), encoding="utf-8")
    _prepare_drafted(export, keys, tmp_path / "pkg")
    tokens = {p["member_patron_id"] for p in read_table(tmp_path / "pkg", "patron")}
    found = own_ids(tokens, [export], "m1", load_member_keys(keys).linkage_secret)
    assert found.column == "profile.email" and len(found.ids) == 30
    assert set(found.ids.values()) == {r["profile"]["email"] for r in attendees_page(30)["attendees"]}


def test_reading_an_export_leaves_no_copy_of_it_behind(tmp_path: Path, keys: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # The member app puts ids back from the member's export for as long as it runs: the UTF-8 copy
    # of a Windows-1252 export (names, e-mails) must be gone when the answer is given, not wait in
    # the temporary folder until the app stops.
    import tempfile

    from culturecoop.privacy.keys import load_member_keys
    from culturecoop.reco.ids import own_ids

    export = tmp_path / "ventes.csv"
    lines = ["Commande;Nom;Courriel;Spectacle;Date;Prix"]
    lines += [f"C{i};Hélène Côté {i};helene{i}@exemple.ca;Récital;2026-03-0{1 + i % 5} 20:00;25,00" for i in range(30)]
    export.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    _prepare_drafted(export, keys, tmp_path / "pkg")
    tokens = {p["member_patron_id"] for p in read_table(tmp_path / "pkg", "patron")}
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    found = own_ids(tokens, [export], "m1", load_member_keys(keys).linkage_secret)
    assert len(found.ids) == 30 and "helene7@exemple.ca" in found.ids.values()
    assert list(scratch.rglob("*")) == []


def test_an_orders_total_repeated_on_its_lines_is_not_their_price(tmp_path: Path, keys: Path) -> None:
    # Ticket Tailor's API: an order's « total » (37,00: a 22,00 line and a 15,00 one) sat on each of
    # its lines and was divided by each line's quantity: 6,223 € of tickets where 3,462 € were paid.
    orders, paid = [], 0
    for i in range(24):
        lines = [{"id": f"li_{i}_{j}", "description": kind, "quantity": n, "value": price, "total": n * price}
                 for j, (kind, n, price) in enumerate([("Plein tarif", 1 + i % 3, 2200), ("Tarif réduit", 1, 1500)][:1 + i % 2])]
        total = sum(line["total"] for line in lines)
        paid += total
        orders.append({"id": f"or_{i}", "created_at": f"2026-02-{1 + i:02d}T10:00:00+01:00", "status": "completed",
                       "buyer_details": {"email": f"{FIRST[i % 6].lower()}.{i}@exemple.example"},
                       "event_summary": {"name": "Nuit du Jazz"}, "line_items": lines, "subtotal": total,
                       "total": total, "currency": {"code": "eur"}})
    export = tmp_path / "orders.json"
    export.write_text(json.dumps({"data": orders}, ensure_ascii=False), encoding="utf-8")
    mapping, _summary = _prepare_drafted(export, keys, tmp_path / "pkg")
    assert mapping["columns"]["total_price"] == "line_items.total", mapping["columns"]
    tickets = read_table(tmp_path / "pkg", "ticket")
    assert sum(t["unit_price"] * t["quantity"] for t in tickets) == Decimal(paid) / 100
