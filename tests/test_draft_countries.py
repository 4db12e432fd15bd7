"""The country a draft reads from phones: an international number is its own country's, never
read as a North American one because it has ten digits."""

from __future__ import annotations

from pathlib import Path

import pytest

from culturecoop.ingest.draft import draft_mapping


def _export(tmp_path: Path, phone: str = "", *, column: str = "Phone", values: tuple[str, ...] = (),
            event: str = "Jazz i Kælderen", price: str = "{n}.00") -> Path:
    """Thirty orders of one show, the last column ``column``: ``phone`` with the row's number, or
    ``values`` in turn."""
    lines = [f"Order ID,Event,Event start,Price,Purchased at,Email,{column}"]
    for i in range(30):
        last = values[i % len(values)] if values else phone.format(i=10 + i)
        amount = price.format(n=120 + i % 3 * 10 if not values else 25 + i % 3)
        lines.append(f"O{100 + i},{event},2026-03-20 20:00,{amount},2026-02-{1 + i % 27:02d} 14:42,"
                     f"p{i}@mail.example,{last}")
    path = tmp_path / "attendees.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# (Hungary's +36 was one of these until culturecoop read Hungarian numbers: Croatia's +385 stands in for it.)
@pytest.mark.parametrize(("phone", "code"), [("+30 21 0123 45{i}", "+30"), ("+385 1 234 56{i}", "+385"),
                                             ("00972 3 123 45{i}", "+972")])
def test_a_foreign_calling_code_asks_for_the_country_instead_of_reading_it_as_american(
        tmp_path: Path, phone: str, code: str) -> None:
    draft = draft_mapping(_export(tmp_path, phone))
    (country,) = [e for e in draft.decisions if e.key == "country"]
    assert country.check, country
    assert f"country code {code}," in country.why, country.why
    assert "point to US" not in country.why, country.why


def test_north_american_numbers_still_tell_their_country(tmp_path: Path) -> None:
    draft = draft_mapping(_export(tmp_path, "+1 514 555 01{i}"))
    (country,) = [e for e in draft.decisions if e.key == "country"]
    assert draft.mapping["country"] == "CA" and "country code" not in country.why, country.why


@pytest.mark.parametrize(("zips", "zone"), [(("00901", "00907", "00926"), "America/Puerto_Rico"),
                                            (("00802", "00820"), "America/St_Thomas"),
                                            (("96910", "96913"), "Pacific/Guam"),
                                            (("10001", "11201"), "America/New_York")])
def test_an_american_territorys_zip_codes_give_its_own_clock(tmp_path: Path, zips: tuple[str, ...], zone: str) -> None:
    # A venue in San Juan sells at 20:00 Atlantic time, an hour from New York's in winter: its
    # purchases were read as New York time (the zone of every ZIP code below 349).
    draft = draft_mapping(_export(tmp_path, column="Zip Code", values=zips, event="Noche de salsa", price="${n}.00"))
    assert (draft.mapping["country"], draft.mapping["timezone"]) == ("US", zone), draft.decisions


@pytest.mark.parametrize(("phone", "country", "currency", "zone"), [
    ("+45 57 53 82 {i}", "DK", "DKK", "Europe/Copenhagen"), ("+351 912 345 6{i}", "PT", "EUR", "Europe/Lisbon"),
    ("0039 06 1234 56{i}", "IT", "EUR", "Europe/Rome"), ("+55 11 94764-12{i}", "BR", "BRL", "America/Sao_Paulo"),
    ("+61 412 345 6{i}", "AU", "AUD", "Australia/Sydney"), ("+36 30 123 45{i}", "HU", "HUF", "Europe/Budapest")])
def test_the_calling_code_of_a_country_culturecoop_reads_is_its_country(
        tmp_path: Path, phone: str, country: str, currency: str, zone: str) -> None:
    # Denmark, Portugal, Italy, Brazil and Australia were countries culturecoop did not know: the
    # draft asked for one of ten, and their national numbers and postal codes were read as another's.
    draft = draft_mapping(_export(tmp_path, phone))
    (decided,) = [e for e in draft.decisions if e.key == "country"]
    assert (draft.mapping["country"], draft.mapping["currency"], draft.mapping["timezone"]) == (country, currency, zone)
    assert not decided.check, decided


@pytest.mark.parametrize(("column", "values", "event", "country"), [
    ("Mobilnummer", ("070-368 32 73", "071-404 41 90", "075-638 68 44"), "Stand up på Södra", "SE"),
    ("Telefone", ("(11) 94764-1244", "(21) 98448-6073", "(11) 3055-1234"), "Show de samba", "BR"),
    ("Telemóvel", ("961 206 713", "966 581 391", "933 626 132"), "Fado ao anoitecer", "PT"),
    ("Mobil", ("484 14 522", "990 29 877", "480 11 427"), "Improteater", "NO"),
])
def test_national_numbers_under_the_headers_language_tell_the_country(
        tmp_path: Path, column: str, values: tuple[str, ...], event: str, country: str) -> None:
    # Swedish mobiles under Swedish headers were read as French numbers (+33 70…), Norwegian ones as no phone.
    path = _export(tmp_path, column=column, values=values, event=event)
    _header, *rows = path.read_text(encoding="utf-8").splitlines()
    words = {"SE": "Ordernr,Evenemang,Starttid,Pris,Köpdatum,E-post", "BR": "Número do pedido,Evento,Data do evento,"
             "Valor,Data da compra,E-mail", "PT": "N.º Reserva,Espetáculo,Data Espetáculo,Preço,Data Compra,Email",
             "NO": "Ordre-ID,Arrangement,Starttid,Pris,Kjøpstidspunkt,E-post"}[country]
    path.write_text("\n".join([f"{words},{column}", *rows]) + "\n", encoding="utf-8")
    draft = draft_mapping(path)
    assert draft.mapping["columns"]["phone"] == column
    assert draft.mapping["country"] == country, draft.decisions


def _lines(tmp_path: Path, header: str, row: str, values: list[tuple[str, str]], *, name: str = "ventas.csv",
           delimiter: str = ";") -> Path:
    """Thirty rows of ``row`` (``{i}``: the row's number; ``{phone}``, ``{code}``: ``values`` in turn)."""
    lines = [header]
    for i in range(30):
        phone, code = values[i % len(values)]
        lines.append(row.format(i=i, day=1 + i % 27, phone=phone, code=code))
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_spanish_mobiles_beside_five_digit_codes_are_spains(tmp_path: Path) -> None:
    # Entradas.com's sales: Spanish headers, mobiles written at home (« 651 859 225 », nine digits: Spain's or
    # Chile's), Madrid's 28012 (five digits: Spain's or France's), amounts with no currency. The export was
    # read as French (+33 651…, areas FR-280).
    export = _lines(tmp_path, "Localizador;Fecha de compra;Evento;Fecha del evento;Cantidad;Precio;Nombre;Apellidos;"
                              "Correo electrónico;Teléfono;Código postal;Estado",
                    "L{i:05d};{day:02d}/02/2026 18:22:05;Flamenco;13/03/2026 21:00;2;18,00;Lucía;García;"
                    "p{i}@correo.example;{phone};{code};Pagada",
                    [("651 859 225", "28012"), ("682 302 532", "08012"), ("634 406 526", "41003"),
                     ("", "28037"), ("912 345 678", "46001")])
    draft = draft_mapping(export)
    assert (draft.mapping["country"], draft.mapping["currency"], draft.mapping["timezone"]) == (
        "ES", "EUR", "Europe/Madrid"), draft.decisions


def test_danish_headers_with_crowns_are_denmarks(tmp_path: Path) -> None:
    # A Danish listing site's ticket sales: « Ordrenummer », « Købt », « Navn », « Gebyr », « kr. 150,00 », Odense's
    # four-digit postal codes, mobiles with and without +45. Read as Swedish crowns and a Belgian export.
    export = _lines(tmp_path, "Ordrenummer,Købt,Arrangement,Dato,Antal,Pris,Gebyr,Navn,E-mail,Telefon,Postnummer,"
                              "Status",
                    '48{i:04d},{day:02d}-02-2026 14:33,Jazz i Caféen,13-03-2026 kl. 20:00,2,"kr. 150,00","kr. 10,00",'
                    "Mette Sørensen,p{i}@post.example,{phone},{code},Betalt",
                    [("53 78 39 94", "5000"), ("28 54 64 21", "5200"), ("+45 40 41 38 84", "5230")],
                    name="billetsalg.csv")
    draft = draft_mapping(export)
    assert (draft.mapping["country"], draft.mapping["currency"], draft.mapping["timezone"]) == (
        "DK", "DKK", "Europe/Copenhagen"), draft.decisions
    assert draft.mapping["columns"]["event_starts_at"] == "Dato"
    # The words Danish shares with Norwegian tell no Norwegian export for a Danish one (« Antall », not « Antal »).
    from culturecoop.ingest.vocabulary import headers_language

    assert headers_language(["Ordrenummer", "Arrangement", "Dato", "Navn", "Pris", "Antall", "Postnummer"]) == "no"


def test_whole_forints_written_with_their_currency_are_forints(tmp_path: Path) -> None:
    # Jegy.hu's « 6 900 Ft »: whole numbers, typically in the thousands, were read as cents (69.00), and « Ft »
    # as no currency; « 06 30 645 5507 » (Hungary's trunk prefix) as no country culturecoop reads.
    export = _lines(tmp_path, "Rendelésszám;Vásárlás időpontja;Előadás;Előadás időpontja;Darab;Egységár;"
                              "Vezetéknév;Keresztnév;E-mail;Telefonszám;Irányítószám;Állapot",
                    "IT{i:05d};2026.02.{day:02d}. 14:14:22;Az ember tragédiája;2026.03.13. 19:00;2;{code};Kovács;"
                    "Eszter;p{i}@freemail.example;{phone};1061;Fizetve",
                    [("06 30 645 5507", "6 900 Ft"), ("+36 20 231 3220", "4 500 Ft"), ("06 70 933 7905", "9 900 Ft")],
                    name="eladasok.csv")
    draft = draft_mapping(export)
    assert (draft.mapping["country"], draft.mapping["currency"], draft.mapping["timezone"]) == (
        "HU", "HUF", "Europe/Budapest"), draft.decisions
    assert draft.mapping["amount_scale"] == 1
    assert draft.mapping["datetime_formats"] == ["%Y.%m.%d. %H:%M:%S", "%Y.%m.%d. %H:%M"]
    columns = draft.mapping["columns"]
    assert (columns["order_id"], columns["purchased_at"], columns["event_starts_at"], columns["unit_price"],
            columns["quantity"], columns["postal_code"]) == ("Rendelésszám", "Vásárlás időpontja", "Előadás időpontja",
                                                             "Egységár", "Darab", "Irányítószám")
