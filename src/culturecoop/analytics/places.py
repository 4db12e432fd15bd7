"""Where a patron's coarse postal area lies, in words: a Canadian province or region from an FSA's
first letter, a French département, a Belgian province, a Swiss region, or a country.

Areas come from ``ingest.normalize.cc_area_in``: ``H2X`` (Canada), ``FR-750``, ``BE-10``,
``CH-12``, ``US-100``, ``DE-101``, ``AT-10``, ``LU-15``, ``GB-SW4``. Proper names are the same in
French and English; regions and countries are translated.
"""

from __future__ import annotations

from culturecoop.i18n import _

# French départements by the first two digits of the postal code (three overseas: 971…976);
# 20 is Corsica (both départements share the 20xxx codes).
FR_DEPARTMENTS = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube", "11": "Aude",
    "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal", "16": "Charente",
    "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "20": "Corse", "21": "Côte-d'Or",
    "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme", "27": "Eure",
    "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne", "32": "Gers",
    "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire",
    "38": "Isère", "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire",
    "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère",
    "49": "Maine-et-Loire", "50": "Manche", "51": "Marne", "52": "Haute-Marne", "53": "Mayenne",
    "54": "Meurthe-et-Moselle", "55": "Meuse", "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord",
    "60": "Oise", "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône",
    "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie", "74": "Haute-Savoie",
    "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne", "78": "Yvelines", "79": "Deux-Sèvres",
    "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var", "84": "Vaucluse", "85": "Vendée",
    "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne", "90": "Territoire de Belfort",
    "91": "Essonne", "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne",
    "95": "Val-d'Oise", "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion",
    "975": "Saint-Pierre-et-Miquelon", "976": "Mayotte",
}



def belgian_provinces() -> tuple[tuple[int, int, str], ...]:
    """Belgian provinces by postal code range (first two digits, inclusive), in the current language."""
    return ((10, 12, _("Brussels-Capital")), (13, 14, _("Walloon Brabant")), (15, 19, _("Flemish Brabant")),
            (20, 29, _("Antwerp")), (30, 34, _("Flemish Brabant")), (35, 39, _("Limburg")), (40, 49, _("Liège")),
            (50, 59, _("Namur")), (60, 65, _("Hainaut")), (66, 69, _("Province of Luxembourg")),
            (70, 79, _("Hainaut")), (80, 89, _("West Flanders")), (90, 99, _("East Flanders")))


def canada_regions() -> dict[str, str]:
    """Areas by the first letter of a Canadian postal code, in the current language."""
    return {
        "A": _("Newfoundland and Labrador"), "B": _("Nova Scotia"), "C": _("Prince Edward Island"),
        "E": _("New Brunswick"), "G": _("Eastern Québec"), "H": _("Montréal"), "J": _("Western Québec"),
        "K": _("Eastern Ontario"), "L": _("Central Ontario"), "M": _("Toronto"),
        "N": _("Southwestern Ontario"), "P": _("Northern Ontario"), "R": _("Manitoba"),
        "S": _("Saskatchewan"), "T": _("Alberta"), "V": _("British Columbia"),
        "X": _("Northwest Territories and Nunavut"), "Y": _("Yukon"),
    }


def swiss_regions() -> dict[str, str]:
    """Swiss regions by the first digit of the postal code, in the current language."""
    return {
        "1": _("Lake Geneva region, Fribourg and Lower Valais"), "2": _("Neuchâtel, Jura and Biel/Bienne"),
        "3": _("Bern and Upper Valais"), "4": _("Basel"), "5": _("Aargau"),
        "6": _("Central Switzerland and Ticino"), "7": _("Graubünden"), "8": _("Zürich"),
        "9": _("Eastern Switzerland"),
    }


def countries() -> dict[str, str]:
    """Country names by ISO code, in the current language."""
    return {"FR": _("France"), "BE": _("Belgium"), "CH": _("Switzerland"), "LU": _("Luxembourg"),
            "US": _("United States"), "GB": _("United Kingdom"), "DE": _("Germany"), "AT": _("Austria"),
            "IE": _("Ireland"), "NL": _("Netherlands"), "NO": _("Norway"), "DK": _("Denmark"), "SE": _("Sweden"),
            "FI": _("Finland"), "IT": _("Italy"), "ES": _("Spain"), "PT": _("Portugal"), "PL": _("Poland"),
            "CZ": _("Czechia"), "BR": _("Brazil"), "MX": _("Mexico"), "AR": _("Argentina"), "CL": _("Chile"),
            "AU": _("Australia"), "NZ": _("New Zealand"), "JP": _("Japan")}


def area_name(area: str | None) -> str:
    """The place an area (``H2X``, ``FR-750``, ``BE-13``…) lies in, in the current language."""
    if not area:
        return _("Unknown")
    country, dash, rest = area.partition("-")
    if not dash:
        # Québec City (G1…, G2…) by its name, as the Target audience tab names it: « Est du Québec »
        # beside « la ville de Québec » read as two places.
        if area[:2].upper() in ("G1", "G2"):
            return _("City of Québec")
        return canada_regions().get(area[0].upper(), _("Outside Canada"))
    name = countries().get(country, country)
    if country == "FR" and (code := rest[:3] if rest.startswith("97") else rest[:2]) in FR_DEPARTMENTS:
        return f"{FR_DEPARTMENTS[code]} ({code})"
    # One catalog message each (a report's label is read back in the reader's language whole).
    if country == "BE" and rest[:2].isdigit():
        return next((province for low, high, province in belgian_provinces() if low <= int(rest[:2]) <= high), name)
    if country == "CH":
        return swiss_regions().get(rest[:1], name)
    return name
