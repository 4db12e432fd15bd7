"""Time zones said in words a box office uses (« heure de l'Est — Montréal, Toronto », « heure de
Paris »), in the page's language: the form shows the words and still sends the zone's code
(``America/Toronto``), which is what the mapping keeps."""

from __future__ import annotations

import re

from culturecoop.i18n import _
from culturecoop.ingest.countries import BY_CODE

# The zones of North America by the name their clocks go by, west to east: the cities a venue of each
# knows them by. English text as message id (its French in member.po).
_NAMED = {
    "America/St_Johns": "Newfoundland time — St. John's",
    "America/Halifax": "Atlantic time — Halifax, Moncton",
    "America/Moncton": "Atlantic time — Halifax, Moncton",
    "America/Toronto": "Eastern time — Montréal, Toronto",
    "America/Montreal": "Eastern time — Montréal, Toronto",
    "America/New_York": "Eastern time — New York, Boston",
    "America/Winnipeg": "Central time — Winnipeg",
    "America/Chicago": "Central time — Chicago",
    "America/Regina": "Saskatchewan time — Regina, Saskatoon",
    "America/Edmonton": "Mountain time — Calgary, Edmonton",
    "America/Denver": "Mountain time — Denver",
    "America/Phoenix": "Arizona time — Phoenix",
    "America/Vancouver": "Pacific time — Vancouver, Victoria",
    "America/Los_Angeles": "Pacific time — Los Angeles, San Francisco",
    "America/Whitehorse": "Yukon time — Whitehorse",
}
# How a city of a zone's code is written (the code has no accents nor spaces).
_CITIES = {"Sao_Paulo": "São Paulo", "Mexico_City": "Mexico", "Buenos_Aires": "Buenos Aires", "Zurich": "Zurich",
           "Brussels": "Bruxelles", "London": "Londres", "Vienna": "Vienne", "Copenhagen": "Copenhague",
           "Lisbon": "Lisbonne", "Warsaw": "Varsovie", "Prague": "Prague", "Rome": "Rome", "Luxembourg": "Luxembourg"}
# The cities as English writes them where French names them otherwise.
_CITIES_EN = {"Bruxelles": "Brussels", "Londres": "London", "Vienne": "Vienna", "Copenhague": "Copenhagen",
              "Lisbonne": "Lisbon", "Varsovie": "Warsaw", "Mexico": "Mexico City"}

# The zones the form offers, North America's first, then each country's the app knows.
CHOICES: tuple[str, ...] = tuple(dict.fromkeys([
    "America/St_Johns", "America/Halifax", "America/Toronto", "America/Winnipeg", "America/Regina",
    "America/Edmonton", "America/Vancouver", "America/New_York", "America/Chicago", "America/Denver",
    "America/Phoenix", "America/Los_Angeles", *(rule.zone for rule in BY_CODE.values())]))


def zone_words(zone: str, language: str) -> str:
    """``zone`` (an IANA code) in words in ``language``; a code no city names is said as it is."""
    if zone in _NAMED:
        return _(_NAMED[zone])
    if "/" not in zone:
        return zone
    city = zone.rsplit("/", 1)[1]
    said = _CITIES.get(city, city.replace("_", " "))
    if language != "fr":
        said = _CITIES_EN.get(said, said)
    words = _("{city} time").format(city=said)
    # « heure de Amsterdam » is written « heure d’Amsterdam ».
    return re.sub(r"\bde (?=[AEIOUÉÈÊ])", "d’", words) if language == "fr" else words


_CODE = re.compile(r"\b(?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z_]+(?:/[A-Za-z_]+)?\b")


def codes_in_words(text: str, language: str) -> str:
    """``text`` with each zone code it names said in words (« times are read as heure de l’Est —
    Montréal, Toronto wall-clock time » rather than America/Toronto)."""
    # « à l’heure locale de America/Toronto » reads « à l’heure de l’Est — Montréal, Toronto »; "read as
    # America/Toronto wall-clock time" reads "read as Eastern time — Montréal, Toronto".
    said = re.sub(r"l’heure locale de (" + _CODE.pattern + ")", lambda m: "l’" + zone_words(m.group(1), language), text)
    said = re.sub("(" + _CODE.pattern + r") wall-clock time", lambda m: zone_words(m.group(1), language), said)
    quote = ("« ", " »") if language == "fr" else ("“", "”")
    return _CODE.sub(lambda m: f"{quote[0]}{zone_words(m.group(0), language)}{quote[1]}", said)


def zone_choices(language: str, current: str = "") -> dict[str, str]:
    """The zones the form offers, each code with its words; ``current`` (the mapping's) among them."""
    zones = [*CHOICES, *([current] if current and current not in CHOICES else [])]
    return {zone: zone_words(zone, language) for zone in zones}
