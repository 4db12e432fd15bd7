"""Normalizers, as DuckDB SQL macros so that a million rows never cross into Python.

``install_normalizers(con)`` defines the macros below on a connection; ``prepare`` calls them
inside its queries and the tests call them one value at a time through the same connection
(``normalize_value``), so what is tested is what runs.

Every macro maps NULL to NULL and is idempotent on its own output.

* ``cc_trim(x)``: trims spaces including no-break and thin spaces; empty becomes NULL.
* ``cc_key(x)``: accent-free lower-case label, to look vendor labels up (``Remboursé`` → ``rembourse``).
* ``cc_fold(x)``: what encodings see of a name: accents folded, lower-case ASCII, apostrophes
  dropped, any other punctuation or hyphen a space, spaces collapsed (``Lœuf-O'Neil`` → ``loeuf oneil``).
* ``cc_name(x)``: Unicode NFC, trimmed, inner spaces collapsed (display form of a name or title).
* ``cc_email(x)``: trimmed, lower-case; NULL unless it looks like ``local@domain.tld``.
* ``cc_phone(x)``: E.164 (``+15145550199``) from North-American or ``+``/``00``/``011``
  international numbers, extensions dropped; NULL when it cannot be one.
* ``cc_postcode(x)``: a Canadian postal code upper-case without space (``H2X1Y4``), else NULL.
* ``cc_fsa(x)``: the forward sortation area (first 3 characters) of a valid postal code or of a
  valid FSA given alone, else NULL.
* ``cc_amount(x, decimal)``: an amount as DECIMAL(18,4) from ``12,50 $``, ``CAD 45.00``,
  ``1 234,50``; NULL when no number can be read. ``cc_amount_currency(x)``: the ISO code or
  symbol written inside the amount, if any.
* ``cc_quantity(x)``: a whole number of admissions between 1 and 10000, else NULL.
* ``cc_birth_band(d)``: the five-year band of a date (``1980-1984``).
"""

from __future__ import annotations

from typing import Any

import duckdb

# Spaces that vendors' exports carry: ordinary, no-break, narrow no-break, BOM, tabs.
_SPACE = r"[\s\x{00A0}\x{202F}\x{2009}\x{FEFF}]"

MACROS: tuple[str, ...] = (
    # trim() with a character set, not a regex: it runs on every field of every row. It is
    # still ten times dearer than a plain trim, so a value that starts and ends with a
    # printable ASCII character (none of the set: nothing to trim) is returned as it is.
    """CREATE OR REPLACE MACRO cc_trim(x) AS
        CASE WHEN ascii(x) BETWEEN 33 AND 126 AND ascii(right(x, 1)) BETWEEN 33 AND 126 THEN x
             ELSE nullif(trim(x, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(160)
                                 || chr(8239) || chr(8201) || chr(65279)), '') END""",
    """CREATE OR REPLACE MACRO cc_key(x) AS
        nullif(strip_accents(lower(nfc_normalize(cc_trim(x)))), '')""",
    # strip_accents leaves ligatures and a few letters alone: spell them out first.
    """CREATE OR REPLACE MACRO cc_fold(x) AS
        nullif(trim(regexp_replace(regexp_replace(strip_accents(
            replace(replace(replace(replace(replace(replace(lower(nfc_normalize(x)),
                'œ', 'oe'), 'æ', 'ae'), 'ß', 'ss'), 'ø', 'o'), 'ł', 'l'), 'đ', 'd')),
            '[''’`ʼ]', '', 'g'), '[^a-z0-9]+', ' ', 'g')), '')""",
    f"""CREATE OR REPLACE MACRO cc_name(x) AS
        cc_trim(regexp_replace(nfc_normalize(x), '{_SPACE}+', ' ', 'g'))""",
    """CREATE OR REPLACE MACRO cc_email(x) AS
        CASE WHEN regexp_full_match(lower(cc_trim(x)), '[^@\\s]+@[^@\\s]+\\.[^@\\s.]+')
             THEN lower(cc_trim(x)) END""",
    # Digits with an optional leading +; "ext. 12", "poste 12", "x12" and "#12" dropped.
    """CREATE OR REPLACE MACRO cc_phone_digits(x) AS
        regexp_replace(
            regexp_replace(x, '(?i)[\\s,;]*(ext\\.?|extension|poste|p\\.|x|#)\\s*[0-9]+\\s*$', ''),
            '[^0-9+]', '', 'g')""",
    """CREATE OR REPLACE MACRO cc_phone_e164(d) AS
        CASE WHEN regexp_full_match(d, '\\+1[2-9][0-9]{2}[2-9][0-9]{6}') THEN d
             WHEN regexp_full_match(d, '\\+[2-9][0-9]{7,14}') THEN d
             WHEN regexp_full_match(d, '00[1-9][0-9]{7,14}') THEN '+' || d[3:]
             WHEN regexp_full_match(d, '011[1-9][0-9]{7,14}') THEN '+' || d[4:]
             WHEN regexp_full_match(d, '1?[2-9][0-9]{2}[2-9][0-9]{6}') THEN '+1' || right(d, 10)
        END""",
    "CREATE OR REPLACE MACRO cc_phone(x) AS cc_phone_e164(cc_phone_digits(x))",
    """CREATE OR REPLACE MACRO cc_postcode_text(x) AS
        upper(regexp_replace(x, '[\\s\\x{00A0}\\x{202F}-]', '', 'g'))""",
    """CREATE OR REPLACE MACRO cc_postcode(x) AS
        CASE WHEN regexp_full_match(cc_postcode_text(x),
                 '[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][0-9][ABCEGHJ-NPRSTV-Z][0-9]')
             THEN cc_postcode_text(x) END""",
    """CREATE OR REPLACE MACRO cc_fsa(x) AS
        CASE WHEN regexp_full_match(cc_postcode_text(x), '[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]')
             THEN cc_postcode_text(x)
             ELSE cc_postcode(x)[1:3] END""",
    # Keep digits, signs and separators; then drop thousands separators (a separator followed
    # by exactly three digits that is not the decimal mark) and make the decimal mark a point.
    """CREATE OR REPLACE MACRO cc_amount_text(x, dec) AS
        CASE WHEN dec = ','
             THEN replace(regexp_replace(regexp_replace(x, '[^0-9,.\\-]', '', 'g'),
                                         '\\.([0-9]{3})', '\\1', 'g'), ',', '.')
             ELSE regexp_replace(regexp_replace(x, '[^0-9,.\\-]', '', 'g'),
                                 ',([0-9]{3})', '\\1', 'g') END""",
    """CREATE OR REPLACE MACRO cc_amount(x, dec) AS
        CASE WHEN regexp_full_match(cc_amount_text(x, dec), '-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)')
             THEN TRY_CAST(cc_amount_text(x, dec) AS DECIMAL(18,4)) END""",
    # A whole number of admissions between 1 and 10000 ("2", " 2 ", "2.0"), else NULL.
    """CREATE OR REPLACE MACRO cc_quantity(x) AS
        CASE WHEN TRY_CAST(trim(x) AS DOUBLE) IS NOT NULL
             THEN CASE WHEN TRY_CAST(trim(x) AS DOUBLE) BETWEEN 1 AND 10000
                        AND TRY_CAST(trim(x) AS DOUBLE) = round(TRY_CAST(trim(x) AS DOUBLE))
                       THEN CAST(TRY_CAST(trim(x) AS DOUBLE) AS INTEGER) END
             WHEN cc_amount(x, '.') BETWEEN 1 AND 10000 AND cc_amount(x, '.') = round(cc_amount(x, '.'))
             THEN CAST(cc_amount(x, '.') AS INTEGER) END""",
    """CREATE OR REPLACE MACRO cc_amount_currency(x) AS
        CASE WHEN contains(x, '€') THEN 'EUR'
             WHEN contains(x, '£') THEN 'GBP'
             WHEN regexp_matches(upper(x), 'US ?\\$') THEN 'USD'
             ELSE nullif(regexp_extract(upper(x), '(^|[^A-Z])([A-Z]{3})([^A-Z]|$)', 2), '') END""",
    """CREATE OR REPLACE MACRO cc_birth_band(d) AS
        CAST(year(d) // 5 * 5 AS VARCHAR) || '-' || CAST(year(d) // 5 * 5 + 4 AS VARCHAR)""",
)


def install_normalizers(con: duckdb.DuckDBPyConnection) -> None:
    """Define every ``cc_*`` normalizer macro on ``con`` (idempotent)."""
    for statement in MACROS:
        con.execute(statement)


def normalize_value(con: duckdb.DuckDBPyConnection, macro: str, *args: Any) -> Any:
    """Apply one normalizer macro to literal arguments (for tests and one-off checks)."""
    if not macro.startswith("cc_") or not macro.replace("_", "").isalnum():
        raise ValueError(f"not a normalizer: {macro!r}")
    placeholders = ", ".join("?" for _ in args)
    rows = con.execute(f"SELECT {macro}({placeholders})", list(args)).fetchall()
    return rows[0][0]
