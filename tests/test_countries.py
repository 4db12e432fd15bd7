"""Phones and postal codes of the countries ``ingest.countries`` adds to the first ten: read at
home as their own (E.164, a coarse area), drafted as their country, and linked across members."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from culturecoop.cli import main as cli_main
from culturecoop.ingest import countries
from culturecoop.ingest.draft import draft_mapping
from culturecoop.ingest.load import ingest
from culturecoop.ingest.normalize import install_country, normalize_value
from culturecoop.ingest.package import MemberInfo
from culturecoop.ingest.prepare import prepare
from culturecoop.ingest.profile import parse_profile
from culturecoop.linkage.resolve import link_warehouse
from culturecoop.privacy.keys import init_keys
from culturecoop.warehouse.engine import Warehouse
from test_prepare_support import TODAY, read_table

NATIONAL_NUMBERS = [
    ("06-69463731", "NL", "+31669463731"),
    ("484 14 522", "NO", "+4748414522"),  # no trunk prefix: eight digits
    ("23 97 50 59", "DK", "+4523975059"),
    ("070-368 32 73", "SE", "+46703683273"),
    ("040 123 4567", "FI", "+358401234567"),
    ("02 1234 5678", "IT", "+390212345678"),  # an Italian landline keeps its 0
    ("320 874 9301", "IT", "+393208749301"),
    ("+39 02 1234 5678", "IT", "+390212345678"),
    ("688 782 118", "ES", "+34688782118"),
    ("961 206 713", "PT", "+351961206713"),
    ("739 582 273", "PL", "+48739582273"),
    ("602 123 456", "CZ", "+420602123456"),
    ("(11) 94764-1244", "BR", "+5511947641244"),  # area code, then a 9-prefixed mobile
    ("(011) 94764-1244", "BR", "+5511947641244"),
    ("0 21 11 94764-1244", "BR", "+5511947641244"),  # a carrier's code after the trunk 0
    ("11 8476-1244", "BR", "+5511984761244"),  # a mobile's old eight digits get their 9
    ("(21) 2555-1234", "BR", "+552125551234"),  # a landline
    ("55 1234 5678", "MX", "+525512345678"),
    ("044 55 1234 5678", "MX", "+525512345678"),
    ("011 15 1234-5678", "AR", "+5491112345678"),  # a mobile written at home: area, 15, number
    ("0351 15 123-4567", "AR", "+5493511234567"),
    ("011 4321-5678", "AR", "+541143215678"),
    ("9 8099 5237", "CL", "+56980995237"),
    ("0412 345 678", "AU", "+61412345678"),
    ("0011 44 20 7946 0958", "AU", "+442079460958"),  # Australia's international prefix
    ("021 123 4567", "NZ", "+64211234567"),
    ("090-1234-5678", "JP", "+819012345678"),
]


@pytest.mark.parametrize(("phone", "country", "e164"), NATIONAL_NUMBERS)
def test_a_national_number_becomes_its_countrys_e164(con: duckdb.DuckDBPyConnection, phone: str, country: str,
                                                     e164: str) -> None:
    assert normalize_value(con, "cc_phone_in", phone, country) == e164
    assert normalize_value(con, "cc_phone_in", e164, country) == e164


POSTAL_CODES = [
    ("1045 PT", "NL", "NL-10"), ("NL-1045 PT Amsterdam", "NL", "NL-10"), ("1045 Amsterdam", "NL", "NL-10"),
    ("0173", "NO", "NO-01"), ("N-5050 Bergen", "NO", "NO-50"),
    ("184 96", "SE", "SE-18"), ("SE-112 59 Stockholm", "SE", "SE-11"),
    ("8000", "DK", "DK-80"), ("DK-8000 Aarhus C", "DK", "DK-80"),
    ("00100", "FI", "FI-00"),
    ("20121", "IT", "IT-201"), ("I-26900 Lodi", "IT", "IT-269"),
    ("28012", "ES", "ES-280"), ("28012 Madrid", "ES", "ES-280"),
    ("1000-205", "PT", "PT-10"), ("1000-205 Lisboa", "PT", "PT-10"),
    ("00-950", "PL", "PL-00"), ("31-042 Kraków", "PL", "PL-31"),
    ("110 00", "CZ", "CZ-11"),
    ("01310-100", "BR", "BR-013"), ("01.310-100", "BR", "BR-013"),
    ("C.P. 06600", "MX", "MX-066"),
    ("C1425ABC", "AR", "AR-14"), ("1425", "AR", "AR-14"),
    ("832 0000", "CL", "CL-83"),
    ("NSW 2000", "AU", "AU-20"), ("6011", "NZ", "NZ-60"), ("〒100-0001", "JP", "JP-100"),
]


@pytest.mark.parametrize(("code", "country", "area"), POSTAL_CODES)
def test_a_postal_code_as_written_gives_its_countrys_area(con: duckdb.DuckDBPyConnection, code: str, country: str,
                                                          area: str) -> None:
    assert normalize_value(con, "cc_area_in", code, country) == area
    postcode = normalize_value(con, "cc_postcode_in", code, country)
    assert normalize_value(con, "cc_postcode_in", postcode, country) == postcode  # idempotent


BORDER_CODES = [
    ("05401", "CA", "US-054", "05401"), ("05401-1234", "CA", "US-054", "05401"), ("H2X 1Y4", "CA", "H2X", "H2X1Y4"),
    ("H2X 1Y4", "US", "H2X", "H2X1Y4"), ("05401", "US", "US-054", "05401"),
]


@pytest.mark.parametrize(("code", "country", "area", "postcode"), BORDER_CODES)
def test_a_border_venues_neighbours_keep_their_area(con: duckdb.DuckDBPyConnection, code: str, country: str,
                                                    area: str, postcode: str) -> None:
    # A Canadian hall near the border sells to Vermont: its buyers' ZIP codes gave no area (counted
    # as unreadable) while an American venue's Canadian buyers kept theirs.
    assert normalize_value(con, "cc_area_in", code, country) == area
    assert normalize_value(con, "cc_postcode_in", code, country) == postcode


@pytest.mark.parametrize(("code", "country"), [("99012", "ES"), ("12345", "NL"), ("1234", "SE"), ("123-45", "PL"),
                                               ("Lisboa", "PT"), ("123456", "DK")])
def test_a_value_that_is_no_code_of_the_country_gives_no_area(con: duckdb.DuckDBPyConnection, code: str,
                                                              country: str) -> None:
    assert normalize_value(con, "cc_area_in", code, country) is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(country=st.sampled_from(sorted(c for c in countries.CODES if c not in countries.FIRST_TEN)),
       texts=st.lists(st.text(alphabet="0123456789ABCNPTX -.", max_size=12), min_size=1, max_size=60))
def test_an_area_is_never_more_than_its_countrys_prefix(con: duckdb.DuckDBPyConnection, country: str,
                                                        texts: list[str]) -> None:
    # Privacy fails closed: whatever is written, the clear-text area holds at most the rule's first characters.
    areas = con.execute("SELECT x, cc_area_in(x, ?) FROM unnest(?) t(x)", [country, texts]).fetchall()
    shape = re.compile(rf"{country}-[0-9]{{{countries.BY_CODE[country].area}}}|[A-Z][0-9][A-Z]")  # or a Canadian FSA
    assert all(area is None or shape.fullmatch(area) for _text, area in areas), areas


# Two members of one country: the same three patrons, typed their own way by each box office
# (international or national phones, a code bare or after its country's letters), with other
# e-mail addresses; and people of one member only.
_MEMBERS = {
    "DK": ("Ordrenr.;Købsdato;Forestilling;Dato;Antal;Pris;Fornavn;Efternavn;E-mail;Mobil;Postnr.;By;Status",
           "kr. {price},00", ("+45 23 97 50 {n}", "23 97 50 {n}"), ("8000", "DK-8000"), "Aarhus", "Betalt"),
    "BR": ("Número do pedido;Data da compra;Evento;Data do evento;Quantidade;Valor;Nome;Sobrenome;E-mail;Telefone;"
           "CEP;Cidade;Status", "R$ {price},00", ("+55 11 94764-12{n}", "(11) 94764-12{n}"), ("01310-100", "01310100"),
           "São Paulo", "Aprovado"),
    "IT": ("Cod. transazione;Data vendita;Evento;Data evento;Quantità;Prezzo;Nome;Cognome;Email;Cellulare;CAP;Comune;"
           "Stato", "€ {price},00", ("+39 02 1234 56{n}", "02 1234 56{n}"), ("20121", "I-20121"), "Milano", "Pagato"),
}
_AREAS = {"DK": "DK-80", "BR": "BR-013", "IT": "IT-201"}
_PEOPLE = [("Mads", "Nielsen"), ("Ana", "Silva"), ("Giulia", "Rossi"), ("Freja", "Hansen"), ("Luca", "Bianchi"),
           ("Ida", "Larsen"), ("Pedro", "Costa"), ("Marco", "Ferrari"), ("Emma", "Berg"), ("Sofia", "Romano")]


def _member_export(path: Path, country: str, member: int) -> Path:
    header, price, phones, postcodes, town, sold = _MEMBERS[country]
    lines = [header]
    # Member 0's patrons are people 0-5, member 1's people 0-2 and 6-9.
    people = [(i, p) for i, p in enumerate(_PEOPLE) if (i < 6 if member == 0 else i < 3 or i >= 6)]
    for i, (first, surname) in people:
        for show in range(2):
            lines.append(";".join([
                f"{member}{i}{show}", f"{1 + i:02d}-02-2026 1{show}:3{i}", f"Koncert {show}",
                f"{14 + show:02d}-03-2026 20:00", "1", price.format(price=150 + 10 * i), first, surname,
                f"{first.lower()}.{member}@mail{member}.example", phones[member].format(n=10 + i),
                postcodes[member], town, sold]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("country", sorted(_MEMBERS))
def test_two_members_of_one_country_link_the_same_person_by_phone_and_postcode(country: str, tmp_path: Path) -> None:
    init_keys(tmp_path / "keys")
    db = tmp_path / "coop.duckdb"
    for member in (0, 1):
        export = _member_export(tmp_path / f"member{member}.csv", country, member)
        draft = draft_mapping(export)
        assert draft.mapping["country"] == country, draft.decisions
        assert {"phone", "postal_code"} <= set(draft.mapping["columns"]), draft.mapping["columns"]
        consent = "consent_defaults:\n  pooling: true\nconsent_basis: Our terms of sale, article 7.\n"
        profile = parse_profile(draft.yaml_text + consent, source="draft")
        package = tmp_path / f"pkg{member}"
        prepare(export, member=MemberInfo(f"m{member}", f"Member {member}"), profile=profile,
                keys_dir=tmp_path / "keys", out=package, today=TODAY)
        patrons = read_table(package, "patron")
        assert all(p["phone_token"] is not None for p in patrons)
        assert {p["fsa"] for p in patrons} == {_AREAS[country]}
        ingest(package, db)
    with Warehouse(db) as warehouse:
        link_warehouse(warehouse)
        keys = warehouse.query("SELECT member_id, count(DISTINCT patron_key) AS people FROM identity GROUP BY ALL")
        together = warehouse.query("SELECT count(DISTINCT patron_key) AS people FROM identity")
    assert {r["member_id"]: r["people"] for r in keys} == {"m0": 6, "m1": 7}
    assert together[0]["people"] == 10  # the three patrons of both members are three people



def test_a_request_about_a_danish_phone_is_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A Danish member asking to withdraw a patron's consent by the phone its export writes was refused:
    # « --country DK is not a country whose phone numbers culturecoop reads ».
    init_keys(tmp_path / "keys")
    out = tmp_path / "request.json"
    monkeypatch.setattr(sys, "argv", ["culturecoop", "consent", "request", "--member", "aarhus", "--keys",
                                      str(tmp_path / "keys"), "--out", str(out), "--withdraw", "marketing",
                                      "--phone", "23 97 50 59", "--country", "DK"])
    monkeypatch.setenv("CULTURECOOP_LANG", "en")
    assert cli_main._run() == 0
    assert out.exists()


# Values of every kind the country macros read: each country's phones and postal codes as the
# tests above write them, the first ten's, international and exit-code forms, and text that is
# neither.
_WRITTEN = [
    "514 555-0199", "+1 514 555 0199", "1-514-555-0199", "011 33 6 12 34 56 78", "0033 6 12 34 56 78",
    "06 12 34 56 78", "+33 (0)6 12 34 56 78", "0471 12 34 56", "079 123 45 67", "621 123 456", "020 7946 0958",
    "07700 900123", "030 123456", "0664 1234567", "087 123 4567", "0011 44 20 7946 0958", "010 44 20 7946 0958",
    "H2X 1Y4", "H2X1Y4 Montréal", "Montréal (Québec) H2X 1Y4", "H2X", "05401", "05401-1234", "75011", "F-75011",
    "75011 Paris", "FR-69003", "10115", "D-10115", "1000", "B-1000", "CH-1204", "1204 Genève", "1010", "L-1450",
    "SW4 0AB", "SW1A 1AA", "D02 X285", "D6W 1234", "12345", "1234", "123456", "123-45", "Lisboa", "99012",
    "", " ", "N/A", "0", "-1", "abc", "12/03/2024", "2026031520", "+", "00", "poste 12", "514 555 0199 ext. 12",
]


@pytest.mark.parametrize("country", [rule.code for rule in countries.RULES])
def test_the_macros_made_for_one_country_read_as_those_for_any(con: duckdb.DuckDBPyConnection, country: str) -> None:
    # prepare plans the country's own macros (ten times faster to plan): the same value for every text.
    written = sorted({*_WRITTEN, *(v for v, *_country in (*NATIONAL_NUMBERS, *POSTAL_CODES, *BORDER_CODES))})
    digits = sorted({re.sub(r"[^0-9+]", "", v) for v in written} - {""})
    install_country(con, country)
    assert con.execute(
        """SELECT x, cc_phone_here(x), cc_phone_in(x, $c), cc_postcode_here(x), cc_postcode_in(x, $c),
                  cc_area_here(x), cc_area_in(x, $c)
           FROM unnest($x) t(x)
           WHERE cc_phone_here(x) IS DISTINCT FROM cc_phone_in(x, $c)
              OR cc_postcode_here(x) IS DISTINCT FROM cc_postcode_in(x, $c)
              OR cc_area_here(x) IS DISTINCT FROM cc_area_in(x, $c)""", {"x": written, "c": country}).fetchall() == []
    assert con.execute(
        "SELECT d FROM unnest($d) t(d) WHERE cc_phone_e164_here(d) IS DISTINCT FROM cc_phone_e164(d, $c)",
        {"d": digits, "c": country}).fetchall() == []
    # Something is read: the sample is no sample of NULLs.
    assert con.execute("SELECT count(cc_phone_here(x)), count(cc_area_here(x)) FROM unnest($x) t(x)",
                       {"x": written}).fetchall()[0] >= (3, 3)
