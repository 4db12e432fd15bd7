"""Postal codes a spreadsheet read as numbers: their leading zeros lost (« 1000 » for the French 01000).

``split.build_patrons`` puts the zeros back where the export's country makes it unambiguous
(``countries.ZERO_LED``): this module counts those codes for the summary, and says, in one sentence,
the codes left unread elsewhere that look the same (« 2134 » in a Canadian export: an American 02134,
or no code at all).
"""

from __future__ import annotations

import duckdb

from culturecoop.i18n import count, plural
from culturecoop.ingest.countries import ZERO_LED
from culturecoop.ingest.profile import Profile


def restored_postcodes(con: duckdb.DuckDBPyConnection, profile: Profile) -> tuple[dict[str, int], list[str]]:
    """The patrons' postal codes read once their zeros were put back (``{"postal_code": n}``), and the
    sentences saying them, or saying the codes left unread that look like numbers stripped of zeros."""
    restored, first, lost, sample = con.execute(
        """SELECT count_if(c.postcode_zeros_restored), min(trim(n.raw_postcode)) FILTER (WHERE c.postcode_zeros_restored),
                  count_if(c.postcode_dropped AND regexp_full_match(trim(n.raw_postcode), '[0-9]{2,4}')),
                  min(trim(n.raw_postcode)) FILTER (WHERE c.postcode_dropped
                                                     AND regexp_full_match(trim(n.raw_postcode), '[0-9]{2,4}'))
           FROM patron_clear c JOIN patron_norm n USING (member_patron_id)""").fetchall()[0]
    if restored:
        length = ZERO_LED[profile.country][0]
        return {"postal_code": int(restored)}, [plural(
            int(restored),
            "{n} postal code had lost its leading zero, as a spreadsheet drops it from a number (“{value}”): it was "
            "read as the code of {country} it was ({code}).",
            "{n} postal codes had lost their leading zeros, as a spreadsheet drops them from numbers (“{value}” "
            "first): each was read as the code of {country} it was ({code} for the first).").format(
            n=count(int(restored)), value=first, country=profile.country, code=str(first).zfill(length))]
    if lost:
        return {}, [plural(
            int(lost),
            "{n} postal code is a number too short for a code of {country} (“{value}”), as a spreadsheet writes a "
            "code whose leading zero it dropped, and {country} does not tell which code it was: it was left empty; "
            "export the column as text, or set the mapping's country if the patrons live elsewhere.",
            "{n} postal codes are numbers too short for codes of {country} (“{value}” first), as a spreadsheet writes "
            "codes whose leading zeros it dropped, and {country} does not tell which codes they were: they were left "
            "empty; export the column as text, or set the mapping's country if the patrons live elsewhere.").format(
            n=count(int(lost)), value=sample, country=profile.country)]
    return {}, []
