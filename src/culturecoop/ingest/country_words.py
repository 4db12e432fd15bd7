"""The country an export's own words point to, when no phone number, postal code or currency does.

French is written in France, Belgium, Switzerland and Québec, each with words of its own: a French
box office writes « TTC », « Civilité », « Carte bancaire »; a Québec one « Courriel », « TPS »,
« Interac »; a Belgian one « TVAC », « Bancontact »; a Swiss one « NPA », « TWINT ». Dates written day
first (« 14/03/2026 ») under French headers are France's or Belgium's way more than Québec's, whose
software writes 2026-03-14. ``draft_settings.decide_place`` asks ``country_of`` before it assumes one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from culturecoop.ingest import vocabulary as vocab

# Words (folded) of the headers or of whole cells, and the country that writes them.
_WORDS: dict[str, str] = {
    # France: taxes included, civility, bank cards, départements.
    "ttc": "FR", "prix ttc": "FR", "montant ttc": "FR", "civilite": "FR", "carte bancaire": "FR", "cb": "FR",
    "departement": "FR", "portable": "FR", "cheque vacances": "FR", "pass culture": "FR",
    # Québec and Canada: e-mail as « courriel », sales taxes, Interac, provinces.
    "courriel": "CA", "tps": "CA", "tvq": "CA", "tvh": "CA", "interac": "CA", "province": "CA",
    "cellulaire": "CA", "carte de credit": "CA",
    # Belgium and Switzerland.
    "tvac": "BE", "htva": "BE", "bancontact": "BE", "npa": "CH", "twint": "CH", "postfinance": "CH",
}


def country_of(header: Sequence[str], rows: Sequence[Sequence[str | None]], language: str,
               day_first: bool) -> tuple[str, list[str]] | None:
    """The country the export's words point to, and those words (as written), or None: the words of
    ``header`` and of the cells of ``rows`` (``_WORDS``), else, under French headers, dates written day
    first (``day_first``) for France."""
    found: Counter[str] = Counter()
    said: dict[str, list[str]] = {}
    cells = [*header, *(c for row in rows[:200] for c in row if c)]
    for cell in cells:
        folded = vocab.fold(cell)
        words = folded.split()
        for key in {folded, *words, *(" ".join(words[i:i + 2]) for i in range(len(words) - 1))}:
            country = _WORDS.get(key)
            if country is not None:
                found[country] += 1
                if cell.strip() not in said.setdefault(country, []):
                    said[country].append(cell.strip())
    if found:
        (country, n), *others = found.most_common(2)
        if not others or n >= 2 * others[0][1]:
            return country, said[country][:3]
        return None
    if language == "fr" and day_first:
        return "FR", []
    return None
