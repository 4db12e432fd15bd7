"""The settings a draft decides from the values: date styles, amounts, country and zone, labels.

Each function takes the profiled columns (``shapes.Column``) the draft mapped and returns the
setting with the evidence for it, as ``sniff.Evidence``. A guess is marked ``check``: the
member confirms it before preparing a package.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

import duckdb

from culturecoop.i18n import _, plural
from culturecoop.i18n import count as count_text
from culturecoop.i18n import share as share_text
from culturecoop.ingest import countries, shapes
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest import vocabulary_languages as languages
from culturecoop.ingest.labels import COUNTRIES
from culturecoop.ingest.shapes import Column
from culturecoop.ingest.sniff import Evidence

# North American area codes that ring in Canada, by zone of the province.
_CA_AREA_CODES: dict[str, str] = {
    **dict.fromkeys(("226", "249", "289", "343", "365", "382", "387", "416", "437", "519", "548", "613",
                     "647", "683", "705", "742", "753", "807", "905", "418", "367", "438", "450", "514",
                     "579", "581", "819", "873", "263", "354", "468"), "America/Toronto"),
    **dict.fromkeys(("236", "250", "604", "672", "778"), "America/Vancouver"),
    **dict.fromkeys(("368", "403", "587", "780", "825"), "America/Edmonton"),
    **dict.fromkeys(("204", "431", "584"), "America/Winnipeg"),
    **dict.fromkeys(("306", "474", "639"), "America/Regina"),
    **dict.fromkeys(("506",), "America/Moncton"),
    **dict.fromkeys(("782", "902"), "America/Halifax"),
    **dict.fromkeys(("428",), "America/Moncton"),
    **dict.fromkeys(("709", "879"), "America/St_Johns"),
    **dict.fromkeys(("867",), "America/Whitehorse"),
}
# North American area codes that ring in the United States -> the zone of most of the people they
# serve (codes split between two zones, as Florida's 850 or Indiana's 812, are left out: they say
# nothing). A buyer's mobile keeps the code of where they got it; most still live there.
_US_AREA_ZONES: dict[str, str] = {
    **dict.fromkeys((
        "203", "475", "860", "959", "302", "202", "771", "239", "305", "321", "324", "352", "386", "407", "561",
        "645", "656", "689", "727", "728", "754", "772", "786", "813", "863", "904", "941", "954", "229", "404",
        "470", "478", "678", "706", "762", "770", "912", "943", "260", "317", "463", "574", "765", "502", "606",
        "859", "207", "227", "240", "301", "410", "443", "667", "339", "351", "413", "508", "617", "774", "781",
        "857", "978", "231", "248", "269", "313", "517", "586", "616", "679", "734", "810", "906", "947", "989",
        "603", "201", "551", "609", "640", "732", "848", "856", "862", "908", "973", "212", "315", "332", "347",
        "363", "516", "518", "585", "607", "631", "646", "680", "716", "718", "838", "845", "914", "917", "929",
        "934", "252", "336", "472", "704", "743", "828", "910", "919", "980", "984", "216", "220", "234", "283",
        "326", "330", "380", "419", "436", "440", "513", "567", "614", "740", "937", "215", "223", "267", "272",
        "412", "445", "484", "570", "582", "610", "717", "724", "814", "835", "878", "401", "803", "839", "843",
        "854", "864", "423", "865", "802", "276", "434", "540", "571", "703", "757", "804", "826", "948", "304",
        "681"), "America/New_York"),
    **dict.fromkeys((
        "205", "251", "256", "334", "659", "938", "327", "479", "501", "870", "217", "224", "309", "312", "331",
        "447", "464", "618", "630", "708", "730", "773", "779", "815", "847", "861", "872", "219", "319", "515",
        "563", "641", "712", "316", "620", "785", "913", "270", "364", "225", "318", "337", "504", "985", "218",
        "320", "507", "612", "651", "763", "952", "228", "601", "662", "769", "314", "417", "557", "573", "636",
        "660", "816", "975", "308", "402", "531", "701", "405", "539", "572", "580", "918", "605", "615", "629",
        "731", "901", "931", "210", "214", "254", "281", "325", "346", "361", "409", "430", "432", "469", "512",
        "682", "713", "726", "737", "806", "817", "830", "832", "903", "936", "940", "945", "956", "972", "979",
        "262", "274", "414", "534", "608", "715", "920"), "America/Chicago"),
    **dict.fromkeys(("303", "719", "720", "970", "983", "406", "505", "575", "385", "435", "801", "307", "915",
                     "208", "986"), "America/Denver"),
    **dict.fromkeys(("480", "520", "602", "623", "928"), "America/Phoenix"),
    **dict.fromkeys((
        "209", "213", "279", "310", "323", "341", "350", "369", "408", "415", "424", "442", "510", "530", "559",
        "562", "619", "626", "628", "650", "657", "661", "669", "707", "714", "747", "760", "805", "818", "820",
        "831", "840", "858", "909", "916", "925", "949", "951", "702", "725", "775", "458", "503", "541", "971",
        "206", "253", "360", "425", "509", "564"), "America/Los_Angeles"),
    "907": "America/Anchorage", "808": "Pacific/Honolulu", "787": "America/Puerto_Rico",
    "939": "America/Puerto_Rico", "340": "America/St_Thomas", "671": "Pacific/Guam",
}
# The first three digits of a US ZIP code (up to the range's last) -> the zone of most of that
# range: the Pacific coast is three hours behind New York, whose zone was every American guess.
# Puerto Rico (006, 007, 009), the Virgin Islands (008) and Guam (969) keep their own clocks.
_US_ZIP_ZONES: tuple[tuple[int, str], ...] = (
    (5, "America/New_York"), (7, "America/Puerto_Rico"), (8, "America/St_Thomas"), (9, "America/Puerto_Rico"),
    (349, "America/New_York"), (369, "America/Chicago"), (385, "America/Chicago"), (397, "America/Chicago"),
    (399, "America/New_York"), (499, "America/New_York"), (589, "America/Chicago"), (599, "America/Denver"),
    (797, "America/Chicago"), (799, "America/Denver"), (847, "America/Denver"), (865, "America/Phoenix"),
    (884, "America/Denver"), (898, "America/Los_Angeles"), (961, "America/Los_Angeles"),
    (968, "Pacific/Honolulu"), (969, "Pacific/Guam"), (994, "America/Los_Angeles"), (999, "America/Anchorage"),
)


def _us_zip_zone(text: str) -> str:
    first = int(text[:3])
    return next(zone for last, zone in _US_ZIP_ZONES if first <= last)


# First letter of a Canadian postal code -> zone of most of the province.
_CA_POSTAL_ZONES = {"A": "America/St_Johns", "B": "America/Halifax", "C": "America/Halifax",
                    "E": "America/Moncton", "G": "America/Toronto", "H": "America/Toronto",
                    "J": "America/Toronto", "K": "America/Toronto", "L": "America/Toronto",
                    "M": "America/Toronto", "N": "America/Toronto", "P": "America/Toronto",
                    "R": "America/Winnipeg", "S": "America/Regina", "T": "America/Edmonton",
                    "V": "America/Vancouver", "X": "America/Edmonton", "Y": "America/Whitehorse"}
COUNTRY_ZONES = {rule.code: rule.zone for rule in countries.RULES}
COUNTRY_CURRENCIES = {rule.code: rule.currency for rule in countries.RULES}
# The countries added to the first ten (their postal codes read from ``countries.RULES``' patterns).
_ADDED = tuple(code for code in countries.CODES if code not in countries.FIRST_TEN)
# Currencies of one added country each (NOK, BRL, CLP…): written in an export, they tell it.
_CURRENCY_COUNTRIES = {countries.BY_CODE[code].currency: code for code in _ADDED
                       if countries.BY_CODE[code].currency != "EUR"}
# Zones tried against the offsets an export writes (``-05:00``), most likely first.
_OFFSET_ZONES = ("America/Toronto", "America/Halifax", "America/Winnipeg", "America/Edmonton",
                 "America/Vancouver", "America/Regina", "America/St_Johns", "America/Chicago",
                 "America/Denver", "America/Los_Angeles", "America/Phoenix", "Europe/Paris",
                 "Europe/London", "Europe/Lisbon", "UTC")


def decide_day_first(columns: list[Column], language: str,
                     price: Column | None = None) -> tuple[bool | None, Evidence | None]:
    """Day first (``21/05/2026``) or month first (``5/21/2026``) for the numeric dates, if any: the
    dates' own numbers, else the headers' language, else the currency of ``price`` (pounds, euros
    and francs are written beside day-first dates; dollars beside month-first ones, as Americans write)."""
    day = sum(c.day_first_votes[0] for c in columns)
    month = sum(c.day_first_votes[1] for c in columns)
    numeric = any(re.match(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}", v) for c in columns for v in c.values[:50])
    if not numeric:
        return None, None
    if day and not month:
        return True, Evidence("day_first", True, plural(day, "{n} date has a first number above 12: the day comes first",
                                                          "{n} dates have a first number above 12: the day comes first"
                                                          ).format(n=count_text(day)))
    if month and not day:
        return False, Evidence("day_first", False, plural(month, "{n} date has a second number above 12: the month comes first",
                                                            "{n} dates have a second number above 12: the month comes "
                                                            "first").format(n=count_text(month)))
    if day or month:
        verdict = day >= month
        return verdict, Evidence("day_first", verdict, _("dates disagree on the order of day and month ({day} look day first, {month} month first)").format(
            day=count_text(day), month=count_text(month)), check=True)
    symbols: Counter[str] = price.amount.symbols if price is not None else Counter()
    european = any(symbols[sign] for sign in ("£", "€", "GBP", "EUR", "CHF"))
    because = {"fr": _("no date has a number above 12 to tell day from month; the headers are French, so day first is assumed"),
               "de": _("no date has a number above 12 to tell day from month; the headers are German, so day first is assumed")}
    # Portuguese, Spanish, Italian, Dutch, Scandinavian and Polish dates put the day first too.
    abroad = language in languages.LANGUAGE_MARKERS
    day_first = language in because or abroad or european
    why = because.get(language) or (
        _("no date has a number above 12 to tell day from month; the headers are in a language that writes the "
          "day first, so day first is assumed") if abroad else
        _("no date has a number above 12 to tell day from month; the amounts are in pounds, euros or francs, "
          "so day first is assumed") if european
        else _("no date has a number above 12 to tell day from month; month first is assumed"))
    return day_first, Evidence("day_first", day_first, why, check=True)


def _allowed(fmt: str, day_first: bool | None) -> bool:
    if day_first is True:
        return not fmt.startswith("%m")
    if day_first is False:
        return not fmt.startswith("%d") or fmt.startswith("%d.")  # dotted dates are day first everywhere
    return True


def cover_formats(reads: dict[str, set[int]], day_first: bool | None) -> tuple[list[str], int]:
    """(the fewest formats, at most four, that read the values, most useful first; values read)."""
    chosen: list[str] = []
    covered: set[int] = set()
    remaining = {f: positions for f, positions in reads.items() if _allowed(f, day_first)}
    while remaining and len(chosen) < 4:
        fmt = max(remaining, key=lambda f: (len(remaining[f] - covered), -len(f), f))
        gain = len(remaining.pop(fmt) - covered)
        if gain == 0:
            break
        chosen.append(fmt)
        covered |= reads[fmt]
    return chosen, len(covered)


def date_formats(con: duckdb.DuckDBPyConnection, fields: dict[str, list[str]],
                 day_first: bool | None) -> tuple[list[str], list[str], list[Evidence]]:
    """(datetime formats, date formats, evidence) reading the values of each date field."""
    datetimes: list[str] = []
    dates: list[str] = []
    evidence: list[Evidence] = []
    for name, values in fields.items():
        values = values[:400]
        if not values:
            continue
        named = [v for v in values if shapes.named_date(shapes.strip_zone(v)[0]) is not None]
        epochs = [v for v in values if shapes.is_epoch(v)]
        # Excel's serial dates (« 46300,443056 »): prepare reads them without a format.
        serials = [v for v in values if shapes.excel_serial(
            v, earliest=shapes.BIRTH_SERIAL_FROM if name == "birth_date" else shapes.EXCEL_SERIALS[0]) is not None]
        zoned = Counter(z for v in values if (z := shapes.strip_zone(v)[1]) is not None)
        reads = shapes.evaluate_formats(con, [v for v in values if v not in named and v not in epochs
                                              and v not in serials])
        chosen, read = cover_formats(reads, day_first)
        for fmt in chosen:
            target = datetimes if "%H" in fmt or "%I" in fmt else dates
            if fmt not in target:
                target.append(fmt)
        read += len(named) + len(epochs) + len(serials)
        # A purchase typed without its year takes the year of the lines around it (prepare).
        yearless = [v for v in values if shapes.is_yearless(v)] \
            if name == "purchased_at" and shapes.numeric_day_first(chosen) is not None else []
        read += len(yearless)
        parts = []
        if epochs:
            parts.append(plural(len(epochs), "{n} written as a Unix time (seconds since 1970, read without a format)",
                                "{n} written as Unix times (seconds since 1970, read without a format)").format(
                n=count_text(len(epochs))))
        if serials:
            parts.append(plural(len(serials), "{n} written as an Excel serial date (days since 1900, such as {example}: "
                                "read as a date without a format)",
                                "{n} written as Excel serial dates (days since 1900, such as {example}: read as "
                                "dates without a format)").format(n=count_text(len(serials)), example=serials[0]))
        if chosen:
            parts.append(_("formats {formats}").format(formats=", ".join(chosen)))
        if named:
            parts.append(plural(len(named), "{n} written with a month or day name (read without a format)",
                                "{n} written with month or day names (read without a format)").format(
                n=count_text(len(named))))
        if yearless:
            parts.append(plural(len(yearless), "{n} written without its year (given the year of the lines around it)",
                                "{n} written without their year (given the year of the lines around them)").format(
                n=count_text(len(yearless))))
        if zoned:
            parts.append(_("times end in {zones}: converted to the timezone below").format(
                zones=", ".join(z for z, _n in zoned.most_common(3))))
        share = min(1.0, read / len(values))
        evidence.append(Evidence(f"dates.{name}", chosen, _("{share} of the sampled values read: {how}").format(
            share=share_text(share), how="; ".join(parts) or _("no format reads them")), check=share < 0.97))
    return datetimes, dates, evidence


def amount_settings(price: Column | None, header: str | None) -> tuple[str, float, list[Evidence]]:
    """(decimal mark, amount scale, evidence) from the price column."""
    if price is None or not price.amount.parsed:
        return ".", 1, []
    style = price.amount
    evidence = []
    decimal = style.decimal
    shown = ", ".join(price.labels(3))
    evidence.append(Evidence("decimal", decimal, _("amounts are written like {examples}").format(examples=shown)))
    scale: float = 1
    cents_header = bool(re.search(r"\b(cents?|centimes?)\b", vocab.fold(header or "")))
    whole = style.integers == style.parsed
    # An amount written with its currency (« 6 900 Ft », "$15.000", "4 500 CZK") is in that currency's units:
    # nobody writes cents beside a currency sign.
    sign = next((s for s, n in style.symbols.most_common() if n * 2 >= style.parsed), None)
    if whole and style.median >= 150 and sign is not None and not cents_header:
        evidence.append(Evidence("amount_scale", 1, _("every amount is a whole number, typically {median}, written with "
                                                      "its currency ({sign}): read as currency units, not cents").format(
                                                          median=style.median, sign=sign)))
    elif cents_header or (whole and style.median >= 400):
        scale = 0.01
        evidence.append(Evidence("amount_scale", 0.01, _("every amount is a whole number and the typical one is {median}: "
                                                         "amounts are in cents").format(median=style.median),
                                 check=not cents_header))
    elif whole and style.median >= 150:
        evidence.append(Evidence("amount_scale", 1, _("every amount is a whole number, typically {median}: read as "
                                                      "currency units, not cents").format(median=style.median), check=True))
    if style.negative:
        evidence.append(Evidence("negative", style.negative, plural(style.negative, "{n} sampled amount is negative (a refund row)",
                                                                    "{n} sampled amounts are negative (refund rows)").format(
            n=count_text(style.negative))))
    return decimal, scale, evidence


# A Swiss national number as the Swiss write it: 0xx xxx xx xx.
_SWISS_GROUPS = re.compile(r"0\d{2} \d{3} \d{2} \d{2}")
# International prefixes of the European countries the draft decides (France's is read above).
_EUROPEAN_PREFIXES = {"32": "BE", "41": "CH", "352": "LU", "353": "IE", "44": "GB", "49": "DE", "43": "AT"}
# Irish mobiles written at home: 083, 085, 086, 087, 089 and seven digits (France gives 08 to no person).
_IRISH_MOBILE = re.compile(r"08[35679]\d{7}")
# Australian numbers as Australians group them: a mobile "0412 345 678", a landline "(02) 9876 5432"
# (a French number is "04 12 34 56 78").
_AUSTRALIAN_GROUPS = re.compile(r"04\d{2} \d{3} \d{3}|\(0[2378]\) \d{4} \d{4}")


# Calling codes of three digits by their first two (ITU-T E.164): +351, +420, +972; the others
# starting with 2 to 9 have two (+45, +39), those starting with 7 one.
_THREE_DIGIT_CODES = {"21", "22", "23", "24", "25", "26", "29", "35", "37", "38", "42", "50", "59", "67", "68", "69",
                      "80", "85", "87", "88", "96", "97", "99"}


def _calling_code(digits: str) -> str:
    """The country calling code an international number (its digits after + or 00) starts with."""
    if digits.startswith("7"):
        return "7"
    return digits[:3] if digits[:2] in _THREE_DIGIT_CODES else digits[:2]


def postcodes_abroad(phones: Column | None, language: str, currency: str) -> str | None:
    """What says the export comes from a country culturecoop reads no postal codes of (``+30`` on most
    phones, or headers in Spanish, Portuguese, Italian, Polish or a Scandinavian language beside a
    currency of none of that language's countries nor of culturecoop's: Colombian pesos beside Spanish),
    or None. Its codes would be read as another country's: Bogotá's 110111 nowhere, a Greek 10431 as
    France's FR-104."""
    codes: Counter[str] = Counter()
    read = 0
    for value in (phones.values[:400] if phones is not None else []):
        digits = re.sub(r"\D", "", value)
        read += bool(digits)
        if value.strip().startswith(("+", "00")):
            digits = digits[2:] if value.strip().startswith("00") else digits
            if not digits.startswith(("1", "33")) and not any(digits.startswith(p) for p in _EUROPEAN_PREFIXES) \
                    and _calling_code(digits) not in countries.BY_CALLING:
                codes[_calling_code(digits)] += 1
    code = next((c for c, n in codes.most_common(1) if n >= 0.5 * read), None)
    if code is not None:
        return f"+{code}"
    homes = {rule.currency for rule in countries.RULES if language in rule.languages}
    if language in languages.LANGUAGE_MARKERS and currency not in homes and (
            currency == "EUR" or currency not in COUNTRY_CURRENCIES.values()):
        return language
    return None


def _hint(language: str, codes: Counter[str], symbols: Counter[str]) -> str | None:
    """The added country (``_ADDED``) an export's currency or headers' language point to, if one:
    a currency of its own (``NOK``, ``R$``, ``zł``, crowns in the headers' language), else the one
    country of the language (Italian, Dutch, Polish), else the one of the language that pays in euros
    (Portuguese and Spanish are also Brazil's and Latin America's)."""
    written = [code for code in (*codes, *symbols) if code in _CURRENCY_COUNTRIES]
    if written:
        return _CURRENCY_COUNTRIES[max(written, key=lambda code: codes[code] + symbols[code])]
    if symbols["kr"] and languages.CROWNS.get(language) in _CURRENCY_COUNTRIES:
        return _CURRENCY_COUNTRIES[languages.CROWNS[language]]
    homes = [code for code in _ADDED if language in countries.BY_CODE[code].languages]
    if symbols["€"] or codes["EUR"] or symbols["EUR"]:
        homes = [code for code in homes if countries.BY_CODE[code].currency == "EUR"] or homes
    return homes[0] if len(homes) == 1 else None


def _settle(votes: Counter[str], fits: Counter[tuple[str, ...]], hint: str | None, weight: int) -> None:
    """Count the values that fit the ways of writing of some added countries (``fits``): for their one
    country, else for the hinted one among them; values that fit several, none hinted, tell nothing."""
    for candidates, n in fits.items():
        chosen = candidates[0] if len(candidates) == 1 else hint if hint in candidates else None
        if chosen is not None:
            votes[chosen] += weight * n


# National e-mail domains, and the French providers' that are not under .fr.
_MAIL_COUNTRIES = {"fr": "FR", "be": "BE", "ch": "CH", "ca": "CA", "de": "DE", "at": "AT", "lu": "LU", "ie": "IE",
                   "uk": "GB", "laposte.net": "FR", "neuf.fr": "FR", "skynet.be": "BE", "bluewin.ch": "CH"}


def _mail_country(emails: list[Column]) -> str | None:
    """The country most e-mail addresses' domains name (half of them at least), if one."""
    found: Counter[str] = Counter()
    total = 0
    for column in emails:
        for value in column.values[:400]:
            domain = value.strip().lower().rpartition("@")[2]
            if not domain:
                continue
            total += 1
            tld = domain.rpartition(".")[2]
            named = _MAIL_COUNTRIES.get(domain) or _MAIL_COUNTRIES.get(tld)
            if named is not None and named in countries.BY_CODE:
                found[named] += 1
    if not found or not total:
        return None
    country, n = found.most_common(1)[0]
    return country if n >= 0.5 * total else None


def _nanp(digits: str) -> str | None:
    digits = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    return digits[:3] if len(digits) == 10 and digits[0] in "23456789" else None


def decide_place(phones: Column | None, postcodes: Column | None, price: Column | None,
                 currency_codes: list[str], zoned: list[str], language: str,
                 emails: list[Column] | None = None,
                 words: tuple[str, list[str]] | None = None) -> tuple[str, str, str, list[Evidence]]:
    """(country, timezone, currency, evidence) from phone prefixes, postal codes, currency
    symbols and any UTC offsets the times carry; ``language`` is the headers' (``fr``, ``de``,
    ``en``), which tells a German export's five-digit codes from French ones. With none of those,
    the e-mail addresses' national domains (``orange.fr``, ``videotron.ca``), then the export's own words
    (``country_words``: the country and the words that tell it) are the last hints."""
    votes: Counter[str] = Counter()  # whole votes, and halves for weaker hints (scaled by two)
    zones: Counter[str] = Counter()
    us_zones: Counter[str] = Counter()  # from five-digit codes: counted only if the country is the US
    reasons: list[str] = []
    foreign: Counter[str] = Counter()  # phones' country codes culturecoop does not know
    calls: Counter[str] = Counter()  # phones' country codes of the added countries (+47, +39…)
    fits: Counter[tuple[str, ...]] = Counter()  # postal codes or national numbers only added countries write
    german = language == "de"
    symbols: Counter[str] = price.amount.symbols if price is not None else Counter()
    codes = Counter(c.upper() for c in currency_codes if re.fullmatch(r"[A-Za-z]{3}", c))
    hint = _hint(language, codes, symbols)
    # The added countries whose numbers a national phone may be, by the headers' language.
    speakers = [code for code in _ADDED if language in countries.BY_CODE[code].languages]
    if postcodes is not None:
        for value in postcodes.values[:400]:
            text = value.strip().upper()
            if re.fullmatch(r"[A-Z]\d[A-Z][ -]?\d[A-Z]\d", text):
                votes["CA"] += 2
                zones[_CA_POSTAL_ZONES.get(text[0], "America/Toronto")] += 1
            elif re.fullmatch(r"\d{5}", text):
                votes["FR/US" if text[:2] != "00" else "US"] += 1  # told apart by the currency
                us_zones[_us_zip_zone(text)] += 1
            elif re.fullmatch(r"\d{5}-\d{4}", text):
                votes["US"] += 2
                us_zones[_us_zip_zone(text)] += 1
            elif re.fullmatch(r"D-?\d{5}", text):
                votes["DE"] += 2
            elif re.fullmatch(r"[1-9]\d{3}", text):
                votes["BE/CH"] += 1  # four digits: Belgium, Switzerland or Austria, told apart by the currency
            elif re.fullmatch(r"L-?\d{4}", text):
                votes["LU"] += 2
            elif re.fullmatch(r"A-?[1-9]\d{3}", text):
                votes["AT"] += 2
            elif shapes.EIRCODE.fullmatch(text) and not shapes.UK_POSTCODE.fullmatch(text):
                votes["IE"] += 2
            elif shapes.UK_POSTCODE.fullmatch(text):
                votes["GB"] += 2
            elif shaped := tuple(code for code in _ADDED if countries.postcode_fits(code, text)):
                fits[shaped] += 1  # "1045 PT", "184 96", "1000-205", "00-950", "01310-100", Oslo's "0173"
    if phones is not None:
        for value in phones.values[:400]:
            digits = re.sub(r"\D", "", value)
            plus = value.strip().startswith(("+", "00"))
            digits = digits[2:] if value.strip().startswith("00") else digits
            if not plus and len(digits) == 10 and _SWISS_GROUPS.fullmatch(value.strip()):
                votes["CH"] += 2  # "079 555 12 34": Swiss grouping (a French number is "06 12 34 56 78")
            elif not plus and len(digits) == 10 and _AUSTRALIAN_GROUPS.fullmatch(value.strip()):
                votes["AU"] += 2
            elif not plus and _IRISH_MOBILE.fullmatch(digits):
                votes["IE"] += 2  # "087 123 4567"
            elif not plus and (spoken := tuple(code for code in speakers if countries.tells(code, digits))):
                fits[spoken] += 1  # "070-368 32 73" under Swedish headers, "(11) 94764-1244" under Portuguese
            elif (plus and digits.startswith("33")) or (not plus and len(digits) == 10 and digits.startswith("0")
                                                         and not german):
                votes["FR"] += 2
            elif plus and (prefix := next((p for p in _EUROPEAN_PREFIXES if digits.startswith(p)), None)):
                votes[_EUROPEAN_PREFIXES[prefix]] += 2
            elif plus and _calling_code(digits) in countries.BY_CALLING:
                votes[countries.BY_CALLING[_calling_code(digits)]] += 2  # "+47 990 29 877"
                calls[_calling_code(digits)] += 1
            elif not plus and german and 7 <= len(digits) <= 13 and digits.startswith("0"):
                votes["DE"] += 1  # German numbers have no fixed length ("030 1234567", "0171 3300000")
            elif not plus and len(digits) == 11 and digits.startswith("0"):
                votes["GB/DE"] += 1  # "07700 900123", "0171 3300000": told apart by the currency
            elif plus and not digits.startswith("1"):
                foreign[_calling_code(digits)] += 1  # "+45 …": a country of none of COUNTRIES
            elif (area := _nanp(digits)) is not None:
                votes["CA" if area in _CA_AREA_CODES else "US"] += 2
                if area in _CA_AREA_CODES:
                    zones[_CA_AREA_CODES[area]] += 1
                elif area in _US_AREA_ZONES:
                    us_zones[_US_AREA_ZONES[area]] += 1
    euros = bool(symbols["€"] or codes["EUR"] or symbols["EUR"])
    pounds = bool(symbols["£"] or codes["GBP"] or symbols["GBP"])
    if hint is None and fits and postcodes is not None:
        # National numbers that several countries of the headers' language write (Spain's and Chile's nine
        # digits) beside postal codes only one of them writes (Spain's five digits, Chile's seven): that one.
        plain = [v.strip() for v in postcodes.values[:400] if re.fullmatch(r"\d{4,5}", v.strip())]
        both = {code for candidates in fits for code in candidates
                if plain and sum(countries.postcode_fits(code, v) for v in plain) >= 0.8 * len(plain)}
        hint = both.pop() if len(both) == 1 else None
    _settle(votes, fits, hint, 2)
    euro_home = hint if hint is not None and countries.BY_CODE[hint].currency == "EUR" else None
    if euros:
        votes[euro_home or ("DE" if german else "FR")] += 1
    for currency_code, home in _CURRENCY_COUNTRIES.items():
        if codes[currency_code] or symbols[currency_code]:
            votes[home] += 4
    # Five or four digits are also the codes of Italy, Spain, Mexico, Finland; Norway, Denmark, Australia.
    for shared, sample in (("FR/US", "12345"), ("BE/CH", "1234")):
        if votes[shared] and hint is not None and countries.postcode_fits(hint, sample):
            votes[hint] += votes.pop(shared)
    if pounds:
        votes["GB"] += 4
    if codes["CAD"] or symbols["CAD"]:
        votes["CA"] += 4
    if codes["CHF"] or symbols["CHF"]:
        votes["CH"] += 4
    if codes["USD"] or symbols["USD"]:
        votes["US"] += 4
    if votes["FR/US"]:
        if symbols["$"] or codes["USD"] or symbols["USD"] or codes["CAD"] or symbols["CAD"]:
            american = True
        elif euros:
            american = False
        else:  # amounts as plain numbers (a workbook): the phones tell
            american = votes["US"] + votes["CA"] > votes["FR"] + votes["DE"]
        votes["US" if american else "DE" if german else "FR"] += votes.pop("FR/US")
    if votes["BE/CH"]:
        swiss = bool(codes["CHF"] or symbols["CHF"])
        votes["CH" if swiss else "AT" if german else "BE"] += votes.pop("BE/CH")
    if votes["GB/DE"]:
        votes["DE" if german or (euros and not pounds) else "GB"] += votes.pop("GB/DE")
    if not votes and hint is None and (by_mail := _mail_country(emails or [])) is not None:
        country = by_mail
        reasons.append(_("nothing else in the file tells the country, but most e-mail addresses are of one country's "
                         "domains: {country}").format(country=countries.said_country(country)))
        check_country = True
    elif not votes and hint is None and words is not None:
        country = words[0]
        reasons.append((_("nothing else in the file tells the country, but words it writes point to one country, "
                          "{country}: {words}") if words[1] else
                        _("nothing else in the file tells the country, but its dates are written day first under "
                          "French headers, as one country writes them: {country}")).format(
            country=countries.said_country(country), words=", ".join(f"« {w} »" for w in words[1])))
        check_country = True
    elif not votes:
        country = hint or ("FR" if language == "fr" and euros else "DE" if german and euros else "CA")
        reasons.append(_("nothing in the file tells the country (no phone number, postal code, currency or word of one "
                         "country), so {country} is assumed: if the sales are elsewhere, write that country's code "
                         "for country, with its currency and timezone").format(country=countries.said_country(country)))
        check_country = True
    else:
        country = votes.most_common(1)[0][0]
        reasons.append(_("phone numbers, postal codes or currencies point to one country: {country}").format(
            country=countries.said_country(country)))
        check_country = votes[country] < 0.8 * sum(votes.values())
    # The country code most phones carry, of a country culturecoop does not know (half of them or more).
    phones_read = sum(1 for value in phones.values[:400] if re.sub(r"\D", "", value)) if phones is not None else 0
    abroad = next((code for code, n in (foreign + calls).most_common(1) if n >= 0.5 * phones_read), None)
    added = countries.BY_CODE.get(countries.BY_CALLING.get(abroad or "", ""))
    place = (added.currency, added.zone) if added is not None else languages.CALLING_PLACES.get(abroad or "")
    if foreign:
        code = foreign.most_common(1)[0][0]
        reasons.append(plural(sum(foreign.values()),
                              "{count} phone number carries the country code +{code}, of a country culturecoop does "
                              "not know: choose the nearest of {allowed}, and check the postal codes",
                              "{count} phone numbers carry the country code +{code}, of a country culturecoop does not "
                              "know: choose the nearest of {allowed}, and check the postal codes").format(
                             count=count_text(sum(foreign.values())), code=code, allowed=", ".join(COUNTRIES)))
        check_country = True
    # Currency: the column's codes, else a symbol in the amounts, else the country's.
    if codes:
        currency = codes.most_common(1)[0][0]
        currency_why = _("the currency column says {code}").format(code=currency)
        check_currency = False
    elif symbols["€"]:
        currency, currency_why, check_currency = "EUR", _("amounts carry the € sign"), False
    elif symbols["£"] or symbols["GBP"]:
        currency, currency_why, check_currency = "GBP", _("amounts carry the £ sign"), False
    elif written := [code for code in symbols if re.fullmatch(r"[A-Z]{3}", code)]:
        # "CHF 35.00", "R$ 80,00" (BRL), "89,00 zł" (PLN): the currency written in the amounts.
        currency = max(written, key=lambda code: symbols[code])
        currency_why = _("amounts carry the code {code}").format(code=currency)
        check_currency = False
    elif symbols["kr"]:
        # Crowns: the phones' country code tells whose, else the headers' language.
        crowns = [place[0]] if place is not None and place[0] in languages.CROWNS.values() else []
        currency = crowns[0] if crowns else languages.CROWNS.get(language, "SEK")
        if crowns:
            currency_why = _("amounts are in crowns (kr) and the phone numbers carry the country code +{calling}: "
                             "{code}").format(calling=_calling_of(currency), code=currency)
        else:
            currency_why = _("amounts are in crowns (kr), read as {code} from the headers' language").format(code=currency)
        check_currency = not crowns
    elif symbols["$"] and place is not None and place[0] in _DOLLAR_SIGNS:
        # "$15.000" with Chilean phones (+56): pesos, not dollars.
        currency = place[0]
        currency_why = _("amounts carry the $ sign and the phone numbers the country code +{calling}, whose currency "
                         "is {code}").format(calling=_calling_of(currency), code=currency)
        check_currency = True
    elif symbols["$"]:
        # Pesos and Australian dollars are written with the $ sign too.
        currency = COUNTRY_CURRENCIES[country] if COUNTRY_CURRENCIES.get(country) in _DOLLAR_SIGNS else (
            "USD" if country == "US" else "CAD")
        currency_why = _("amounts carry the $ sign; country: {country}").format(country=countries.said_country(country))
        check_currency = country not in ("CA", "US")
    elif place is not None:
        currency = place[0]
        currency_why = _("no currency is written; {code} is the currency of the phone numbers' country code "
                         "(+{calling})").format(code=currency, calling=abroad)
        check_currency = True
    else:
        currency = COUNTRY_CURRENCIES.get(country, "CAD")
        currency_why = _("no currency is written; {code} is the currency of the country chosen, {country}").format(
            code=currency, country=countries.said_country(country))
        check_currency = True
    if country not in ("CA", "US"):
        # A few North American visitors (a Paris museum's Canadian tourists) do not move its clock.
        zones = Counter({zone: n for zone, n in zones.items() if not zone.startswith("America/")})
    if country == "US":
        # American area codes and ZIP codes vote beside the few Canadian numbers of a US export.
        zones.update(us_zones)
    if currency == "GBP" and not zones:
        zones["Europe/London"] += 1  # pounds: a British box office, whatever country its phones are read in
    fallback = None
    if place is not None:
        # "+47 …": a Norwegian box office keeps Oslo's clock.
        fallback = (place[1], _("guessed from the phone numbers' country code +{calling} ({zone})").format(
            calling=abroad, zone=place[1]))
    elif currency in languages.CURRENCY_ZONES:
        # Reais, zlotys, crowns: their country's clock.
        fallback = (languages.CURRENCY_ZONES[currency], _("guessed from the currency {code} ({zone})").format(
            code=currency, zone=languages.CURRENCY_ZONES[currency]))
    elif currency == "EUR" and language in languages.EURO_LANGUAGE_ZONES:
        # Euros under Portuguese or Spanish headers: Lisbon's or Madrid's clock, not Paris's.
        fallback = (languages.EURO_LANGUAGE_ZONES[language], _("guessed from euros and the headers' language "
                                                               "({zone})").format(zone=languages.EURO_LANGUAGE_ZONES[language]))
    zone, zone_why, check_zone = _decide_zone(country, zones, zoned, fallback)
    evidence = [
        Evidence("country", country, "; ".join(reasons), check=check_country),
        Evidence("currency", currency, currency_why, check=check_currency),
        Evidence("timezone", zone, zone_why, check=check_zone),
    ]
    return country, zone, currency, evidence


# Currencies written with the $ sign, besides the dollars of Canada and the United States.
_DOLLAR_SIGNS = frozenset({"CLP", "ARS", "MXN", "COP", "UYU", "AUD", "NZD"})


def _calling_of(currency: str) -> str:
    """The calling code of the country whose currency is ``currency`` (``languages.CALLING_PLACES``)."""
    return next(code for code, place in languages.CALLING_PLACES.items() if place[0] == currency)


def _decide_zone(country: str, zones: Counter[str], zoned: list[str],
                 fallback: tuple[str, str] | None = None) -> tuple[str, str, bool]:
    """(zone, why, check): the offsets written in the times, else the zones the phones and postal codes
    point to, else ``fallback`` (a zone and why, read from a country culturecoop does not know), else
    the country's."""
    if not zones and fallback is not None:
        zones = Counter({fallback[0]: 1})
    guess = zones.most_common(1)[0][0] if zones else COUNTRY_ZONES.get(country, "America/Toronto")
    offsets = [v for v in zoned if shapes.strip_zone(v)[1] not in (None, "Z")]
    if offsets:
        fits = {zone: _offset_fit(zone, offsets) for zone in (guess, *_OFFSET_ZONES)}
        best = max(fits, key=lambda z: (fits[z], z == guess))
        if fits[best] >= 0.95:
            return best, _("the UTC offsets written in the times ({offsets}) match {zone} on every date").format(
                offsets=", ".join(sorted({shapes.strip_zone(v)[1] or "" for v in offsets})[:3]), zone=best), best != guess
    if zones and fallback is not None and guess == fallback[0]:
        return guess, fallback[1], True
    if zones:
        return guess, _("guessed from the phone area codes and postal codes ({zone})").format(zone=guess), True
    return guess, _("guessed from the country {code} ({country}): times are read as {zone} wall-clock time").format(
        code=country, country=countries.country_name(country), zone=guess), True


def _offset_fit(zone: str, values: list[str]) -> float:
    tz = ZoneInfo(zone)
    good = total = 0
    for value in values[:200]:
        plain, suffix = shapes.strip_zone(value)
        parsed = _iso(plain)
        if parsed is None or suffix is None:
            continue
        total += 1
        sign = -1 if suffix.startswith("-") else 1
        digits = suffix[1:].replace(":", "")
        written = sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        # The offset written is the one of the wall-clock time it goes with.
        good += parsed.replace(tzinfo=tz).utcoffset() == written
    return good / total if total else 0.0


def _iso(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None


def classify_labels(column: Column, classify: object, allowed: tuple[str, ...]) -> tuple[dict[str, str], list[str]]:
    """(label -> canonical value, labels it could not classify) for the distinct values of a label column."""
    assert callable(classify)
    known: dict[str, str] = {}
    unknown: list[str] = []
    for label in column.labels():
        value = classify(label)
        if value in allowed:
            if label != value:
                known[label] = str(value)
        else:
            unknown.append(label)
    return known, unknown


def boolean_words(columns: list[Column]) -> tuple[list[str], list[str], list[str]]:
    """(true words, false words, unknown words) as the boolean columns write them."""
    true: list[str] = []
    false: list[str] = []
    unknown: list[str] = []
    for column in columns:
        for label in column.labels():
            verdict = vocab.classify_boolean(label)
            target = true if verdict is True else false if verdict is False else unknown
            if label not in target:
                target.append(label)
    return true, false, unknown


def list_separator(columns: list[Column]) -> str | None:
    """The separator of list cells (genres, artists), from the characters the values hold."""
    counts: Counter[str] = Counter()
    for column in columns:
        for value in column.values[:400]:
            if value.startswith("["):
                continue  # a JSON array: prepare splits it as one
            for sep in ("|", ";", ",", "/"):
                counts[sep] += value.count(sep)
    return counts.most_common(1)[0][0] if counts and counts.most_common(1)[0][1] else None
