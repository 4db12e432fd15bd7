"""The row check's cheaper readings read what the general ones read: a person's text tested by one pattern on
ASCII values, a parser's first reading computed once, a blank line told by its first character."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from culturecoop.errors import UserError
from culturecoop.ingest import columns
from culturecoop.ingest.columns import _person_text, writes_person
from culturecoop.ingest.dates import first_of, format_params, timestamp_sql
from culturecoop.ingest.normalize import install_normalizers
from culturecoop.ingest.profile import load_profile
from culturecoop.ingest.read import read_source
from culturecoop.ingest.repeats import refuse_repeated_rows
from culturecoop.ingest.source import SourceInfo
from culturecoop.ingest.vocabulary import PLACEHOLDER_WORDS


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    install_normalizers(connection, only=("cc_person_text", "cc_text_datetime"))
    return connection


def _written(word: str) -> list[str]:
    """``word`` as a box office may type it: in capitals, with accents, between blanks of every kind."""
    forms = {word, word.upper(), word.title(), word.replace("e", "é"), word.replace("a", "À"), word.replace("o", "ô")}
    return [f"{before}{form}{after}" for form in forms for before, after in (
        ("", ""), (" ", "  "), ("\t", ""), ("", "\t"), ("\u00a0", ""), ("", "\u202f"), ("\u3000", " "), ("", "."))]


_OTHERS = ["", " ", "   ", "\t", "\u00a0", "0", "000", "-1", "-001", "1", "-", "—", "?!", "...", "x", "XXX", "Xavier",
           "Nadia", "Na", "N/A Tremblay", "Anne-Marie", "Hélène", "ØYVIND", "ſans email", "KELVIN", "\u212aunde", "gast ",
           "marie@exemple.ca", "514-555-0123", "H2X 1Y4", "1975-02-20", "C150785", "n\u00a0a", "n/a\x07"]


def test_a_person_s_text_reads_as_the_normalizer_reads_it(con: duckdb.DuckDBPyConnection) -> None:
    # A value of ASCII characters is tested by one pattern without its fold (0.2 s -> 0.09 s of CPU per million
    # names); every placeholder, however typed, is still no person, and every other value still one.
    values = sorted({v for word in PLACEHOLDER_WORDS for v in _written(word)} | set(_OTHERS))
    con.execute("CREATE OR REPLACE TEMP TABLE v AS SELECT unnest($v) AS x UNION ALL SELECT NULL", {"v": values})
    differ = con.execute(f"""SELECT x, cc_person_text(x), {_person_text('x')}, {writes_person('x')} FROM v
        WHERE cc_person_text(x) IS DISTINCT FROM {_person_text('x')}
           OR (cc_person_text(x) IS NOT NULL) IS DISTINCT FROM {writes_person('x')}""").fetchall()
    assert differ == []
    nobody, somebody = con.execute(f"SELECT count_if(NOT {writes_person('x')}), count_if({writes_person('x')}) FROM v").fetchone() or (0, 0)
    assert nobody > 1000 and somebody > 10  # both kinds were tried


def _plan(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> str:
    return "\n".join(str(row[1]) for row in con.execute(f"EXPLAIN {sql}", params).fetchall())


def test_a_date_s_first_reading_is_computed_once(con: duckdb.DuckDBPyConnection) -> None:
    # Guarded outside its CASE (« CASE WHEN x IS NOT NULL THEN first_of(…) END »), the first reading was computed
    # twice per date (0.07 s per million); guarded inside, once, and the same dates are read.
    params = format_params(("%d/%m/%Y %H:%M",), ("%d/%m/%Y",), "America/Toronto", 2026)
    parser = timestamp_sql("d", ("%d/%m/%Y %H:%M",), ("%d/%m/%Y",), when="d IS NOT NULL")
    texts = ["22/03/2026 20:30", "22/03/2026", "sam. 22 mars 2026 20h30", "2026-03-22T20:30:00Z", "46103,5", "", None,
             "31/02/2026 20:30", "n/a"]
    con.execute("CREATE OR REPLACE TEMP TABLE dates AS SELECT unnest($t) AS d", {"t": texts})
    sql = f"SELECT {parser} AS at FROM dates"
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    plan = _plan(con, sql, used)
    assert plan.count("try_strptime(d, ['%d/%m/%Y %H:%M'])") == 1, plan
    whole = timestamp_sql("d", ("%d/%m/%Y %H:%M",), ("%d/%m/%Y",))
    before = f"SELECT CASE WHEN d IS NOT NULL THEN {whole} END AS at FROM dates"
    assert con.execute(sql, used).fetchall() == con.execute(before, used).fetchall()
    assert con.execute(sql, used).fetchall()[:3] != [(None,)] * 3
    # A label looked up the same way: the exact match once, the others where the label is written.
    label = first_of("$v[list_position($k, x)]", "$v[list_position($k, lower(x))]", "'other'", when="x IS NOT NULL")
    con.execute("CREATE OR REPLACE TEMP TABLE labels AS SELECT unnest(['web', 'WEB', 'fax', NULL]) AS x")
    got = con.execute(f"SELECT {label} FROM labels", {"k": ["web"], "v": ["online"]}).fetchall()
    assert got == [("online",), ("online",), ("other",), (None,)]
    assert _plan(con, f"SELECT {label} FROM labels", {"k": ["web"], "v": ["online"]}).count("list_position") == 2


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_blank_lines_are_told_by_their_first_character(large: bool, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # On a large export only a line that begins with a blank or a delimiter is trimmed to tell whether it is blank;
    # the lines of nothing but blanks and delimiters are still no rows, and a row beginning with an empty cell one.
    if large:
        monkeypatch.setattr(columns, "SMALL_EXPORT_BYTES", 0)
    profile = load_profile("canonical")
    text = (Path(__file__).parent / "fixtures" / "exports" / "canonical.csv").read_text(encoding="utf-8")
    header, first, *_rest = text.splitlines()
    lines = [header, first, "", ",,,,", " , ,\t,", "\t", ",T-9" + first[first.index(","):], "   " + first, first]
    path = tmp_path / "export.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    con = duckdb.connect()
    install_normalizers(con, only=("cc_person_text",))
    info = read_source(path, profile, tmp_path, con)
    info.load(con)
    blank = con.execute(f"SELECT line_no, blank FROM {info.relation} ORDER BY line_no", info.params).fetchall()
    assert blank == [(2, False), (3, True), (4, True), (5, True), (6, True), (7, False), (8, False), (9, False)]


def _lines_hashed(hashes: list[int | None]) -> duckdb.DuckDBPyConnection:
    """A connection whose ``checked`` holds a line per hash (None: a blank line), numbered from line 2."""
    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE checked AS SELECT i + 1 AS line_no, h AS line_hash FROM "
                "(SELECT unnest($h) AS h, generate_subscripts($h, 1) AS i)", {"h": hashes})
    return con


def test_a_run_of_rows_written_again_is_found_among_the_lines_written_once(tmp_path: Path) -> None:
    # The search sorts only the lines written twice or more, each at its place among all (a million-line export:
    # 0.5-1.0 s -> 0.2-0.4 s of CPU): rows written again one by one between others make no run, rows written again
    # in their order do, whatever blank lines lie between them.
    export = tmp_path / "ventes.csv"
    export.write_text("a,b\n", encoding="utf-8")
    info = SourceInfo(path=export, text_path=export, header=["a", "b"], header_line=1, relation="", params={})
    between = [h for n in range(6) for h in (100 + n, 200 + n)] + [h for n in range(6) for h in (100 + n, 300 + n)]
    refuse_repeated_rows(_lines_hashed(between), info)  # no run: a line written once between each repeated one
    run: list[int | None] = [*range(1, 21), None, None, *range(40, 60), 3, 4, None, 5, 6, 7, 8, *range(60, 70)]
    with pytest.raises(UserError) as refused:
        refuse_repeated_rows(_lines_hashed(run), info)
    said = " ".join(str(refused.value).split())
    assert said.startswith("Line 44 of ventes.csv begins 6 rows") and "the rows from line 4 " in said, said
