"""From a profile's ``columns:`` to one SQL text expression per canonical field.

Each reader (delimited text, JSON lines, spreadsheets) knows how to refer to one *source*
column in SQL; ``field_expressions`` turns every canonical field's ``ColumnSpec`` into an
expression over those references: one column, the first non-empty of several, several joined,
a constant, or the export's file name. A single full-name column fills ``first_name`` and
``last_name`` when the profile maps neither (``cc_given_of`` / ``cc_surname_of``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from culturecoop.ingest.group_sizes import group_size_sql
from culturecoop.ingest.normalize import PLACEHOLDER_PATTERN
from culturecoop.ingest.profile import CANONICAL_FIELDS, ColumnSpec, Profile


def _text(reference: str) -> str:
    return f"nullif(trim({reference}), '')"


# ``cc_person_text``'s test, for a value of ASCII characters alone: there, folding accents and case changes nothing
# but the case, and trim takes spaces alone, so the pattern read without regard to case, spaces allowed around it,
# tells the same (and matches a value of spaces alone, no value either). The fold costs twice the pattern: a value
# with another character (« Hélène ») takes ``cc_person_text`` itself.
_NOBODY_ASCII = f"'(?i) *(?:{PLACEHOLDER_PATTERN})? *'"


def _ascii(reference: str) -> str:
    return f"strlen({reference}) = length({reference})"


# An export larger than this (in bytes) is read with the SQL that costs less per row but longer to plan
# (``writes_person``, ``validate.trim_sql``): planning is what a member waits for on a small export.
SMALL_EXPORT_BYTES = 30_000_000


def is_large(path: Path) -> bool:
    return path.stat().st_size > SMALL_EXPORT_BYTES


def _person_text(reference: str, large: bool = True) -> str:
    """SQL: ``cc_person_text(reference)``, the same value (a person's text, or NULL for a placeholder); on a
    ``large`` export the ASCII values by the one pattern."""
    if not large:
        return f"cc_person_text({reference})"
    return (f"CASE WHEN {_ascii(reference)} THEN CASE WHEN regexp_full_match({reference}, {_NOBODY_ASCII}) "
            f"THEN NULL ELSE trim({reference}) END ELSE cc_person_text({reference}) END")


def writes_person(reference: str, large: bool = True) -> str:
    """SQL: whether the text ``reference`` writes something of a person (``cc_person_text(reference) IS NOT
    NULL``: not empty, not a placeholder such as « N/A » or « Guest »); false for NULL. On a ``large`` export
    the ASCII values by the one pattern."""
    if not large:
        return f"cc_person_text({reference}) IS NOT NULL"
    return (f"CASE WHEN {_ascii(reference)} THEN NOT regexp_full_match({reference}, {_NOBODY_ASCII}) "
            f"ELSE cc_person_text({reference}) IS NOT NULL END")


# Between the texts of several ``in_text`` columns: no date is read across it.
IN_TEXT_SEPARATOR = " | "


def spec_sql(spec: ColumnSpec, ref: Callable[[str], str], param: str, *, person: bool = False,
             large: bool = False) -> str:
    """SQL text of one field from its spec; ``param`` names the parameter holding a constant.
    With ``person`` (the patron id), a placeholder ("N/A", "Guest", a customer number 0) is no
    value: the next column is read, and a line with nothing else names nobody. A start read
    ``in_text``: the columns read first, else the texts of its ``in_text`` columns, joined (the
    date is found in them by ``validate.check_rows``)."""
    if spec.in_text:
        texts = ", ".join(_text(ref(s)) for s in spec.text_sources)
        inside = f"nullif(concat_ws('{IN_TEXT_SEPARATOR}', {texts}), '')"
        if spec.form == "in_text":
            return inside
        main = ColumnSpec(spec.form, spec.read_sources, separator=spec.separator)
        return f"coalesce({spec_sql(main, ref, param)}, {inside})"
    if spec.form == "column":
        return _person_text(ref(spec.sources[0]), large) if person else f"nullif({ref(spec.sources[0])}, '')"
    if spec.form == "first":
        return "coalesce(" + ", ".join(_person_text(ref(s), large) if person else _text(ref(s)) for s in spec.sources) + ")"
    if spec.form == "join":
        parts = ", ".join(_text(ref(s)) for s in spec.sources)
        return f"nullif(concat_ws(${param}_sep, {parts}), '')"
    if spec.form == "sum":
        return _seats_sum([_text(ref(s)) for s in spec.sources])
    if spec.form == "group_size":
        return group_size_sql(_text(ref(spec.sources[0])))
    if spec.form == "numbered":  # numbered once the rows are checked (``rows._number_order_lines``)
        return "NULL::VARCHAR"
    return f"${param}"


def _seats_sum(cells: list[str]) -> str:
    """The seats of one column per ticket type, added, as text (``check_rows`` reads it as any
    quantity): an empty cell is no seat of that type; a cell that is no whole number makes the sum
    unreadable (the row is rejected with its values, not counted short); no seat at all is no
    quantity either."""
    # Each cell's number and the total are bound once (a lambda's parameter), not parsed again for
    # each test they go through.
    seats = [f"CASE WHEN {c} IS NULL THEN 0 ELSE list_transform([cc_number({c}, '.')], "
             f"lambda n: CASE WHEN n >= 0 AND n = round(n) THEN CAST(n AS BIGINT) END)[1] END" for c in cells]
    total = " + ".join(f"({s})" for s in seats)
    written = " || ' + ' || ".join(f"coalesce({c}, '')" for c in cells)
    return (f"list_transform([{total}], lambda t: CASE WHEN t IS NULL THEN {written} "
            f"ELSE CAST(nullif(t, 0) AS VARCHAR) END)[1]")


# A person's attributes read, like the e-mail, from the first of several people's columns (the
# ticket holder's, then the buyer's): they follow the e-mail.
PERSON_ATTRIBUTES = ("first_name", "last_name", "full_name", "phone", "postal_code", "birth_date", "age",
                     "patron_language")


def _same_person(profile: Profile, ref: Callable[[str], str], sql: dict[str, str]) -> None:
    """When the e-mail is the first non-empty of several people's columns, a person's other
    attributes read from the same list of people are taken from the person whose e-mail was used:
    a guest without an e-mail of their own is not given the buyer's address under the guest's name
    (the buyer's record would carry a stranger's name). Without any e-mail, first non-empty as before."""
    email = profile.columns.get("email")
    if email is None or email.form != "first" or len(email.sources) < 2:
        return
    for field in PERSON_ATTRIBUTES:
        spec = profile.columns.get(field)
        if spec is None or spec.form != "first" or len(spec.sources) != len(email.sources):
            continue
        branches = " ".join(f"WHEN {_text(ref(e))} IS NOT NULL THEN {_text(ref(own))}"
                            for e, own in zip(email.sources, spec.sources, strict=True))
        sql[field] = f"CASE {branches} ELSE {sql[field]} END"


def field_expressions(profile: Profile, ref: Callable[[str], str], source_file: Path,
                      large: bool = False) -> tuple[list[str], dict[str, Any]]:
    """``expression AS field`` for every canonical field (NULL when unmapped), and the
    parameters those expressions use (``large``: an export past ``SMALL_EXPORT_BYTES``)."""
    params: dict[str, Any] = {}
    sql: dict[str, str] = {}
    for field in CANONICAL_FIELDS:
        spec = profile.columns.get(field)
        if spec is None:
            continue
        name = f"const_{field}"
        sql[field] = spec_sql(spec, ref, name, person=field == "patron_id", large=large)
        if spec.form in ("value", "file_name"):
            params[name] = spec.constant(source_file)
        elif spec.form == "join":
            params[f"{name}_sep"] = spec.separator
    _same_person(profile, ref, sql)
    if "full_name" in sql and "first_name" not in sql and "last_name" not in sql:
        sql["first_name"] = f"cc_given_of({sql['full_name']})"
        sql["last_name"] = f"cc_surname_of({sql['full_name']})"
    expressions = [f"{sql[f]} AS {f}" if f in sql else f"NULL::VARCHAR AS {f}" for f in CANONICAL_FIELDS]
    return expressions, params
