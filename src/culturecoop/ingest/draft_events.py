"""What tells the events apart in a draft: their start times, titles, numbers and language.

A day and an hour in two columns are joined; a bare "Date" beside a named purchase date is the
show's; without an event number, the title and start time name each event (a title told by the
start time where no header names one), else the start times or the file name do; a plain
"Language" beside the patron's preferred one is the event's.
"""

from __future__ import annotations

import re
from typing import Any

from culturecoop.folding import fold
from culturecoop.i18n import _, count, plural
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_builder import DraftBuilder, named
from culturecoop.ingest.draft_fit import column_score, shape_fit
from culturecoop.ingest.draft_preview import cell_filled
from culturecoop.ingest.profile import SECTION_COLUMN, SHEET_COLUMN, SHEET_TITLE_COLUMN
from culturecoop.ingest.shapes import Column, is_date_only, is_time_only
from culturecoop.ingest.source import unranked
from culturecoop.ingest.title_dates import date_in_text

# Columns that are never a show's title, though each start time may have one value of them.
# A date column's header that says nothing of what is dated, in the vendors' languages.
_BARE_DATES = ("date", "datum", "date heure", "date et heure", "data", "fecha", "dato", "data hora", "fecha hora",
               "data ora", "datum tijd", "dato tid")
# Header words of a column naming what was sold, where a show's date is often written (« Type de
# billet », « Lineitem name », « Produit », « Tarif », « Séance »).
_SOLD_WORDS = frozenset({"ticket", "billet", "tarif", "type", "item", "lineitem", "product", "produit", "article",
                         "variation", "categorie", "category", "seance", "session", "option", "formule", "prestation",
                         "entrada", "biglietto", "karte", "ticketart", "kategorie", "tipo", "offre", "offer"})
_PLACE_FIELDS = ("venue", "postal_code", "venue_postal_code", "patron_language", "currency", "channel", "status")
# A report's title block names its one show and its hall (« Manifestation : LES FOURBERIES DE SCAPIN »,
# « Salle : Théâtre municipal », "Event: …", "Venue: …"): the labels, folded, of each field.
_BLOCK_LABELS: dict[str, frozenset[str]] = {
    "event_title": frozenset({"manifestation", "spectacle", "evenement", "event", "event name", "show", "concert",
                              "titre", "title", "titre du spectacle", "nom de l evenement", "nom du spectacle",
                              "production", "veranstaltung", "evento", "espectaculo", "spettacolo"}),
    "venue": frozenset({"salle", "lieu", "venue", "location", "nom de la salle", "salle de spectacle",
                        "spielstatte", "ort", "sala", "lugar", "luogo"}),
}
_BLOCK_LINE = re.compile(r"^\s*(?P<label>[^:：]{2,40}?)\s*[:：]\s*(?P<value>\S.{0,118})$")


def choose_event_columns(builder: DraftBuilder) -> None:
    """Join a day column and an hour column into the purchase's or the event's time, then find
    the show's date, what names each event and the event's language where no header said them."""
    # A day column and an hour column apart ("Date" + "Heure"): the time is both, joined. An
    # hour whose header speaks of the purchase ("Heure d'achat") goes with the purchase date.
    times = [c for c in builder.columns if c.index not in builder.used and is_time_only(c)]
    purchase_words = vocab.EXCLUDE_WORDS["event_starts_at"]
    for name in ("purchased_at", "event_starts_at"):
        hours = [c for c in times if c.index not in builder.used
                 and bool(set(vocab.tokens(c.name)) & purchase_words) == (name == "purchased_at")]
        day = builder.mapped(name)
        if name == "purchased_at" and day is not None and is_date_only(day):
            # "Date" then "Time" (Square's item details): the purchase's hour sits beside its day,
            # unless its header speaks of the event.
            event_words = vocab.EXCLUDE_WORDS["purchased_at"]
            hours = [*hours, *(c for c in times if c.index == day.index + 1 and c.index not in builder.used
                               and c not in hours and not set(vocab.tokens(c.name)) & event_words)]
        if not hours or (day is not None and not is_date_only(day)) or isinstance(builder.columns_map.get(name), list):
            continue
        hour = hours[0]
        if day is None:
            days = [c for c in builder.columns if c.index not in builder.used and is_date_only(c)
                    and c.index < hour.index and not vocab.header_score("birth_date", c.name)]
            day = days[-1] if days else None
        if day is None:
            continue
        builder.columns_map[name] = {"join": [day.name, hour.name], "separator": " "}
        builder.used.update((day.index, hour.index))
        builder.note(f"columns.{name}", builder.columns_map[name],
                     _("the day and the hour are in two columns: they are joined"))
    _bare_date_is_the_shows(builder)
    _only_date_is_the_shows(builder)
    _event_from_sections(builder)
    _start_in_names(builder)
    if "event_id" not in builder.columns_map:
        _event_id_without_column(builder)
    _title_without_its_date(builder)
    _title_of_a_season(builder)
    _plain_language(builder)
    _from_the_title_block(builder)
    if "event_starts_at" not in builder.columns_map:
        # Eventbrite's orders, a shop's line items: sales with no show date. The cooperative dates
        # each event by its last sale; the member should know what that costs.
        builder.undecided.append(_("No column gives the events' dates: the cooperative will date each event by its "
                                   "last sale, so no event will be upcoming and sales paces end on that day. If a "
                                   "column gives the show's date, choose it for {field}; if your ticketing can add "
                                   "the event's date to this export, add it.").format(field=named("event_starts_at")))


def dates_of_one_name(builder: DraftBuilder) -> None:
    """Two date columns under one name (« Date » twice, numbered « Date (1) », « Date (2) » by
    ``source.ranked_names``: the show's and the sale's, as a spreadsheet's user heads both): the one of
    fewer moments is the show's start, the other the purchase. Read by their header alone, the first was
    the purchase whichever it was, and the show had no date."""
    bought = builder.mapped("purchased_at")
    if bought is None or "event_starts_at" in builder.columns_map or unranked(bought.name) == bought.name:
        return
    alike = [c for c in builder.columns if c.index != bought.index and unranked(c.name) == unranked(bought.name)
             and c.index not in builder.used and c.date_share >= 0.8]
    if bought.date_share < 0.8 or len(alike) != 1:
        return
    show, sale = sorted((bought, alike[0]), key=lambda c: c.distinct)
    if 2 * show.distinct > sale.distinct:
        return  # as many moments in each: which is which cannot be told
    if sale is not bought:
        builder.read_instead("purchased_at", sale, _("of two columns named alike, the one of many moments: each "
                                                     "purchase's"), check=True)
    builder.choose("event_starts_at", show, _("of two columns named alike, the one of a handful of moments for "
                                              "many rows: the show's"), check=True)


def _bare_date_is_the_shows(builder: DraftBuilder) -> None:
    # A bare "Date" left beside a purchase date its header names ("Date d'achat"), with fewer
    # values than the purchases have (one per performance): the show's date (Weezevent).
    # The purchase's header may say so in one word ("Besteldatum", "Köpdatum", "Kjøpstidspunkt").
    bought = builder.mapped("purchased_at")
    if "event_starts_at" in builder.columns_map or bought is None or vocab.fold(bought.name) in _BARE_DATES \
            or not (set(vocab.tokens(bought.name)) & vocab.EXCLUDE_WORDS["event_starts_at"]
                    or vocab.header_score("purchased_at", bought.name) >= 0.9):
        return
    for c in builder.columns:
        if c.index not in builder.used and vocab.fold(c.name) in _BARE_DATES \
                and c.date_share >= 0.8 and c.distinct < bought.distinct:
            builder.choose("event_starts_at", c, _("a plain date beside the purchase's, with one value for many "
                                                   "purchases: the event's"), check=True)
            return


def _only_date_is_the_shows(builder: DraftBuilder) -> None:
    """A booking list with one date, a bare « Date » (and its « Heure »), holding a handful of days
    for many rows (« Di 22.11.2026 17h00 » beside « Concert »): the show's date, not each purchase's.
    Read as the purchase's, the performances of one title were one event with no date. It becomes the
    event's start; the purchase is dated by it too, which the member is asked to check."""
    spec = builder.columns_map.get("purchased_at")
    if "event_starts_at" in builder.columns_map or spec is None:
        return
    names = [spec] if isinstance(spec, str) else spec.get("join", []) if isinstance(spec, dict) else []
    day = builder.column(names[0]) if names else None
    rows = len(builder.sample.rows)
    if day is None or vocab.fold(day.name) not in _BARE_DATES or rows < 20 or (is_date_only(day) and len(names) < 2):
        return  # a day without its hour: purchases over a few days look the same
    moments = {tuple(builder.spec_cells(row, spec)) for row in builder.sample.rows} - {()}
    if len(moments) > max(3, rows // 10):
        return  # purchases, each at its own minute
    builder.columns_map["event_starts_at"] = spec
    builder.note("columns.event_starts_at", spec, _("a plain date with a handful of days for many rows: the "
                                                    "show's"), check=True)
    builder.evidence = [e for e in builder.evidence if e.key != "columns.purchased_at"]
    builder.note("columns.purchased_at", spec, _("no column gives the purchase date: each ticket is dated by its "
                                                 "show"), check=True)
    builder.undecided.append(_("No column gives the purchase date: each ticket is dated by its show, so the sales "
                               "paces of these events mean nothing. If your list keeps the booking date, choose "
                               "it for {field}.").format(field=named("purchased_at")))


def _title_without_its_date(builder: DraftBuilder) -> None:
    """The show's name as a column of its own, beside a performance column that writes it with its
    date (SecuTix's « Produit » « Le Dragon d'or » beside « Séance » « Le Dragon d'or - 2026-12-03
    20:00 »): the title is the name alone, so that every performance of the play shares it."""
    title = builder.mapped("event_title")
    if title is None or not isinstance(builder.columns_map.get("event_title"), str):
        return
    for c in builder.columns:
        if c.index in builder.used or c.index == title.index or column_score("event_title", c) <= 0:
            continue
        pairs = [((row[c.index] or "").strip(), (row[title.index] or "").strip()) for row in builder.sample.rows
                 if c.index < len(row) and title.index < len(row) and (row[title.index] or "").strip()]
        within = sum(1 for short, long in pairs if short and len(short) < len(long) and long.startswith(short))
        if pairs and within >= 0.9 * len(pairs):
            if title.name not in _event_id_columns(builder):
                builder.used.discard(title.index)
            builder.choose("event_title", c, _("{column} writes the same name with its date: this column, the name "
                                               "alone, is the title").format(column=title.name))
            return


# A campaign's or a form's name (HelloAsso's « Campagne »), one for a season of shows.
_CAMPAIGN_WORDS = frozenset({"campagne", "campaign", "formulaire", "form", "collecte", "billetterie", "saison",
                             "season", "programmation", "programme"})
_SEASON = re.compile(r"\b(?:saison|season|programmation|abonnements?|billetterie)\b|\b20\d\d\s*[-/]\s*(?:20)?\d\d\b")


def _title_of_a_season(builder: DraftBuilder) -> None:
    """A campaign's name as the title (HelloAsso's « Campagne » « Saison culturelle 2025-2026 ») beside what was
    sold with its show and date (« Tarif plein - Le Misanthrope - 14 mars 2026 »): one name for shows on
    several days names the season, not a show. The title is then what was sold (its tariff words are left out of
    the titles, ``title_boilerplate``); the events stay told apart by their dates."""
    title = builder.mapped("event_title")
    starts = builder.columns_map.get("event_starts_at")
    texts = starts.get("in_text") if isinstance(starts, dict) and "column" not in starts else None
    sold = builder.column(texts) if isinstance(texts, str) else None
    if (title is None or sold is None or sold.index == title.index or title.distinct != 1
            or not isinstance(builder.columns_map.get("event_title"), str)):
        return
    name = title.values[0]
    if not (set(vocab.tokens(title.name)) & _CAMPAIGN_WORDS or _SEASON.search(fold(name))):
        return
    days = {day for v in sold.values if (day := date_in_text(v, True) or date_in_text(v, False)) is not None}
    if len(days) < 2:
        return
    builder.columns_map["event_title"] = sold.name
    builder.used.add(sold.index)
    builder.note("columns.event_title", sold.name, _("{column} names every show alike (“{name}”), a season on "
                                                     "several days: what {sold} names is each show's title").format(
        column=title.name, name=name, sold=sold.name), check=True)


def _event_id_columns(builder: DraftBuilder) -> list[str]:
    return [c.name for c in builder.columns_of(builder.columns_map.get("event_id", []))]


def _plain_language(builder: DraftBuilder) -> None:
    # "Language" beside "Preferred Language": the patron's is said, so the plain one is the event's.
    if "event_language" in builder.columns_map or "patron_language" not in builder.columns_map:
        return
    for c in builder.columns:
        if c.index not in builder.used and vocab.fold(c.name) in ("language", "langue", "lang") \
                and shape_fit("event_language", c) > 0:
            builder.choose("event_language", c, _("a plain language column beside the patron's preferred "
                                                  "language: the event's"), check=True)
            return


def _event_id_without_column(builder: DraftBuilder) -> None:
    starts = builder.columns_map.get("event_starts_at")
    keys = [tuple(builder.spec_cells(row, starts)) for row in builder.sample.rows] if starts is not None else []
    if "event_title" not in builder.columns_map and starts is not None:
        _title_told_by_the_start(builder, keys)
    texts = starts.get("in_text") if isinstance(starts, dict) and "column" not in starts else None
    sold = builder.column(texts) if isinstance(texts, str) else None
    if "event_title" not in builder.columns_map and sold is not None and sold.distinct >= 1:
        # Yurplan's « Billet »: « Festival des Cabanes – Samedi 12 sept. 2026 », what was sold with its
        # date, and no column naming the show: each of its values is one event, titled by it — one
        # value too (an export of one concert was titled after its file, « helloasso-participants »).
        builder.columns_map["event_title"] = sold.name
        builder.note("columns.event_title", sold.name, _("no column names the show, and {column} names what was sold "
                                                         "with its date: each of its values is one event").format(
            column=sold.name), check=True)
    title = builder.columns_map.get("event_title")
    if isinstance(title, str):
        # A start read in the title tells the title's events apart already; in another column, it joins.
        read_first = [c.name for c in builder.columns_of(starts) if c.name != title] if starts is not None else []
        # A column of dates without their year (« 14/02 ») is read as text, but tells performances apart too.
        texts = starts.get("in_text", []) if isinstance(starts, dict) else []
        read_first += [n for n in ([texts] if isinstance(texts, str) else texts) if n != title and n not in read_first]
        spec: Any = {"join": [title, *read_first], "separator": " "} if read_first else title
        builder.columns_map["event_id"] = spec
        builder.note("columns.event_id", spec, _("no column holds an event number: the title (and start time) "
                                                 "name each event"), check=True)
        return
    stem = builder.sample.path.stem
    if starts is not None and len(set(keys) - {()}) > 1:
        # No title, but several start times: each start is one event (the file names them all).
        builder.columns_map["event_id"] = starts
        builder.columns_map.setdefault("event_title", {"file_name": True})
        builder.note("columns.event_id", starts, _("no column names the event and the rows start at "
                                                   "several times: each start time is one event"), check=True)
        builder.undecided.append(_starts_titled_by_the_file(stem))
        return
    digits = re.search(r"\d{5,}", stem)
    spec = {"file_name": "(\\d{5,})"} if digits else {"file_name": True}
    builder.columns_map["event_id"] = spec
    shown = digits.group(0) if digits else stem
    builder.note("columns.event_id", spec, _("no column names the event: every row is taken as one event, "
                                             "named {name} from the file name").format(name=shown), check=True)
    builder.undecided.append(_("The export has no event column: every row is counted as one event named from "
                               "the file name ({name}); if the file holds several events, choose for {field} the "
                               "column that tells them apart.").format(name=shown, field=named("event_id")))


def _starts_titled_by_the_file(stem: str) -> str:
    return _("The export has no event column: each start time is counted as one event, titled from the file "
             "name ({name}); if a column names the shows, choose it for {field}.").format(name=stem, field=named("event_title"))


def block_values(above: list[list[str]]) -> dict[str, str]:
    """What a report's title block (the lines above its header, as their non-blank cells) says of
    its one show and hall: the field's value for each « Label : value » cell, or « Label : » cell
    followed by its value's, whose label names it; the first kept."""
    found: dict[str, str] = {}
    for cells in above:
        for i, cell in enumerate(cells):
            matched = _BLOCK_LINE.match(cell)
            if matched is not None:
                label, value = matched["label"], matched["value"]
            elif cell.rstrip().endswith((":", "：")) and i + 1 < len(cells):
                label, value = cell.rstrip()[:-1], cells[i + 1]
            else:
                continue
            if not re.search(r"[^\W\d_]", value) or len(value) > 120:
                continue
            folded = vocab.fold(label).strip()
            for name, labels in _BLOCK_LABELS.items():
                if folded in labels:
                    found.setdefault(name, value.strip())
    return found


def _from_the_title_block(builder: DraftBuilder) -> None:
    """The show's title and hall a title block names, where no column gives them: the title in place
    of the file's name (an « état des ventes » of one show, titled « LES FOURBERIES DE SCAPIN », was
    titled « francebillet-etat-des-ventes »), the hall for every row."""
    said = block_values(builder.sample.above)
    title = said.get("event_title")
    if title is not None and builder.columns_map.get("event_title", {"file_name": True}) == {"file_name": True}:
        builder.columns_map["event_title"] = {"value": title}
        builder.note("columns.event_title", builder.columns_map["event_title"],
                     _("no column names the show, and the line above the header does: « {value} »").format(value=title),
                     check=True)
        told = _starts_titled_by_the_file(builder.sample.path.stem)
        builder.undecided[:] = [u for u in builder.undecided if u != told]
    venue = said.get("venue")
    if venue is not None and "venue" not in builder.columns_map:
        builder.columns_map["venue"] = {"value": venue}
        builder.note("columns.venue", builder.columns_map["venue"],
                     _("no column names the venue, and the line above the header does: « {value} »").format(value=venue),
                     check=True)


def _title_told_by_the_start(builder: DraftBuilder, keys: list[tuple[str, ...]]) -> None:
    """A column of words that each start time (``keys``: each sampled row's) determines (a
    "Programme" column beside its "Séance"), with several values, not a person's nor a place's:
    the show's title, when no header names one. Among several, the one that tells most events
    apart, else the first."""
    if len(set(keys)) < 2 or len(keys) < 1.5 * len(set(keys)):
        return  # one start, or starts with a row each: nothing to tell a title by
    found: list[tuple[int, int, Column]] = []
    for c in builder.columns:
        if c.index in builder.used or c.fill < 0.9 or c.distinct < 2 or shape_fit("event_title", c) < 1.0 \
                or vocab.header_role(c.name) or c.share("postcode") > 0.1 \
                or any(vocab.header_score(f, c.name) > 0 for f in _PLACE_FIELDS):
            continue
        seen: dict[tuple[str, ...], set[str]] = {}
        for key, row in zip(keys, builder.sample.rows, strict=True):
            if key and cell_filled(row, c.index):
                seen.setdefault(key, set()).add((row[c.index] or "").strip())
        if seen and all(len(v) == 1 for v in seen.values()):
            found.append((-c.distinct, c.index, c))
    if found:
        column = min(found, key=lambda t: t[:2])[2]
        builder.choose("event_title", column, _("no header names the show, but each start time has one value "
                                                "of this column: the show's title"), check=True)


def _dated(texts: list[str]) -> list[str]:
    """The texts that write a date (day first or month first)."""
    return [t for t in texts if date_in_text(t, True) is not None or date_in_text(t, False) is not None]


def _event_from_sections(builder: DraftBuilder) -> None:
    """No column naming the show, but a list kept by hand that names each show on a line of its own
    above its rows (``(section)``), or a workbook read sheet by sheet (one sheet per performance):
    each section or sheet is an event, named by it, titled by it (a sheet by the title written above
    its header), and dated by the first text that writes a date (« SPECTACLE DU 27 NOVEMBRE 2026 –
    20 h », « Sam 10 oct 20h30 »; a year not written comes from the performance's first sale)."""
    section, sheet, title = (builder.column(SECTION_COLUMN), builder.column(SHEET_COLUMN),
                             builder.column(SHEET_TITLE_COLUMN))
    if "event_id" in builder.columns_map \
            or builder.columns_map.get("event_title", SHEET_TITLE_COLUMN) != SHEET_TITLE_COLUMN:
        return  # a column names the show: its title (and start) name each event
    if section is not None:
        builder.choose("event_id", section, _("no column names the show, and a line above its rows does: that "
                                              "line's text names it"), check=True)
        builder.choose("event_title", section, _("the line above the show's rows"), check=True)
        dated_in = [section]
    elif sheet is not None and builder.sample.settings.get("sheets") == "all":
        builder.choose("event_id", sheet, _("no column names the show, and each sheet holds one: the sheet's name "
                                            "names it"), check=True)
        titled = title is not None and title.fill >= 0.9
        builder.choose("event_title", title if titled and title is not None else sheet,
                       _("the title written above each sheet's table") if titled else _("the sheet's name"), check=True)
        dated_in = [sheet, *([title] if title is not None else [])]
    else:
        return
    if "event_starts_at" in builder.columns_map:
        return
    for column in dated_in:
        dated = _dated(column.values)
        if dated and len(dated) >= 0.5 * len(column.values):
            builder.columns_map["event_starts_at"] = {"in_text": column.name}
            builder.note("columns.event_starts_at", {"in_text": column.name},
                         _("the date is written in {column} (“{example}”)").format(column=column.name, example=dated[0]),
                         check=True)
            return


def _start_in_names(builder: DraftBuilder) -> None:
    """No column gives the events' start (or the one that does is empty on some rows), but the event
    names (or the names of what was sold: ticket types, products) write a date on most rows that
    need one: the start is read there (``title_dates``), where the start column is empty."""
    starts = builder.columns_map.get("event_starts_at")
    if starts is not None and not isinstance(starts, str):
        return
    start_column = builder.mapped("event_starts_at")
    # A broken line (an unclosed quote swallowing the next cells) says nothing of the names.
    rows = [row for row in builder.sample.rows if len(row) == len(builder.sample.header)]
    wanting = [row for row in rows if start_column is None or not cell_filled(row, start_column.index)]
    if not wanting or (start_column is not None and (len(wanting) < 2 or len(wanting) < 0.05 * len(rows))):
        return
    title = builder.mapped("event_title")
    # A column named for the show's date whose dates carry no year (« 14/02 » in a list kept by hand)
    # is no column of dates: its dates are read as in a name, each taking its year from the sales.
    yearless = [c for c in builder.columns if starts is None and c.index not in builder.used and c.fill >= 0.5
                and vocab.header_score("event_starts_at", c.name) > 0 and c.date_share < 0.5]
    candidates = [*yearless, *([title] if title is not None else [])]
    candidates += [c for c in builder.columns if c.index not in builder.used and c.fill >= 0.5
                   and set(vocab.tokens(c.name)) & _SOLD_WORDS
                   and (shape_fit("event_title", c) > 0 or any(is_pass(v) for v in c.values))]
    for column in candidates:
        texts = [(row[column.index] or "").strip() for row in wanting if cell_filled(row, column.index)]
        dated = _dated(texts)
        # A festival's day tickets beside its passes (« Samedi 11 juillet 2026 », « Pass 3 jours »): a pass is
        # one ticket of an event of its own, the pass, never one per day (``is_pass``).
        sold_once = sum(1 for t in texts if is_pass(t) and t not in dated) if len(dated) >= 0.2 * len(wanting) else 0
        if not dated or len(dated) + sold_once <= 0.5 * len(wanting):
            continue
        spec: Any = {"in_text": column.name} if starts is None else {"column": starts, "in_text": column.name}
        builder.columns_map["event_starts_at"] = spec
        builder.used.add(column.index)
        example = dated[0] if len(dated[0]) <= 70 else dated[0][:67] + "…"
        builder.note("columns.event_starts_at", spec, _("the date is written in {column} (“{example}”)").format(
            column=column.name, example=example), check=True)
        passes = sorted({t for t in texts if is_pass(t) and t not in dated})
        if passes:
            builder.undecided.append(plural(
                len(passes), "{labels} in {column} names a pass, sold once for several days or shows: each is one "
                "ticket of an event of its own (the pass), never one per day, and its holder one patron; no day "
                "is written for it, so its event has no date.",
                "{labels} in {column} name passes, each sold once for several days or shows: each is one ticket "
                "of an event of its own (the pass), never one per day, and its holder one patron; no day is "
                "written for them, so their events have no date.").format(
                labels=", ".join(f"« {p} »" for p in passes[:6]), column=column.name))
        if column in yearless:
            builder.undecided.append(_("«{column}» writes the shows' dates without their year (“{example}”): each "
                                       "takes the year of its first sale (the first such day on or after it). Check a "
                                       "few in the preview.").format(column=column.name, example=example))
        elif starts is None:
            builder.undecided.append(_("The events' dates are written in their names (“{example}”): the "
                                       "cooperative will read them there. Check a few in the preview; if a column "
                                       "gives the show's date, choose it for {field}.").format(
                example=example, field=named("event_starts_at")))
        else:
            builder.undecided.append(_("{column} is empty on some rows, whose events' names write their date "
                                       "(“{example}”): the cooperative will read it there for them.").format(
                column=starts, example=example))
        return


# Several days written where one start is: two dates (« 10/07/2026 - 12/07/2026 »), or days listed or ranged
# before their month (« du 10 au 12 juillet », « Sam. 11 et dim. 12 juillet 2026 », « 10-12/07 »): a pass.
_DAYS_LISTED = re.compile(
    r"(?<![\d/.:])[0-3]?\d(?:er)?(?:\s*,\s*(?:[a-z]{2,9}\.?\s+)?[0-3]?\d(?:er)?)*"
    r"\s*(?:[-–—&+]|\bau\b|\bet\b|\bto\b|\band\b|\bbis\b|\bund\b|\bal\b|\by\b)\s*"
    r"(?:[a-z]{2,9}\.?\s+)?[0-3]?\d(?:er)?(?:\s+[a-z]{3,}|[/.][01]?\d\b)")
_TWO_DATES = re.compile(r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\s*(?:[-–—&+,]|\bau\b|\bet\b|\bto\b|\band\b|\bbis\b|\bund\b)"
                        r"\s*(?:[a-z]{2,9}\.?\s+)?\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")


# What names a pass or a subscription, sold once for several days or shows (folded words).
_PASS_WORDS = frozenset({"pass", "forfait", "abonnement", "abonnements", "abo", "saison", "season",
                         "subscription", "week end", "weekend", "festival pass", "full pass", "tous les jours",
                         "toutes les soirees", "all days", "multi jours", "multijours", "package"})
_PASS_DAYS = re.compile(r"\b\d\s*(?:jours|days|soirees|nights|concerts|spectacles|shows|tage)\b")


def is_pass(value: str) -> bool:
    """True for what names a pass or a subscription (« Pass 3 jours », « Abonnement saison », « Forfait
    week-end », "3-Day Pass"): a ticket for several days or shows, which is one sale of its own event."""
    folded = fold(value).replace("-", " ")
    words = set(folded.split())
    return bool(words & _PASS_WORDS or "week end" in folded or _PASS_DAYS.search(folded))


def say_seats_per_show_columns(builder: DraftBuilder) -> None:
    """Columns named after dated shows that count seats (« Tartuffe 14/03/2026 », « Phèdre 21/03/2026 » holding
    « 2 », « 1 »): a table of seats per show, one column per show, which no mapping reads as tickets. Said first,
    with the export to ask for, rather than read as one event named after the file."""
    shows = [c for c in builder.columns if c.index not in builder.used and c.values and date_in_text(c.name) is not None
             and all(v.strip().isdigit() and int(v) < 1000 for v in c.values)]
    if len(shows) < 2:
        return
    # The rows the member is to make: one per person and show with seats.
    rows = sum(1 for c in shows for v in c.values if int(v) > 0)
    builder.undecided.insert(0, plural(
        rows, "The columns {columns} are named after dated shows and count seats: a table of seats per show, which "
        "cannot be read as tickets (every row would count one ticket of one event). In your spreadsheet, make one "
        "row per person and show booked ({n} row for this sample): the person's name and e-mail, a column "
        "« Spectacle » with the show's name, a column « Date du spectacle » with its date, a column « Places » with "
        "the number of its cell and a column « Prix » with one seat's price; then delete the show columns, save as "
        "CSV and draft the mapping again from it (or export from your ticketing one row per ticket or order, naming "
        "its show).",
        "The columns {columns} are named after dated shows and count seats: a table of seats per show, which "
        "cannot be read as tickets (every row would count one ticket of one event). In your spreadsheet, make one "
        "row per person and show booked ({n} rows for this sample): the person's name and e-mail, a column "
        "« Spectacle » with the show's name, a column « Date du spectacle » with its date, a column « Places » with "
        "the number of its cell and a column « Prix » with one seat's price; then delete the show columns, save as "
        "CSV and draft the mapping again from it (or export from your ticketing one row per ticket or order, naming "
        "its show).").format(columns=", ".join(f"« {c.name} »" for c in shows[:4]), n=count(rows)))


def writes_several_days(value: str) -> bool:
    """True for a start that writes several days (a pass: ``_DAYS_LISTED``, ``_TWO_DATES``) whose first
    ``title_dates`` reads."""
    folded = fold(value)
    return bool(_TWO_DATES.search(folded) or _DAYS_LISTED.search(folded)) and date_in_text(value) is not None


def starts_of_passes(builder: DraftBuilder) -> list[str]:
    """The event starts of the sample that write several days (a festival's « Pass 3 jours » sold once for
    « 10/07/2026 - 12/07/2026 »): the start column is then read as dates and, where it writes several days,
    as a name's date is, from its first day (``title_dates``). Each such ticket stays one ticket, of its own
    event (the pass), never one per day. Returns those values (no format is to read them)."""
    starts = builder.columns_map.get("event_starts_at")
    column = builder.column(starts) if isinstance(starts, str) else None
    if column is None:
        return []
    passes = [v for v in column.values if writes_several_days(v)]
    if not passes:
        return []
    spec = {"column": column.name, "in_text": column.name}
    builder.columns_map["event_starts_at"] = spec
    builder.evidence = [e for e in builder.evidence if e.key != "columns.event_starts_at"]
    builder.note("columns.event_starts_at", spec, plural(
        len(passes), "{n} value of {column} writes several days (“{example}”), as a pass does: such a ticket is one "
        "ticket of its own event, dated on its first day",
        "{n} values of {column} write several days (“{example}”), as passes do: each such ticket is one ticket of "
        "its own event, dated on its first day").format(n=count(len(passes)), column=column.name, example=passes[0]),
        check=True)
    return passes
