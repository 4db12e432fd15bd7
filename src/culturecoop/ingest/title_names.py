"""Patrons' names taken out of the event texts that travel in clear.

An event's title, venue and identifier leave the member as the export writes them (they are the
programme, public by nature). A private booking is often titled after its client: « Anniversaire
de Marie Tremblay », « Soirée privée – Luc Roy et amis », and a vendor without event numbers joins
that title with the date into the event's identifier. ``ingest.guard`` refuses a column made of
patrons' names (the buyer's name mapped as the title); one such title among a programme is no
mapping mistake, and refusing the whole export for it would be a wrong answer to a right file.

So, after ``build_events`` and ``build_patrons``: wherever the full name of a patron holding a ticket
to the event (given name and surname, in either order, as ``cc_fold`` sees them) is written within
its title or venue, and is not one of the event's artists, those words become « … » (« Anniversaire de … »); an event identifier that writes one becomes
a keyed code (``privacy.encodings.id_token_sql`` of the identifier, so the same event keeps the same
code from one package to the next, and two such events never merge into one). ``prepare`` says how
many, with one example as it now reads.

A private booking is also titled after someone who holds no ticket to it (« Anniversaire de Marie
Tremblay » booked by her husband). So the title of an event held by at most ``PRIVATE_BUYERS``
patrons that names a private occasion (a birthday, a wedding, a private party: ``_OCCASIONS``) keeps
only the words that say the occasion (``_OCCASION_WORDS``: « Anniversaire de … », « Soirée privée –
… et amis »); every other run of words is withheld as a name would be, and so is the identifier
that writes it. A public show that names an occasion (« Le Mariage de Figaro ») sells to more
people than that and is left whole.

A column whose values are mostly names themselves (three at least and a fifth of its distinct values,
the guard's rule for free text) is left as it is: the guard refuses it with the sentence that says which column to map
instead, which is the answer to that mistake.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from culturecoop.ingest.guard import names_in_free_text
from culturecoop.ingest.vocabulary import fold
from culturecoop.privacy.encodings import id_token_sql, pads

# A patron's name in a text is two to this many words (« Marie-Ève de la Fontaine Roy »).
_LONGEST_NAME = 8
# What a withheld name reads as.
WITHHELD = "…"
# A word as ``cc_fold`` reads one: letters and digits, apostrophes inside it dropped (« O'Neil »).
_WORD = re.compile(r"[^\W_]+(?:['’`ʼ][^\W_]+)*")
# The French elided words before a name (« d'Éloïse O'Neil », « chez l'Ariane »), read without them too.
_ELISION_WORDS = "[dljmnstc]|qu|jusqu|lorsqu|puisqu"
_ELISION = re.compile(f"(?i)(?:{_ELISION_WORDS})['’`ʼ](?=[^\\W_])")
_ELISION_SQL = f"(^|[^\\pL\\pN])(?i:{_ELISION_WORDS})['’`ʼ]"
# Each part of a name at least this long: an initial (« M. Roy ») names nobody for sure.
_SHORTEST_PART = 2
# An event held by at most this many patrons, its title naming a private occasion, is a private
# booking: its title names its host or guest of honour, a ticket holder or not.
PRIVATE_BUYERS = 3
# Private occasions, as folded words of a title (French, English, and the languages of the
# exports read): a birthday, a wedding, a party for one person, a private hire.
_OCCASIONS = re.compile(
    r"\b(?:anniversaire|anniv|birthday|bday|geburtstag|cumpleanos|compleanno|verjaardag|aniversario"
    r"|mariage|noces|wedding|hochzeit|boda|matrimonio|huwelijk|casamento|fiancailles|engagement"
    r"|evjf|evg|enterrement de vie|bachelorette|bachelor party|hen party|stag party|polterabend"
    r"|bapteme|baptism|christening|taufe|bautizo|battesimo|communion|bar mitzvah|bat mitzvah|baby shower"
    r"|bridal shower|funerailles|obseques|funeral|memorial|celebration de vie|celebration of life"
    r"|pot de depart|pot de retraite|retirement party|fete de depart|farewell party"
    r"|soiree privee|fete privee|evenement prive|reception privee|diner prive|private party|private event"
    r"|private function|private hire|privatisation|privatization|location de salle|room hire"
    r"|\d+ ans de|\d+(?:st|nd|rd|th) birthday)\b")
# The words of such a title that say the occasion, not who it is for: they stay, the rest is withheld.
_OCCASION_WORDS = frozenset(word for line in (
    "anniversaire anniv birthday bday geburtstag cumpleanos compleanno verjaardag aniversario",
    "mariage noces wedding hochzeit boda matrimonio huwelijk casamento fiancailles engagement",
    "evjf evg enterrement vie jeune fille garcon bachelorette bachelor hen stag polterabend",
    "bapteme baptism christening taufe bautizo battesimo communion premiere first bar bat mitzvah baby",
    "bridal shower funerailles obseques funeral memorial celebration pot depart retraite retirement farewell",
    "soiree fete evenement reception diner souper dejeuner brunch cocktail gala bal apero aperitif vin honneur",
    "party event function hire privee prive private privatisation privatization location salle room",
    "surprise amis friends famille family ceremonie ceremony ans years year old st nd rd th e er eme ieme",
    "de du des la le les d l et a au aux chez pour avec en sur the of for and with at s by in on",
    "mr mrs ms mme mlle m monsieur madame",
) for word in line.split())


@dataclass(frozen=True)
class NamesWithheld:
    """Patrons' names taken out of ``values`` distinct values of the event's ``column`` (``title``,
    ``venue`` or ``event_id``); ``example``: one of them as the package now carries it."""

    column: str
    values: int
    example: str


def withhold_patron_names(con: duckdb.DuckDBPyConnection, id_key: bytes) -> list[NamesWithheld]:
    """Take the export's patrons' full names out of ``event_out``'s titles and venues and out of the
    event identifiers of ``event_out`` and ``checked`` (see the module); return what was done, for
    the summary to say. Call after ``build_events`` and ``build_patrons``."""
    found = _names_in_texts(con)
    private = _private_occasions(con)
    done: list[NamesWithheld] = []
    for column in ("title", "venue"):
        texts = {text: names for (c, text), names in found.items() if c == column}
        if not texts or _refused_by_guard(con, column, texts):
            continue
        renamed = {text: withheld(text, names + private.get(text, []) if column == "title" else names)
                   for text, names in texts.items()}
        _rename(con, column, renamed)
        done.append(NamesWithheld(column, len(renamed), min(renamed.values())))
    titles = {text: runs for text, runs in private.items() if ("title", text) not in found}
    if titles:
        renamed = {text: withheld(text, runs) for text, runs in titles.items()}
        _rename(con, "title", renamed)
        done.append(NamesWithheld("private_title", len(renamed), min(renamed.values())))
    events = con.execute("SELECT DISTINCT event_id FROM event_out").fetchall() if private else []
    for event_id, in events:
        written = " " + " ".join(_folded(str(event_id))) + " "
        runs = [run for title, runs in private.items() if title in titles or ("title", title) in found
                for run in runs if f" {run} " in written]
        if runs:
            found.setdefault(("event_id", str(event_id)), runs)
    ids = sorted(text for c, text in found if c == "event_id")
    if ids and not _refused_by_guard(con, "event_id", {text: found["event_id", text] for text in ids}):
        con.register("ids_withheld", pa.table({"old": ids}))
        try:
            con.execute(f"""CREATE TEMP TABLE id_withheld AS
                SELECT old, {id_token_sql("('event:' || old)")} AS new FROM ids_withheld""", pads(id_key))
            con.execute("UPDATE checked SET event_id = m.new FROM id_withheld m WHERE checked.event_id = m.old")
            con.execute("UPDATE event_out SET event_id = m.new FROM id_withheld m WHERE event_out.event_id = m.old")
            example = con.execute("SELECT min(new) FROM id_withheld").fetchall()[0][0]
            con.execute("DROP TABLE id_withheld")
        finally:
            con.unregister("ids_withheld")
        done.append(NamesWithheld("event_id", len(ids), str(example)))
    return done


def _rename(con: duckdb.DuckDBPyConnection, column: str, renamed: dict[str, str]) -> None:
    """Each old value of ``event_out.column`` as its new one."""
    con.register("names_withheld", pa.table({"old": list(renamed), "new": list(renamed.values())}))
    try:
        con.execute(f"UPDATE event_out SET {column} = m.new FROM names_withheld m WHERE event_out.{column} = m.old")
    finally:
        con.unregister("names_withheld")


def _private_occasions(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Title → the runs of words (folded) to withhold from it, for the titles of private bookings: an
    event held by at most ``PRIVATE_BUYERS`` patrons whose title names a private occasion."""
    titles = [str(t) for (t,) in con.execute("SELECT DISTINCT title FROM event_out WHERE title IS NOT NULL").fetchall()]
    occasions = [t for t in titles if _OCCASIONS.search(" ".join(_folded(t)))]
    if not occasions:  # the common case: only the few titles naming an occasion have their holders counted
        return {}
    con.register("occasion_titles", pa.table({"title": occasions}))
    try:
        rows = con.execute(
            f"""SELECT e.title FROM event_out e SEMI JOIN occasion_titles o USING (title)
                LEFT JOIN (SELECT event_id, count(DISTINCT patron_id) AS holders FROM checked
                           WHERE event_id IN (SELECT event_id FROM event_out SEMI JOIN occasion_titles USING (title))
                           GROUP BY event_id) c USING (event_id)
                GROUP BY e.title HAVING max(coalesce(c.holders, 0)) <= {PRIVATE_BUYERS}""").fetchall()
    finally:
        con.unregister("occasion_titles")
    return {str(title): runs for (title,) in rows if (runs := occasion_runs(str(title)))}


def occasion_runs(title: str) -> list[str]:
    """The runs of consecutive words of a private occasion's ``title`` (folded, French elisions
    aside) that do not say the occasion: who it is for, as far as a title can tell."""
    runs: list[list[str]] = [[]]
    for _start, _end, folded in _words(title, elided=True):
        for word in folded:
            if word in _OCCASION_WORDS or word.isdigit() or re.fullmatch(r"\d+(?:e|er|eme|ieme|st|nd|rd|th)", word):
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(word)
    return [" ".join(run) for run in runs if run]


def _names_in_texts(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[str]]:
    """(column, distinct value) → the full names (folded) written within it of patrons holding a
    ticket to an event that carries that value as its title, venue or identifier, the event's
    artists aside: each value's runs of two to ``_LONGEST_NAME`` words looked up among those names.

    A patron named like a performer is no reason: among a hall's hundred thousand buyers, every
    common name is someone's, and « Jean-François Côté Quartet » stays whole unless its own buyers
    include a Jean-François Côté who is not in its artists. The person a private booking is titled
    after books it, or comes to it."""
    rows = con.execute(
        f"""WITH texts AS MATERIALIZED (
            SELECT event_id, c, x, artists FROM (
                SELECT event_id, artists, unnest(['title', 'venue', 'event_id']) AS c, unnest([title, venue, event_id]) AS x
                FROM (SELECT event_id, title, venue, list_transform(artists, lambda a: ' ' || cc_fold(a) || ' ') AS artists
                      FROM event_out))
            WHERE x IS NOT NULL),
        -- Each distinct value read twice: apostrophes dropped as ``cc_fold`` does (« O'Neil »,
        -- « D'Amour », as names are folded), and without the French elision before a name
        -- (« d'Éloïse », « l'Ariane »); then its runs of words. Every macro and lambda runs in a
        -- projection of its own below the unnest: within the unnest's, it cost twice to three times more.
        variants AS (
            SELECT c, x, string_split(f, ' ') AS w FROM (
                SELECT c, x, unnest([f, e]) AS f FROM (
                    SELECT c, x, cc_fold(x) AS f, cc_fold(regexp_replace(x, $elision, '\\1', 'g')) AS e
                    FROM (SELECT DISTINCT c, x FROM texts)))
            WHERE f LIKE '% %'),
        windows AS MATERIALIZED (
            SELECT DISTINCT c, x, unnest(n) AS n FROM (
                SELECT c, x, flatten(list_transform(range(1, len(w)), lambda i:
                    list_transform(range(i + 1, least(i + {_LONGEST_NAME - 1}, len(w)) + 1), lambda j:
                        array_to_string(w[i:j], ' ')))) AS n
                FROM variants)),
        -- The few patrons whose full name is a run of words of some value, then the events they hold
        -- a ticket to.
        people AS (
            SELECT n.patron_id, n.given_name || ' ' || n.surname AS n1, n.surname || ' ' || n.given_name AS n2
            FROM patron_norm n
            WHERE length(n.given_name) >= {_SHORTEST_PART} AND length(n.surname) >= {_SHORTEST_PART}
              AND (n.given_name || ' ' || n.surname IN (SELECT n FROM windows)
                   OR n.surname || ' ' || n.given_name IN (SELECT n FROM windows))),
        buyers AS (
            SELECT DISTINCT c.event_id, unnest([p.n1, p.n2]) AS n
            FROM checked c JOIN people p ON p.patron_id = c.patron_id)
        SELECT w.c, w.x, list(DISTINCT w.n ORDER BY w.n)
        FROM buyers b JOIN texts t USING (event_id) JOIN windows w ON w.c = t.c AND w.x = t.x AND w.n = b.n
        -- A name within one of the event's artists (« Éric Côté Quartet ») is its performer's.
        WHERE NOT coalesce(list_bool_or(list_transform(t.artists, lambda a: contains(a, ' ' || w.n || ' '))), false)
        GROUP BY w.c, w.x""",
        {"elision": _ELISION_SQL},
    ).fetchall()
    return {(str(c), str(x)): [str(n) for n in names] for c, x, names in rows}


def _refused_by_guard(con: duckdb.DuckDBPyConnection, column: str, texts: dict[str, list[str]]) -> bool:
    """Whether ``column``'s values are patrons' names themselves often enough for the guard to refuse
    the column (``guard.names_in_free_text``): then it is left as it is, for that refusal."""
    whole = sum(1 for text, names in texts.items() if _folded(text) in {tuple(n.split()) for n in names})
    distinct = int(con.execute(f"SELECT count(DISTINCT {column}) FROM event_out").fetchall()[0][0])
    return names_in_free_text(whole, distinct)


def _folded(text: str) -> tuple[str, ...]:
    return tuple(word for _start, _end, folded in _words(text) for word in folded)


def _words(text: str, elided: bool = False) -> list[tuple[int, int, list[str]]]:
    """Each word of ``text``: where it starts and ends, and the word(s) ``cc_fold`` makes of it
    (``elided``: without a French elision before it, « d'Éloïse » as « Éloïse »)."""
    out = []
    for match in _WORD.finditer(unicodedata.normalize("NFC", text)):
        start, word = match.start(), match.group()
        elision = _ELISION.match(word) if elided else None
        if elision:
            start, word = start + elision.end(), word[elision.end():]
        folded = fold(re.sub("['’`ʼ]", "", word)).split()
        if folded:
            out.append((start, match.end(), folded))
    return out


def withheld(text: str, names: list[str]) -> str:
    """``text`` with each run of words that reads as one of ``names`` (folded full names) as « … »;
    the whole text as « … » when its words cannot be lined up with the folded text that named
    someone (a letter folded otherwise here than in SQL): a name is never left in by doubt."""
    text = unicodedata.normalize("NFC", text)
    spans: list[tuple[int, int]] = []
    for elided in (False, True):
        words = _words(text, elided)
        # Each folded word, with the index of the written word it comes from.
        flat = [(i, word) for i, (_start, _end, folded) in enumerate(words) for word in folded]
        for name in {tuple(n.split()) for n in names}:
            for k in range(len(flat) - len(name) + 1):
                if tuple(word for _i, word in flat[k:k + len(name)]) == name:
                    spans.append((words[flat[k][0]][0], words[flat[k + len(name) - 1][0]][1]))
    if not spans:
        return WITHHELD
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):  # overlapping names (« Marie Roy Tremblay ») read as one « … »
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], WITHHELD]
        last = end
    return "".join(out) + text[last:]
