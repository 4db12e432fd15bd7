"""Postal codes and phone numbers a spreadsheet read as numbers: their leading zeros lost (« 1000 » for
the French 01000, « 791234567 » for the Swiss 079 123 45 67).

``split.build_patrons`` puts the zeros back where the export's country makes it unambiguous
(``countries.ZERO_LED``, ``countries.PHONE_ZERO_LED``): this module counts those values for the summary,
and says, in one sentence, the values left unread elsewhere that look the same (« 2134 » in a Canadian
export: an American 02134, or no code at all; a British number without its 0).
"""

from __future__ import annotations

import duckdb

from culturecoop.i18n import count, plural
from culturecoop.ingest.countries import PHONE_ZERO_LED, ZERO_LED, country_name
from culturecoop.ingest.profile import Profile


def restored_values(con: duckdb.DuckDBPyConnection, profile: Profile) -> tuple[dict[str, int], list[str]]:
    """The postal codes and phone numbers read once their zeros were put back, by field, and the sentences
    saying them or the values left unread that look stripped of them."""
    restored, said = restored_postcodes(con, profile)
    phones, words = restored_phones(con, profile)
    return {**restored, **phones}, said + words


def restored_phones(con: duckdb.DuckDBPyConnection, profile: Profile) -> tuple[dict[str, int], list[str]]:
    """The patrons' phone numbers read once their trunk 0 was put back (``{"phone": n}``) and the sentence
    saying them, or the sentence saying the numbers left unread that a 0 before them would read."""
    zero_led = profile.country in PHONE_ZERO_LED
    # Only numbers left unread, or read but written without their 0 (nor a « + », nor « (0 »), can be either:
    # the normalizer runs on those alone (every patron's number: 0.7 s for a million tickets).
    candidates = "c.phone_dropped" + (" OR (n.phone IS NOT NULL AND NOT regexp_matches(trim(n.raw_phone), '^[+0(]'))"
                                      if zero_led else "")
    restored, first, lost, sample = con.execute(
        f"""SELECT count_if(restored), min(raw) FILTER (WHERE restored), count_if(lost), min(raw) FILTER (WHERE lost)
            FROM (SELECT trim(n.raw_phone) AS raw,
                         {"n.phone IS NOT NULL AND cc_phone_here(n.raw_phone) IS NULL" if zero_led else "false"} AS restored,
                         c.phone_dropped AND cc_phone_here('0' || cc_phone_digits(n.raw_phone)) IS NOT NULL AS lost
                  FROM patron_clear c JOIN patron_norm n USING (member_patron_id)
                  WHERE n.raw_phone IS NOT NULL AND ({candidates}))""").fetchall()[0]
    if restored:
        return {"phone": int(restored)}, [plural(
            int(restored),
            "{n} phone number had lost its leading 0, as a spreadsheet drops it from a number (“{value}”): it was read "
            "as 0{value}, the number it was in the mapping's country ({country}).",
            "{n} phone numbers had lost their leading 0, as a spreadsheet drops it from numbers (“{value}” first): "
            "each was read as the number it was in the mapping's country ({country}): 0{value} for the first.").format(
            n=count(int(restored)), value=first, country=country_name(profile.country))]
    if lost:
        return {}, [plural(
            int(lost),
            "{n} phone number reads as a number of the mapping's country ({country}) only with a 0 before it (“{value}”), as a spreadsheet "
            "writes one whose 0 it dropped, but it may be a number written abroad: it was left empty; export the "
            "column as text.",
            "{n} phone numbers read as numbers of the mapping's country ({country}) only with a 0 before them (“{value}” first), as a "
            "spreadsheet writes those whose 0 it dropped, but they may be numbers written abroad: they were left "
            "empty; export the column as text.").format(n=count(int(lost)), value=sample, country=country_name(profile.country))]
    return {}, []


def restored_postcodes(con: duckdb.DuckDBPyConnection, profile: Profile) -> tuple[dict[str, int], list[str]]:
    """The patrons' postal codes read once their zeros were put back (``{"postal_code": n}``), and the
    sentences saying them, or saying the codes left unread that look like numbers stripped of zeros."""
    restored, first, lost, sample = con.execute(
        """SELECT count_if(c.postcode_zeros_restored), min(trim(n.raw_postcode)) FILTER (WHERE c.postcode_zeros_restored),
                  count_if(c.postcode_dropped AND regexp_full_match(trim(n.raw_postcode), '[0-9]{2,4}')),
                  min(trim(n.raw_postcode)) FILTER (WHERE c.postcode_dropped
                                                     AND regexp_full_match(trim(n.raw_postcode), '[0-9]{2,4}'))
           FROM patron_clear c JOIN patron_norm n USING (member_patron_id)
           -- Only the codes restored or left unread are read again (a million tickets' patrons: 0.19 s of CPU joined whole).
           WHERE c.postcode_zeros_restored OR c.postcode_dropped""").fetchall()[0]
    if restored:
        length = ZERO_LED[profile.country][0]
        return {"postal_code": int(restored)}, [plural(
            int(restored),
            "{n} postal code had lost its leading zero, as a spreadsheet drops it from a number (“{value}”): it was "
            "read as {code}, the code it was in the mapping's country ({country}).",
            "{n} postal codes had lost their leading zeros, as a spreadsheet drops them from numbers (“{value}” "
            "first): each was read as the code it was in the mapping's country ({country}): {code} for the first.").format(
            n=count(int(restored)), value=first, country=country_name(profile.country), code=str(first).zfill(length))]
    if lost:
        return {}, [plural(
            int(lost),
            "{n} postal code is a number too short for a code of the mapping's country, {country} (“{value}”), as a "
            "spreadsheet writes a code whose leading zero it dropped, and that country does not tell which code it was: it was left empty; "
            "export the column as text, or set the mapping's country if the patrons live elsewhere.",
            "{n} postal codes are numbers too short for codes of the mapping's country, {country} (“{value}” first), as "
            "a spreadsheet writes codes whose leading zeros it dropped, and that country does not tell which codes they were: they were left "
            "empty; export the column as text, or set the mapping's country if the patrons live elsewhere.").format(
            n=count(int(lost)), value=sample, country=country_name(profile.country))]
    return {}, []
