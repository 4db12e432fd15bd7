"""Property tests of the normalizers, run through DuckDB where they live (``ingest.normalize``)."""

from __future__ import annotations

import re
from decimal import Decimal

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from culturecoop.ingest.normalize import EMAIL_AS_READ, normalize_value
from culturecoop.ingest.shapes import read_amount

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FSA = re.compile(r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]")
# Text as exports carry it: accents, ligatures, punctuation, odd spaces, any other script.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(
        list("éèêëàâçîïôœæÉÈÇŒ'’- .\u00a0\u202f")),
    max_size=30,
)


def french_amount(amount: Decimal, grouping: str, symbol: str) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return grouping.join([whole, *groups]) + "," + cents + symbol


@SETTINGS
@given(
    cents=st.integers(min_value=0, max_value=9_999_999_999),
    grouping=st.sampled_from(["", " ", "\u00a0", "\u202f", "."]),
    symbol=st.sampled_from(["", " $", "\u00a0$", " CAD", " $ CA"]),
)
def test_decimal_comma_round_trips(con: duckdb.DuckDBPyConnection, cents: int, grouping: str, symbol: str) -> None:
    amount = Decimal(cents) / 100
    text = french_amount(amount, grouping, symbol)
    assert normalize_value(con, "cc_amount", text, ",") == amount, text


@SETTINGS
@given(cents=st.integers(min_value=-99_999_999, max_value=99_999_999), prefix=st.sampled_from(["", "CAD ", "$"]))
def test_decimal_point_round_trips(con: duckdb.DuckDBPyConnection, cents: int, prefix: str) -> None:
    amount = Decimal(cents) / 100
    text = f"{prefix}{amount:,.2f}" if cents >= 0 else f"{amount:.2f}"
    assert normalize_value(con, "cc_amount", text, ".") == amount, text


@pytest.mark.parametrize(("text", "amount"), [
    # Swiss whole amounts: a dash for no cents is no minus sign.
    ("CHF 25.-", "25"), ("25,- CHF", "25"), ("CHF 25.\u2013", "25"), ("CHF 12.50", "12.50"),
    # A refund still is: a leading or trailing minus, accounting parentheses.
    ("25-", "-25"), ("-25.00", "-25"), ("($89.00)", "-89"), ("CHF -25.-", "-25"),
    # Francs abbreviated with a dot, and thousands with an apostrophe, as the Swiss write them.
    ("Fr. 25.-", "25"), ("Fr.25.-", "25"), ("SFr. 45.00", "45"), ("Fr. 1'250.-", "1250"), ("45 Frs", "45"),
])
@pytest.mark.parametrize("decimal", [".", ","])
def test_whole_amounts_and_refunds(con: duckdb.DuckDBPyConnection, text: str, amount: str, decimal: str) -> None:
    assert normalize_value(con, "cc_amount", text, decimal) == Decimal(amount), text
    assert read_amount(text) == Decimal(amount), text  # the draft reads them as prepare does


@pytest.mark.parametrize(("text", "amount"), [
    # A ticket given, said among other words: nothing paid, whatever number the words carry.
    ("Gratuit (moins de 12 ans)", "0"), ("Gratuit -12 ans", "0"), ("Invitation 2 pers.", "0"),
    ("Free - under 12", "0"), ("Entrée offerte", "0"),
    # Currency words are part of an amount.
    ("25 € TTC", "25"), ("25 euros", "25"), ("CA$25.00", "25"), ("US$ 12", "12"), ("195 kr", "195"),
    # A price with its label: the one number beside a currency.
    ("Plein tarif (15 €)", "15"), ("Adulte : 25,00 $", "25"), ("Tarif réduit 1 200,00 EUR", "1200"),
    ("Adulte - 25,00 €", "25"), ("Remboursement -25 €", "-25"),
])
@pytest.mark.parametrize("decimal", [".", ","])
def test_words_around_an_amount(con: duckdb.DuckDBPyConnection, text: str, amount: str, decimal: str) -> None:
    assert normalize_value(con, "cc_amount", text, decimal) == Decimal(amount), text
    assert read_amount(text) == Decimal(amount), text  # the draft reads them as prepare does


@pytest.mark.parametrize("text", ["Tarif -12 ans", "Adulte 12-17 ans : 10 €", "25 € (gratuit pour les -12 ans)",
                                  "Catégorie 2", "voir facture 1024", "offert ?"])
def test_other_words_make_no_amount(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """A price cell whose words are not a currency's is no price: rejected with its value shown,
    not read as a refund of 12 or a price of 2."""
    assert normalize_value(con, "cc_amount", text, ",") is None, text
    assert read_amount(text) is None, text


def test_a_quantity_may_carry_its_word(con: duckdb.DuckDBPyConnection) -> None:
    assert normalize_value(con, "cc_quantity", "2 places") == 2
    assert normalize_value(con, "cc_quantity", "3 billets") == 3
    assert normalize_value(con, "cc_quantity", "3 adultes + 2 enfants") is None  # not 32
    assert normalize_value(con, "cc_quantity", "deux + 1") is None


@pytest.mark.parametrize(("text", "code"), [
    ("Fr. 25.-", "CHF"), ("SFr. 45.00", "CHF"), ("45 Fr.", "CHF"), ("CHF 12.50", "CHF"), ("12,50 €", "EUR"),
    ("£22.50", "GBP"), ("US$ 12", "USD"), ("12.50", None), ("Gratuit", None),
])
def test_the_currency_written_in_an_amount(con: duckdb.DuckDBPyConnection, text: str, code: str | None) -> None:
    assert normalize_value(con, "cc_amount_currency", text) == code


@SETTINGS
@given(text=TEXT | st.from_regex(r"[A-Za-z][0-9][A-Za-z] ?-?[0-9][A-Za-z][0-9]", fullmatch=True))
def test_fsa_is_three_valid_characters_or_null(con: duckdb.DuckDBPyConnection, text: str) -> None:
    fsa = normalize_value(con, "cc_fsa", text)
    assert fsa is None or (len(fsa) == 3 and FSA.fullmatch(fsa)), (text, fsa)
    postcode = normalize_value(con, "cc_postcode", text)
    if postcode is not None:
        assert fsa == postcode[:3] and len(postcode) == 6 and " " not in postcode


@SETTINGS
@given(local=st.from_regex(r"[A-Za-z0-9._%+éÉ-]{1,12}", fullmatch=True),
       domain=st.from_regex(r"[A-Za-z0-9-]{1,10}\.[A-Za-z]{2,4}", fullmatch=True),
       pad=st.sampled_from(["", " ", "\u00a0", "\t"]))
def test_email_normalization_is_idempotent(con: duckdb.DuckDBPyConnection, local: str, domain: str, pad: str) -> None:
    raw = f"{pad}{local}@{domain}{pad}"
    once = normalize_value(con, "cc_email", raw)
    assert once == f"{local}@{domain}".lower()
    assert normalize_value(con, "cc_email", once) == once


@SETTINGS
@given(text=TEXT)
def test_any_text_email_is_idempotent(con: duckdb.DuckDBPyConnection, text: str) -> None:
    once = normalize_value(con, "cc_email", text)
    if once is not None:
        assert normalize_value(con, "cc_email", once) == once and once == once.strip().lower()


@SETTINGS
@given(text=TEXT)
def test_name_folding_is_idempotent_ascii_and_tidy(con: duckdb.DuckDBPyConnection, text: str) -> None:
    folded = normalize_value(con, "cc_fold", text)
    if folded is None:
        return
    assert folded.isascii() and re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", folded), (text, folded)
    assert normalize_value(con, "cc_fold", folded) == folded


def test_name_folding_examples(con: duckdb.DuckDBPyConnection) -> None:
    assert normalize_value(con, "cc_fold", "  Jean-François  O'Neil ") == "jean francois oneil"
    assert normalize_value(con, "cc_fold", "Lœuf-Ève ÉMILIE") == "loeuf eve emilie"
    assert normalize_value(con, "cc_name", "  Marie\u00a0 Ève ") == "Marie Ève"


@SETTINGS
@given(day=st.dates(min_value=__import__("datetime").date(1900, 1, 1)))
def test_birth_band_contains_the_year(con: duckdb.DuckDBPyConnection, day: object) -> None:
    band = normalize_value(con, "cc_birth_band", day)
    low, high = (int(x) for x in band.split("-"))
    assert high - low == 4 and low % 5 == 0 and low <= day.year <= high  # type: ignore[attr-defined]


@SETTINGS
@given(
    area=st.integers(200, 999), exchange=st.integers(200, 999), line=st.integers(0, 9999),
    style=st.sampled_from(["({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "1 {a} {e} {l}", "+1 {a} {e} {l}",
                           "{a}{e}{l}", "1-{a}-{e}-{l} poste 12", "{a} {e} {l} x345"]),
)
def test_phones_become_e164(con: duckdb.DuckDBPyConnection, area: int, exchange: int, line: int, style: str) -> None:
    text = style.format(a=area, e=exchange, l=f"{line:04d}")
    e164 = normalize_value(con, "cc_phone", text)
    assert e164 == f"+1{area}{exchange}{line:04d}", text
    assert normalize_value(con, "cc_phone", e164) == e164


@SETTINGS
@given(text=st.text(alphabet="0123456789 -.()+x", max_size=20))
def test_phone_is_e164_or_null(con: duckdb.DuckDBPyConnection, text: str) -> None:
    e164 = normalize_value(con, "cc_phone", text)
    assert e164 is None or re.fullmatch(r"\+[1-9][0-9]{7,14}", e164), (text, e164)


@SETTINGS
@given(n=st.integers(1, 10000), style=st.sampled_from(["{n}", " {n} ", "{n}.0", "{n} billets"]))
def test_quantity(con: duckdb.DuckDBPyConnection, n: int, style: str) -> None:
    assert normalize_value(con, "cc_quantity", style.format(n=n)) == n


@pytest.mark.parametrize("text", ["1", "2", "02", "00007", "10000", "10001", "99999", "0", "00000", "123456",
                                  "99999999999999999999", "-2", " 3 ", "2.0", "2.5", "0x10", "1_000", "+4",
                                  "3 billets", "", "١٢"])
def test_row_quantity_is_cc_quantity_without_the_refund_sign(con: duckdb.DuckDBPyConnection, text: str) -> None:
    # The digits shortcut must agree with the general path on every input, long or odd ones too.
    assert normalize_value(con, "cc_row_quantity", text) == normalize_value(con, "cc_quantity", text.strip().lstrip("-"))


@pytest.mark.parametrize("written", ["Marie.Tremblay@Videotron.ca", "Marie Tremblay <marie.tremblay@videotron.ca>",
                                     "mailto:marie.tremblay@videotron.ca", '"marie.tremblay@videotron.ca"',
                                     "marie.tremblay@videotron.ca.", "marie.tremblay@videotron.ca; m.t@gmail.example",
                                     " MARIE.TREMBLAY@VIDEOTRON.CA,"])
def test_an_address_written_around_is_the_same_address(con: duckdb.DuckDBPyConnection, written: str) -> None:
    # One person, written as each vendor writes her: one e-mail to link across members by (the
    # quoted and angled forms were kept whole and linked to nobody), and the draft sees an e-mail too.
    from culturecoop.ingest.shapes import EMAIL, email_text

    assert normalize_value(con, "cc_email", written) == "marie.tremblay@videotron.ca"
    assert EMAIL.fullmatch(email_text(written)) and email_text(written) == "marie.tremblay@videotron.ca"


@pytest.mark.parametrize(("full", "given", "surname"), [
    ("Michel Dupont", "Michel", "Dupont"),
    ("Daniel Roy", "Daniel", "Roy"),
    ("Claude Martin", "Claude", "Martin"),
    ("Isabelle Moreau", "Isabelle", "Moreau"),
    ("Gaëlle Simon", "Gaëlle", "Simon"),
    ("Gaël Le Simon", "Gaël", "Le Simon"),
    ("Marie de la Fontaine", "Marie", "de la Fontaine"),
    ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
    ("TREMBLAY Marie", "Marie", "TREMBLAY"),
    ("Tremblay, Marie", "Marie", "Tremblay"),
])
def test_a_full_name_splits_between_words(con: duckdb.DuckDBPyConnection, full: str, given: str,
                                          surname: str) -> None:
    """A given name that ends like a particle (« Michel », « Claude », « Isabelle ») stays whole: the
    same person written in one column or in two gets the same given name and surname."""
    assert normalize_value(con, "cc_given_of", full) == given
    assert normalize_value(con, "cc_surname_of", full) == surname



def test_a_connection_given_some_normalizers_gets_what_they_call_and_no_other() -> None:
    """``install_normalizers(only=…)`` (the package guard's connection): each macro works alone, with
    the macros it calls, and reads what it reads with every normalizer defined."""
    from culturecoop.ingest.normalize import install_normalizers

    everything = duckdb.connect()
    install_normalizers(everything, "FR")
    macros = {r[0] for r in everything.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE 'cc_%'").fetchall()}
    samples = ["06 12 34 56 78", "+33 6 12 34 56 78", "Élodie O’Brien", "1 234,50 €", "samedi 1 novembre 2025 21h",
               "75011", "marie@exemple.fr"]
    compared = 0
    for name in macros:
        alone = duckdb.connect()
        install_normalizers(alone, "FR", only=(name,))
        defined = {r[0] for r in alone.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE 'cc_%'").fetchall()}
        assert name in defined and len(defined) < len(macros), (name, defined)
        # The guard's macros and a few that call others read the same values.
        if name in ("cc_fold", "cc_phone_here", "cc_phone_e164_here", "cc_email", "cc_text_datetime", "cc_postcode_here"):
            sql = f"SELECT {name}(x) FROM unnest(?::VARCHAR[]) AS t(x)"
            assert alone.execute(sql, [samples]).fetchall() == everything.execute(sql, [samples]).fetchall(), name
            compared += 1
    assert compared == 6
    with pytest.raises(ValueError, match="no such normalizer"):
        install_normalizers(duckdb.connect(), "FR", only=("cc_nothing",))


@settings(SETTINGS, max_examples=40)
@given(address=st.from_regex(EMAIL_AS_READ, fullmatch=True))
def test_an_address_as_read_is_itself(con: duckdb.DuckDBPyConnection, address: str) -> None:
    # The patrons' e-mails skip the general reading when they are written as it would leave them.
    assert normalize_value(con, "cc_email_read", address) == address
    assert normalize_value(con, "cc_email", address) == address


@settings(SETTINGS, max_examples=60)
@given(text=st.one_of(TEXT, st.from_regex(r"[ \"'<]?[A-Za-z0-9.,;:<> '\"-]{1,8}@[A-Za-z0-9.;, <>-]{1,10}[. \"'>]?",
                                          fullmatch=True)))
def test_an_address_reads_the_same_either_way(con: duckdb.DuckDBPyConnection, text: str) -> None:
    assert normalize_value(con, "cc_email", text) == normalize_value(con, "cc_email_read", text)
