"""The vendor's wording around an export's event titles, removed so that a show reads the same
whoever sold it and through whichever vendor.

Exports often write every title with the same words around the show's name: « Représentation :
Les Misérables », « Billet - Concert de Noël », "Event: Jazz Night", « Hamlet (billet) ». A leading
(or trailing) fragment, set off by ``:``, `` - ``, `` – ``, `` — ``, ``|`` or `` / `` (or written in
brackets at the end), is the export's wording when:

* it is the same on (nearly) all the export's distinct titles (90 %, three titles at least) and
  what remains names different shows; or
* it is a word that only says a ticket was sold (« Billet », « Ticket », « Représentation »,
  "Event", « Événement »), on any title.

What remains must still name a show: a title whose other part is only a date, a time, a number or
a ticket type (« Hamlet - 12/03/2026 », « Hamlet : Partie 2 », « Hamlet - Billet adulte ») keeps
its text, as does a title without the separator (« Représentations du soir »). The text a
performance's date is read from (``title_dates``) is the export's, read before: it is unchanged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import duckdb
import pyarrow as pa

from culturecoop.ingest.dates import DAY_WORDS, MONTH_WORDS
from culturecoop.ingest.title_dates import date_in_text
from culturecoop.ingest.vocabulary import fold

# Words that only say a ticket was sold: said on their own before or after a title, never its show.
TICKETING_WORDS = frozenset({"billet", "billets", "e billet", "ticket", "tickets", "e ticket", "representation",
                             "event", "evenement"})
# Words that tell a show's performances or tariffs apart, not shows: what remains of a title made
# of them alone (with dates, times and numbers) is no show's name.
_VARIANT_WORDS = frozenset({
    *TICKETING_WORDS, "tarif", "tarifs", "plein", "pleine", "reduit", "reduite", "adulte", "adultes", "enfant",
    "enfants", "etudiant", "etudiante", "etudiants", "senior", "seniors", "jeune", "jeunes", "gratuit", "gratuite",
    "invitation", "invitations", "abonne", "abonnes", "abonnement", "normal", "normale", "general", "generale",
    "unique", "vip", "adult", "adults", "child", "children", "kid", "kids", "student", "students", "concession",
    "standard", "full", "price", "reduced", "free", "admission", "entree", "entrees", "groupe", "groupes", "group",
    "famille", "family", "pass", "ans", "years", "moins", "plus", "under", "over", "de", "du", "des", "le", "la",
    "les", "l", "d", "a", "au", "at", "the", "of", "h", "am", "pm", "seance", "seances", "session", "sessions",
    "matinee", "soiree", "soir", "apres", "midi", "show", "performance", "evening", "afternoon", "night",
    "partie", "part", "acte", "act", "jour", "day", "date", "no",
    *MONTH_WORDS, *DAY_WORDS})
# The words of a tariff's name, and those of them that say it is one.
_RATE_WORDS = frozenset({"tarif", "tarifs", "rate", "price", "prix", "plein", "pleine", "reduit", "reduite",
                         "adherent", "adherente", "adherents", "membre", "membres", "full", "reduced", "concession"})
_TARIFF_WORDS = _RATE_WORDS | frozenset({
    "abonne", "abonnes", "etudiant", "etudiante", "etudiants", "enfant", "enfants", "adulte", "adultes", "senior",
    "seniors", "jeune", "jeunes", "solidaire", "normal", "normale", "unique", "gratuit", "gratuite", "student",
    "students", "child", "children", "adult", "adults", "member", "members", "standard", "general", "generale",
    "de", "du", "des", "le", "la", "a", "moins", "plus", "ans", "under", "over", "famille", "family", "groupe", "group"})
# A separator between the show and the export's wording; a colon only followed by a space (« 20:30 »
# is a time), a dash only between spaces (« Jean-Pierre », « AC/DC » are names).
_SEP = r"(?:\s*:\s+|\s+[-–—]\s+|\s*\|\s*|\s+/\s+)"
_HEAD = re.compile(rf"^(?P<part>.+?)(?P<sep>{_SEP})(?P<rest>\S.*)$")
_TAIL = re.compile(rf"^(?P<rest>.*\S)(?P<sep>{_SEP})(?P<part>.+)$")
_BRACKETED = re.compile(r"^(?P<rest>.*\S)\s*(?P<part>\((?P<inner>[^()]+)\))$")
# More distinct titles than this are no programme of shows (a column of order numbers or of
# buyers mapped as the title, which the guard then judges): left as they are, at no cost.
MOST_TITLES = 20_000
# A title longer than this is no show's name with a vendor's words around it: left as it is.
LONGEST_TITLE = 300
# Shared by at least this share of the distinct titles, and that many titles at least.
SHARED_SHARE = 0.9
SHARED_TITLES = 3

Side = Literal["prefix", "suffix"]


@dataclass(frozen=True)
class TitleTrim:
    """A fragment removed from ``titles`` distinct event titles: ``text`` as the export writes
    it (« Représentation : », « (billet) »), at the start (``prefix``) or the end (``suffix``)."""

    side: Side
    text: str
    titles: int


@dataclass(frozen=True)
class _Cut:
    key: str  # the fragment folded: its words, lower case, without accents
    shown: str  # the fragment with its separator, as written
    rest: str  # the title without it


def _cut(side: Side, title: str) -> list[_Cut]:
    found: list[_Cut] = []
    if len(title) > LONGEST_TITLE:  # no show's name; and the patterns' cost grows with the square of the length
        return found
    # One space for each run of them: the patterns' spaces then match one character, not a run.
    title = " ".join(title.split())
    for pattern in (_HEAD,) if side == "prefix" else (_BRACKETED, _TAIL):
        m = pattern.match(title)
        if m is None:
            continue
        part, rest = m.group("part").strip(), m.group("rest").strip()
        key = fold(m.groupdict().get("inner") or part)
        # A fragment of no word, or a date, is no wording of the vendor's (the date is read elsewhere).
        if key and re.search(r"[a-z]", key) and date_in_text(part) is None:
            sep = m.groupdict().get("sep") or ""
            shown = (part + sep).strip() if side == "prefix" else (sep + part).strip()
            found.append(_Cut(key, " ".join(shown.split()), rest))
    return found


def _is_tariff(key: str) -> bool:
    """Whether a fragment (folded) only names a tariff (« Tarif plein », « Tarif adhérent », "Full price"): a
    sale's rate, written before the show by a form's export (HelloAsso's « Formule »), never a show."""
    words = key.split()
    return bool(words) and set(words) <= _TARIFF_WORDS and bool(set(words) & _RATE_WORDS)


def _show_name(text: str) -> str:
    """What of ``text`` could name a show: its words but dates, times, numbers and ticket types."""
    return " ".join(w for w in fold(text).split() if w not in _VARIANT_WORDS and not re.search(r"\d", w))


def _shared(cuts: dict[str, list[_Cut]]) -> str | None:
    """The fragment (folded) on nearly all the distinct titles (``cuts``: each one's ``_cut``) whose
    other parts name different shows."""
    if len(cuts) < SHARED_TITLES:
        return None
    keys = Counter(key for found in cuts.values() for key in {c.key for c in found})
    if not keys:
        return None
    key, titled = keys.most_common(1)[0]
    if titled < SHARED_SHARE * len(cuts):
        return None
    names = [_show_name(c.rest) for found in cuts.values() for c in found if c.key == key]
    if sum(1 for n in names if n) < SHARED_SHARE * len(names) or len({n for n in names if n}) < 2:
        return None  # what remains is a show's performances or tariffs: the fragment is the show
    return key


def trimmed_titles(titles: list[str]) -> tuple[dict[str, str], list[TitleTrim]]:
    """Each of ``titles`` (distinct, as ``cc_name`` writes them) that carries the export's wording →
    the title without it, and what was removed (see the module doc). Never an empty title."""
    renamed: dict[str, str] = {}
    trims: list[TitleTrim] = []
    if len(titles) > MOST_TITLES:
        return renamed, trims
    current = {t: t for t in titles}
    for side in ("prefix", "suffix"):
        cuts = {title: _cut(side, title) for title in dict.fromkeys(current.values())}
        shared = _shared(cuts)
        removed: dict[str, Counter[str]] = {}
        for original, title in current.items():
            for c in cuts[title]:
                if ((c.key == shared or c.key in TICKETING_WORDS or (side == "prefix" and _is_tariff(c.key)))
                        and _show_name(c.rest)):
                    current[original] = renamed[original] = c.rest
                    removed.setdefault(c.key, Counter())[c.shown] += 1
                    break
        for counts in removed.values():
            trims.append(TitleTrim(side, counts.most_common(1)[0][0], sum(counts.values())))
    trims.sort(key=lambda t: (t.side != "prefix", -t.titles, t.text))
    return renamed, trims


def trim_title_boilerplate(con: duckdb.DuckDBPyConnection) -> list[TitleTrim]:
    """Remove the export's wording around the titles of ``event_out`` (see ``build_events``) and
    return what was removed, for the summary to say."""
    titles = [str(r[0]) for r in con.execute(
        "SELECT DISTINCT title FROM event_out WHERE title IS NOT NULL ORDER BY title").fetchall()]
    renamed, trims = trimmed_titles(titles)
    if renamed:
        con.register("title_trimmed", pa.table({"old": list(renamed), "new": list(renamed.values())}))
        try:
            con.execute("UPDATE event_out SET title = m.new FROM title_trimmed m WHERE event_out.title = m.old")
        finally:
            con.unregister("title_trimmed")
    return trims
