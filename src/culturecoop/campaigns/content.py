"""The messages: templates in French and English, per-locale event details, offline suggestions.

A member writes a subject, a preheader and a plain-text body per language; placeholders in
braces are filled per locale (``{event_date}`` → « samedi 12 décembre 2026 à 20 h 00 » or
"Saturday, December 12, 2026 at 8:00 p.m.", ``{event_price}`` → « 35,00 $ » or "$35.00").
The unsubscribe footer is always added by the sender, in the recipient's language.

Suggestions are rules over the event's metadata and the audience's gated profile: they run
offline and never see a person.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_currency

from culturecoop.errors import UserError
from culturecoop.i18n import _, count, current_language, gettext_in
from culturecoop.schema.taxonomy import GENRE_LABELS
from culturecoop.warehouse.engine import Warehouse

LANGUAGES = ("fr", "en")
LOCALES = {"fr": "fr_CA", "en": "en_CA"}
PLACEHOLDERS = ("event_title", "event_date", "event_price", "venue", "link", "member_name")
# The same placeholders by their French names: a French message reads « {titre} le {date} », and the
# page lists these to a French reader. Either name works in either language's message.
FRENCH_PLACEHOLDERS = {"titre": "event_title", "date": "event_date", "prix": "event_price", "salle": "venue",
                       "lien": "link", "membre": "member_name"}
_ENGLISH_TO_FRENCH = {english: french for french, english in FRENCH_PLACEHOLDERS.items()}
# Any name in braces, accented ones too: « {prénom} » is refused in one sentence, never sent as it is.
_PLACEHOLDER = re.compile(r"\{([^\W\d]\w*)\}")
# Anything else in braces (« {member_name:>50} », « { titre } », « {0} », « {} »): no placeholder, and
# sent as written it would reach every recipient with its braces.
_BRACED = re.compile(r"\{[^{}\n]*\}")
MAX_SUBJECT = 200
MAX_BODY = 50_000


def translator(language: str) -> Callable[[str], str]:
    """``t(message)`` in ``language`` (the catalogs' English ids)."""
    return lambda message: gettext_in(message, language)


@dataclass(frozen=True)
class EventInfo:
    """What a message may say about the promoted event."""

    event_id: str
    title: str | None
    starts_at: datetime | None
    venue: str | None
    price: float | None
    genres: tuple[str, ...]
    artists: tuple[str, ...]
    is_local: bool | None
    currency: str = "CAD"


def find_event(warehouse: Warehouse, member_id: str, event_id: str) -> EventInfo:
    """The member's event, from its announced programme or its past events."""
    rows = warehouse.query(
        "SELECT event_id, title, starts_at, venue, price, genres, artists, is_local FROM reco_upcoming_event "
        "WHERE member_id = ? AND event_id = ?", [member_id, event_id])
    if not rows:
        rows = warehouse.query(
            "SELECT e.event_id, e.title, e.starts_at, e.venue, "
            "(SELECT max(CAST(t.unit_price AS DOUBLE)) FROM ticket AS t WHERE t.member_id = e.member_id AND t.event_id = e.event_id) AS price, "
            "e.genres, e.artists, e.is_local FROM event AS e WHERE e.member_id = ? AND e.event_id = ?", [member_id, event_id])
    if not rows:
        raise UserError(_("Member {member} has no event {event}; choose one of its past or upcoming events.").format(
            member=member_id, event=event_id))
    r = rows[0]
    return EventInfo(r["event_id"], r["title"], r["starts_at"], r["venue"], None if r["price"] is None else float(r["price"]),
                     tuple(r["genres"] or ()), tuple(r["artists"] or ()), r["is_local"])


def placeholder_of(name: str) -> str | None:
    """The placeholder a name in braces stands for (``titre`` → ``event_title``), or None."""
    key = name.lower()
    return key if key in PLACEHOLDERS else FRENCH_PLACEHOLDERS.get(key)


def unfillable(texts: list[str | None], event: EventInfo | None) -> tuple[str, str] | None:
    """The first placeholder of ``texts`` (as written, e.g. « {titre} ») that the campaign would fill
    with nothing — an event's detail with no event promoted, or one the event lacks — and what is
    missing (``event``, ``event_date``, ``event_price``, ``venue``); None when every one has a value.
    Filled with nothing, « Ce soir : {titre} » reached people as « Ce soir : »."""
    for text in texts:
        for m in _PLACEHOLDER.finditer(text or ""):
            key = placeholder_of(m.group(1))
            if key not in ("event_title", "event_date", "event_price", "venue"):
                continue
            if event is None:
                return m.group(0), "event"
            if (key == "event_date" and event.starts_at is None) or (key == "event_price" and event.price is None) or (
                    key == "venue" and not event.venue):
                return m.group(0), key
    return None


def placeholder_names(language: str) -> str:
    """The placeholders as a reader of ``language`` writes them: « {titre}, {date}, … »."""
    names = [_ENGLISH_TO_FRENCH[p] for p in PLACEHOLDERS] if language == "fr" else list(PLACEHOLDERS)
    return ", ".join("{" + n + "}" for n in names)


def in_language(text: str, language: str) -> str:
    """A template's placeholders by their names in ``language`` (a French suggestion says {titre})."""
    if language != "fr":
        return text
    return _PLACEHOLDER.sub(lambda m: "{" + _ENGLISH_TO_FRENCH.get(m.group(1), m.group(1)) + "}", text)


def check_template(text: str, what: str, limit: int, *, one_line: bool = False) -> str:
    """The template, refused with one sentence when empty, too long or with an unknown placeholder; a
    ``one_line`` text (a subject, a preheader) also when it holds a line break or a control character."""
    text = (text or "").replace("\r\n", "\n").strip()
    names = placeholder_names(current_language())
    if not text:
        raise UserError(_("The {what} is empty; write it (placeholders: {names}).").format(what=what, names=names))
    if one_line and any(not (c.isprintable() or unicodedata.category(c) == "Zs") for c in text):  # « 20 h\u202f! » is one line
        # A subject is one header line: a line break was sent inside it, and recipients read it cut in two.
        raise UserError(_("The {what} holds a line break or a control character; write it on one line.").format(what=what))
    if len(text) > limit:
        raise UserError(_("The {what} is longer than {limit} characters; shorten it.").format(what=what, limit=count(limit)))
    unknown = sorted({m for m in _BRACED.findall(text)
                      if not (_PLACEHOLDER.fullmatch(m) and placeholder_of(m[1:-1]) is not None)})
    if unknown:
        raise UserError(_("The {what} uses {unknown}, which is not a placeholder; use {names}.").format(
            what=what, unknown=", ".join(unknown), names=names))
    # A brace left open or closed alone (« {member_name », « 20 % } ») was sent as written to every recipient.
    paired = {i for m in _BRACED.finditer(text) for i in (m.start(), m.end() - 1)}
    stray = next((i for i, c in enumerate(text) if c in "{}" and i not in paired), None)
    if stray is not None:
        # About twenty characters either side, in whole words.
        start, end = max(stray - 20, 0), stray + 21
        if start and not text[start - 1].isspace():
            start = next((i + 1 for i in range(start, stray) if text[i].isspace()), start)
        if end < len(text) and not text[end].isspace():
            end = next((i for i in range(end - 1, stray, -1) if text[i].isspace()), end)
        near = " ".join(text[start:end].split())
        raise UserError(_("The {what} has a brace that opens or closes no placeholder, in “{near}”; write each "
                          "placeholder whole between its braces ({names}), or remove the brace.").format(
            what=what, near=near, names=names))
    return text


def event_values(event: EventInfo | None, language: str, link: str | None, member_name: str) -> dict[str, str]:
    """Placeholder values in one language (dates and prices in its locale)."""
    locale = LOCALES[language]
    values = {"event_title": "", "event_date": "", "event_price": "", "venue": "", "link": link or "", "member_name": member_name}
    if event is None:
        return values
    values["event_title"] = event.title or event.event_id
    values["venue"] = event.venue or ""
    if event.starts_at is not None:
        # Babel's patterns say "à" / "at" in each locale (no catalog entry: "{date} at {time}" would
        # match any sentence with "at" in it when the web layer retranslates messages).
        pattern = "EEEE d MMMM y 'à' H 'h' mm" if language == "fr" else "EEEE, MMMM d, y 'at' h:mm a"
        values["event_date"] = format_datetime(event.starts_at, pattern, locale=locale)
    if event.price is not None:
        values["event_price"] = format_currency(event.price, event.currency, locale=locale)
    return values


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each placeholder, by its English or French name, replaced by its value."""
    return _PLACEHOLDER.sub(lambda m: values.get(placeholder_of(m.group(1)) or "", m.group(0)), text)


def footer(language: str, member_name: str, unsubscribe_url: str) -> str:
    t = translator(language)
    return "\n\n-- \n" + t(
        "You receive this e-mail from {member} through the culturecoop cultural data cooperative because you agreed, "
        "with {member} or another of its members, to receive their news. To stop every e-mail of the cooperative's "
        "members, one click is enough: {url}").format(
        member=member_name, url=unsubscribe_url)


def text_to_html(text: str, preheader: str, language: str = "fr") -> str:
    """A minimal HTML version of a plain-text message (paragraphs and links kept), in its language
    (a screen reader reads French with a French voice) and sized for a phone's mail app."""
    paragraphs = []
    for block in text.split("\n\n"):
        escaped = html.escape(block).replace("\n", "<br>\n")
        escaped = re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', escaped)
        paragraphs.append(f"<p>{escaped}</p>")
    hidden = f'<div style="display:none;max-height:0;overflow:hidden">{html.escape(preheader)}</div>' if preheader else ""
    head = ('<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head>')
    return f'<!doctype html><html lang="{language}">' + head + "<body>" + hidden + "\n".join(paragraphs) + "</body></html>"


def render(campaign: dict[str, Any], event: EventInfo | None, member_name: str, language: str,
           unsubscribe_url: str) -> dict[str, str]:
    """Subject, preheader, text and HTML of the campaign in one language (a preview or a send)."""
    values = event_values(event, language, campaign.get("link"), member_name)
    subject = fill(campaign[f"subject_{language}"], values)
    preheader = fill(campaign.get(f"preheader_{language}") or "", values)
    body = fill(campaign[f"body_{language}"], values) + footer(language, member_name, unsubscribe_url)
    return {"language": language, "subject": subject, "preheader": preheader, "text": body,
            "html": text_to_html(body, preheader, language)}


# -- suggestions ----------------------------------------------------------------------------------

def _genre(event: EventInfo | None, language: str) -> str | None:
    if event is None or not event.genres:
        return None
    label = GENRE_LABELS.get(event.genres[0])
    return (label[0] if language == "fr" else label[1]) if label else event.genres[0].replace("_", " ")


def suggest(event: EventInfo | None, audience: dict[str, Any], language: str) -> dict[str, Any]:
    """Subjects, a preheader and a body for the audience and event, by rules (no external service).
    Without an event the texts speak of the member's programme: an event placeholder would be
    empty in every message."""
    t = translator(language)
    kind = audience.get("kind")
    profile = audience.get("profile", {})
    segments = sorted(((r.get("patrons") or 0, r["segment"]) for r in profile.get("segment", [])), reverse=True)
    top_segment = segments[0][1] if segments and segments[0][0] else None
    own = {r["ownership"]: r.get("patrons") or 0 for r in profile.get("ownership", [])}
    mostly_new = own.get("new", 0) > own.get("own", 0)
    genre = _genre(event, language)
    subjects: list[str] = []
    intro = t("Hello,") + "\n\n"
    if event is None:
        if kind == "lapsed":
            subjects.append(t("We have missed you: see what is coming at {member_name}"))
            intro += t("It has been a while since your last visit, and the coming months have shows for you.") + "\n\n"
        if top_segment == "regulars":
            subjects.append(t("For our regulars, first: the coming season at {member_name}"))
        elif top_segment == "newcomers" or mostly_new:
            subjects.append(t("Discover {member_name}: the coming season"))
        subjects.append(t("What is on at {member_name}"))
        preheader = t("Our next shows, and tickets on sale now.")
        body = intro + t("Our programme for the coming months is on our ticketing page: {link}\n\nSee you soon,\n{member_name}")
        return _named(language, _unique(subjects)[:4], preheader, body)
    if kind == "lapsed":
        subjects.append(t("We have missed you: {event_title} is coming"))
    if kind == "genre" and genre:
        subjects.append(_given(t("For {genre} lovers: {event_title}"), genre=genre))
    if top_segment == "regulars":
        subjects.append(t("For our regulars, first: {event_title}"))
    elif top_segment == "newcomers" or mostly_new:
        subjects.append(t("Discover {event_title} on {event_date}"))
    elif top_segment == "big_spenders":
        subjects.append(t("The best seats for {event_title}"))
    if event.is_local:
        subjects.append(t("Made in Québec: {event_title}"))
    if event.artists:
        subjects.append(_given(t("Live on stage: {artist}, {event_date}"), artist=event.artists[0]))
    subjects.append(t("{event_title}: tickets are on sale"))
    # Placeholders only: the same in every language (and no catalog entry, which would match any
    # sentence with a comma when the web layer retranslates messages).
    preheader = t("{event_date}, {venue}. From {event_price}.") if event.price is not None else "{event_date}, {venue}."
    if kind == "lapsed":
        intro += t("It has been a while since your last visit, and we have a show for you.") + "\n\n"
    elif genre:
        intro += _given(t("If you like {genre}, this one is for you."), genre=genre) + "\n\n"
    details = t("{event_title}\n{event_date}\n{venue}\nFrom {event_price}") if event.price is not None else "{event_title}\n{event_date}\n{venue}"
    body = intro + details + "\n\n" + t("Tickets: {link}\n\nSee you soon,\n{member_name}")
    return _named(language, _unique(subjects)[:4], preheader, body)


def _named(language: str, subjects: list[str], preheader: str, body: str) -> dict[str, Any]:
    """A suggestion with its placeholders by their names in ``language``."""
    return {"language": language, "subjects": [in_language(s, language) for s in subjects],
            "preheader": in_language(preheader, language), "body": in_language(body, language)}


def _given(text: str, **values: str) -> str:
    """``text`` with the fields known now filled in; the message's placeholders ({event_title}…)
    stay for each recipient (``str.format`` would fail on them)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value.replace("{", "(").replace("}", ")"))
    return text


def _unique(texts: list[str]) -> list[str]:
    """The texts without repeats, in the order the rules found them."""
    return list(dict.fromkeys(texts))
