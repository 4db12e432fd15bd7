"""Hostile but plausible inputs to the commands other than prepare and mapping: each is refused in
one sentence, in French and English, before anything is saved or sent — or, when it is a good input
in another shape (a list of ids saved by Excel as "Unicode text"), read as the reader meant it."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from culturecoop.errors import UserError
from culturecoop.i18n import set_language


@pytest.fixture(autouse=True)
def _english() -> object:
    set_language("en")
    yield None
    set_language("en")


@pytest.mark.parametrize(("text", "near"), [
    ("Bonjour de {member_name https://billets.example.org", "Bonjour de {member_name"),
    ("La saison {oops", "La saison {oops"),
    ("Réservez } dès maintenant", "Réservez } dès maintenant"),
    ("Chez {venue}} ce soir", "Chez {venue}} ce soir"),
])
def test_a_brace_of_no_placeholder_is_refused_not_sent(text: str, near: str) -> None:
    """« {member_name » (its closing brace forgotten) and a lone « } » passed the template check, and every
    recipient read the braces and the placeholder's name as written."""
    from culturecoop.campaigns.content import MAX_SUBJECT, check_template

    with pytest.raises(UserError) as refused:
        check_template(text, "French subject", MAX_SUBJECT, one_line=True)
    assert refused.value.exit_code == 2
    assert refused.value.message.startswith(
        f"The French subject has a brace that opens or closes no placeholder, in “{near}”; write each placeholder "
        "whole between its braces ({event_title}, ")
    set_language("fr")
    with pytest.raises(UserError) as refused:
        check_template(text, "objet en français", MAX_SUBJECT, one_line=True)
    assert refused.value.message.startswith(
        f"Le champ « objet en français » a une accolade qui n’ouvre ni ne ferme aucune variable, dans « {near} » ; "
        "écrivez chaque variable en entier entre ses accolades ({titre}, ")
    # Placeholders whole, in either language's names, still pass.
    assert check_template("{titre} le {date} chez {member_name}", "objet en français", MAX_SUBJECT, one_line=True)


def test_a_campaign_whose_body_leaves_a_brace_open_is_not_created(tmp_path: Path) -> None:
    """On the command line: one sentence, exit 2, and no campaign saved."""
    from tests.conftest import run_cli
    from tests.test_reports_support import tiny_cooperative

    from culturecoop.warehouse.engine import Warehouse

    db = tiny_cooperative(tmp_path / "coop.duckdb")
    with Warehouse(db) as warehouse, warehouse.transaction() as con:
        con.execute("INSERT INTO audience VALUES ('aud_1', 'jazz-a', 'Fidèles', 'lapsed', '{\"months\": 12}', "
                    "now(), 'test', NULL, NULL)")
    body = tmp_path / "corps.txt"
    body.write_text("Bonjour,\n\nLa saison de {member_name commence.\n", encoding="utf-8")
    result = run_cli("campaigns", "create", "--db", str(db), "--member", "jazz-a", "--audience", "aud_1",
                     "--subject-fr", "La saison", "--body-fr", str(body), lang="fr")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert " ".join(result.stderr.split()).startswith(
        "Erreur : Le champ « texte en français » a une accolade qui n’ouvre ni ne ferme aucune variable, dans "
        "« La saison de {member_name » ;")
    with Warehouse(db) as warehouse:
        assert warehouse.scalar("SELECT count(*) FROM campaign") == 0


@pytest.mark.parametrize("name", ["Fans\x1b[2J\x1b[31m rouges", "Public\x00caché", "Deux\nlignes", "Tab\tulé"])
def test_an_audience_name_with_a_control_character_is_refused(tmp_path: Path, name: str) -> None:
    """A terminal escape in an audience's name (« \\x1b[2J » clears the screen) was saved, then printed as
    an instruction to every terminal that listed or showed the audiences; a NUL was saved as well."""
    from culturecoop.reco.audiences import build_audience
    from culturecoop.warehouse.engine import Warehouse

    with Warehouse(tmp_path / "coop.duckdb", create=True) as warehouse:
        with pytest.raises(UserError) as refused:
            build_audience(warehouse, member_id="jazz-a", kind="lapsed", params={"months": 12}, name=name)
        assert refused.value.message == ("The audience name holds a line break or a control character; write it on "
                                         "one line, e.g. --name \"Jazz fans for March\".")
        set_language("fr")
        with pytest.raises(UserError) as refused:
            build_audience(warehouse, member_id="jazz-a", kind="lapsed", params={"months": 12}, name=name)
        assert refused.value.message.startswith("Le nom du public contient un saut de ligne ou un caractère de contrôle ;")
        assert warehouse.scalar("SELECT count(*) FROM audience") == 0


def test_an_audience_name_longer_than_the_dashboard_takes_is_refused(tmp_path: Path) -> None:
    """`audiences create --name` took 100,000 characters (the dashboard and the API stop at 200) and every
    listing of the member's audiences printed them."""
    from culturecoop.reco.audiences import build_audience
    from culturecoop.warehouse.engine import Warehouse

    with Warehouse(tmp_path / "coop.duckdb", create=True) as warehouse:
        set_language("fr")
        with pytest.raises(UserError) as refused:
            build_audience(warehouse, member_id="jazz-a", kind="lapsed", params={"months": 12}, name="x" * 100_000)
        assert refused.value.message.replace("\xa0", " ") == ("Le nom du public compte 100 000 caractères ; donnez-en au plus 200, par "
                                         "exemple --name \"Amateurs de jazz de mars\".")
        assert warehouse.scalar("SELECT count(*) FROM audience") == 0


@pytest.mark.parametrize("currency", ["<script>", "dollars", "cad", "ZZZ", "", "CA$"])
def test_a_currency_that_is_no_currency_code_is_refused(currency: str) -> None:
    """`contribution rules --currency "<script>"` was saved and printed before every amount of every
    member's statement (Markdown, PDF and the dashboard): « You receive **<script> 72.45** »."""
    from culturecoop.governance.remuneration import Rules, check_rules

    with pytest.raises(UserError) as refused:
        check_rules(Rules(pool_cents=100_000, currency=currency), 3)
    assert refused.value.message == (f"--currency {currency} is not a currency code; give its three capital letters, "
                                     "e.g. --currency CAD or --currency EUR.")
    set_language("fr")
    with pytest.raises(UserError) as refused:
        check_rules(Rules(pool_cents=100_000, currency=currency), 3)
    assert refused.value.message.startswith(f"--currency {currency} n’est pas un code de devise ;")
    for good in ("CAD", "EUR", "USD", "CHF"):
        check_rules(Rules(pool_cents=100_000, currency=good), 3)


@pytest.mark.parametrize("shape", ["utf-16", "utf-8 with BOM", "windows-1252", "quoted with a comma"])
def test_a_test_items_list_is_read_in_the_shapes_the_log_is(tmp_path: Path, shape: str) -> None:
    """`reco evaluate --test-items` read its list as UTF-8 with the bad bytes replaced and cut each line
    at its first comma: a list saved by Excel as "Unicode text" (UTF-16), with a BOM or in
    Windows-1252 named « 2 items that appear in neither the log nor the item table (first: ��i\\x00…) »,
    and an id in quotes holding a comma was cut in two."""
    from culturecoop.reco.logs import read_interactions, read_item_list, read_items

    ids = ["Café-théâtre", '"Quatuor, opus 3"', "Nuit"]
    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\n" + "".join(
        f"u{u},{item},{1_700_000_000 + u}\n" for u in range(3) for item in ids), encoding="utf-8")
    read = read_interactions(log)
    items = read_items(None, read)
    listed = tmp_path / "test-items.txt"
    text = "item_id\nCafé-théâtre\n\"Quatuor, opus 3\"\n"
    if shape == "utf-16":
        listed.write_bytes(text.encode("utf-16"))
    elif shape == "utf-8 with BOM":
        listed.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    elif shape == "windows-1252":
        listed.write_bytes(text.encode("cp1252"))
    else:
        listed.write_text(text, encoding="utf-8")
    held = read_item_list(listed, items)
    assert sorted(items.ids[held].tolist()) == ["Café-théâtre", "Quatuor, opus 3"]


def test_a_test_items_list_of_binary_data_is_refused(tmp_path: Path) -> None:
    from culturecoop.reco.logs import read_interactions, read_item_list, read_items

    log = tmp_path / "log.csv"
    log.write_text("user_id,item_id,timestamp\nu1,a,1700000000\nu2,b,1700000001\n", encoding="utf-8")
    items = read_items(None, read_interactions(log))
    listed = tmp_path / "list.csv"
    listed.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UserError) as refused:
        read_item_list(listed, items)
    assert refused.value.message == (f"{listed} is not a table of text (it holds binary data); give a CSV, an Excel "
                                     "workbook or JSON.")


@pytest.mark.parametrize("kind", ["consent", "erasure", "access"])
def test_a_request_for_an_empty_member_says_the_member_is_empty(tmp_path: Path, kind: str) -> None:
    """`consent request --member ""` said « Error:  is not a member identifier; … », a sentence cut at its start."""
    from tests.conftest import run_cli

    args = ["--out", str(tmp_path / "r.json"), "--member", "", "--keys", str(tmp_path), "--email", "a@example.org"]
    extra = ["--withdraw", "marketing"] if kind == "consent" else []
    for lang, said in (("en", "Error: The member identifier is empty; give --member, e.g. --member jazz-dieze."),
                       ("fr", "Erreur : L’identifiant de membre est vide ;")):
        result = run_cli(kind, "request", *args, *extra, lang=lang)
        assert result.returncode == 2, result.stderr
        assert " ".join(result.stderr.split()).startswith(said), result.stderr
    assert not (tmp_path / "r.json").exists()


def test_reco_ids_reads_the_export_in_the_encoding_it_is_given(tmp_path: Path) -> None:
    """`reco ids --encoding X` passed X to DuckDB, which reads UTF-8, UTF-16 and Latin-1 alone: any other
    encoding (cp1252 that its help names, mac_roman, shift_jis, or a misspelt one) said « cannot be read
    as CSV; give a comma-separated file » of a good export; and a Shift-JIS export was read as Windows-1252."""
    from culturecoop.reco.ids import _export_columns

    text = "patron_id,nom\nC001,ジュン\nC002,Zoé\n"
    japanese = tmp_path / "export-sjis.csv"
    japanese.write_bytes(text.replace("Zoé", "Zoe").encode("shift_jis"))
    assert sorted(_export_columns(japanese, "shift_jis")["nom"]) == ["Zoe", "ジュン"]
    plain = tmp_path / "export.csv"
    plain.write_text(text.replace("ジュン", "Jun"), encoding="utf-8")
    for encoding in ("utf-8", "cp1252", "mac_roman"):
        assert sorted(_export_columns(plain, encoding)["patron_id"]) == ["C001", "C002"], encoding
    with pytest.raises(UserError) as refused:
        _export_columns(plain, "klingon")
    assert refused.value.message == ("--encoding klingon is not a known text encoding; give the export's encoding, "
                                     "e.g. --encoding cp1252 or --encoding mac_roman.")
    with pytest.raises(UserError) as refused:
        _export_columns(plain, "utf-16")
    assert refused.value.message.startswith(f"{plain} cannot be read as utf-16; give the encoding it was saved in")
    set_language("fr")
    with pytest.raises(UserError) as refused:
        _export_columns(plain, "klingon")
    assert refused.value.message.startswith("--encoding klingon n’est pas un encodage de texte connu ;")


def test_an_amount_grouped_by_thousands_is_never_read_as_cents() -> None:
    """`contribution rules --pool 12,500` saved a pool of 12.50 $ (the comma read as a French decimal
    comma): an English-speaking admin shared a thousandth of the amount meant. One comma before three
    digits is refused as ambiguous; English grouping that cannot be a decimal (two commas, or cents
    after a point) and the French ways stay read as written."""
    from culturecoop.governance.remuneration import cents

    for text in ("12,500", "1,000", "100,000"):
        with pytest.raises(UserError) as refused:
            cents(text, "--pool")
        assert refused.value.message.startswith(f"--pool {text} reads as ")
        assert refused.value.message.endswith("; write the amount without a thousands separator, e.g. 12500.00 or 12.50.")
    with pytest.raises(UserError, match=r"^--pool 12,500 reads as 12500 or as 12\.5;"):
        cents("12,500", "--pool")
    assert cents("12,500.00", "--pool") == 1_250_000
    assert cents("1,234,567", "--pool") == 123_456_700
    assert cents("12 500,50 $", "--pool") == cents("12\u202f500,50", "--pool") == 1_250_050
    assert cents("12,5", "--pool") == 1_250 and cents("0,500", "--pool") == 50 and cents("12500", "--pool") == 1_250_000
    set_language("fr")
    with pytest.raises(UserError) as refused:
        cents("12,500", "--pool")
    assert refused.value.message == ("--pool 12,500 se lit 12500 ou 12,5 ; écrivez le montant sans séparateur de "
                                     "milliers, par exemple 12500,00 ou 12,50.")


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_cutoff_says_it_is_empty(value: str) -> None:
    """`reco evaluate --cutoff ""` (a shell variable left unset) read « --cutoff  is not a date »: a
    sentence cut at its start."""
    from culturecoop.reco.evaluate import parse_cutoff

    with pytest.raises(UserError) as refused:
        parse_cutoff(value)
    assert refused.value.message == "--cutoff is empty; give the day the test begins, as YYYY-MM-DD, e.g. --cutoff 1998-01-01."
    set_language("fr")
    with pytest.raises(UserError) as refused:
        parse_cutoff(value)
    assert refused.value.message.startswith("--cutoff est vide ;")


def test_an_audience_of_no_genre_says_none_was_given(tmp_path: Path) -> None:
    """`audiences create --genre ""` read « Unknown genre ; choose one of … »."""
    from culturecoop.reco.audiences import build_audience
    from culturecoop.warehouse.engine import Warehouse
    from test_reports_support import tiny_cooperative

    db = tiny_cooperative(tmp_path / "coop.duckdb")
    with Warehouse(db) as warehouse:
        with pytest.raises(UserError) as refused:
            build_audience(warehouse, member_id="jazz-a", kind="genre", params={"genre": " "}, name="Fans")
        assert refused.value.message.startswith("No genre given; choose one of ")
        assert "jazz" in refused.value.message
        assert warehouse.scalar("SELECT count(*) FROM audience") == 0


def test_an_smtp_server_out_of_reach_is_said_in_words(tmp_path: Path) -> None:
    """`campaigns send --smtp 127.0.0.1:1` told « (ConnectionRefusedError) », a Python class name."""
    from culturecoop.campaigns.sender import _unreachable

    assert _unreachable(ConnectionRefusedError()) == "nothing answers on that port"
    assert _unreachable(TimeoutError()) == "no answer in time"
    set_language("fr")
    assert _unreachable(ConnectionRefusedError()) == "rien ne répond sur ce port"
