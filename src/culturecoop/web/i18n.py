"""French and English in the web layer: per-request translation, numbers and dates by locale.

The process-wide language of ``culturecoop.i18n`` does not fit a server where every request has
its own: web code marks messages with ``_`` (a no-op that the extraction test sees) and
translates them when a page or an error is rendered, with the reader's language.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import cache
from typing import Any

from babel.lists import format_list

from culturecoop.analytics import wording
from culturecoop.i18n import LANGUAGES, format_regex, gettext_in, plural_in
from culturecoop.i18n import retranslate as said_in


def _(message: str) -> str:
    """Mark ``message`` for translation; it is translated when rendered (see ``Translator``)."""
    return message


# A value quoted back in a sentence is cut beyond this many characters without a space.
LONGEST_QUOTED = 80
LONGEST_SAID = 1000  # a sentence longer than this keeps its start and its end (what to do)
_LONG_RUN = re.compile(r"\S{" + str(LONGEST_QUOTED + 1) + ",}")


def _shown(char: str) -> str:
    """A character as a sentence shows it: a control or a direction mark (typed in a form, sent in
    an address: NUL, U+202E) as �, so that it neither breaks nor reorders the sentence."""
    return "\ufffd" if unicodedata.category(char) in ("Cc", "Cf") and char not in "\t\n" else char


def readable(message: str) -> str:
    """An error sentence as the reader sees it, whatever value it quotes: no control or direction
    character, no run of more than ``LONGEST_QUOTED`` characters (a 100 kB identifier is said by
    its start and « … »), and at most ``LONGEST_SAID`` characters in all."""
    text = "".join(_shown(c) for c in message) if not message.isprintable() else message
    text = _LONG_RUN.sub(lambda m: m.group(0)[:LONGEST_QUOTED - 20] + "…", text)
    if len(text) > LONGEST_SAID:
        text = text[:LONGEST_SAID // 2] + " … " + text[-(LONGEST_SAID // 2 - 3):]
    return text


# A service's advice for the command line, as the dashboard says it: its reader (venue staff, a
# member's analyst) has no terminal, and what the command does is the cooperative's to do or is on a page.
COMMAND_ADVICE = (
    ("No recommendation model is trained yet: run `culturecoop reco train --db FILE` first.",
     _("The cooperative has not computed its recommendations yet (it does so once its members' packages are loaded): "
       "this tab fills in then.")),
    ("No patron is linked across members yet, so cross-member reports have nothing to compare: run `culturecoop link --db {db}` first.",
     _("No patron is linked across members yet, so cross-member reports have nothing to compare: the cooperative links "
       "them once its members' packages are loaded.")),
    ("No patron is linked across members yet, so there is no pooled history to learn from: run `culturecoop link --db FILE` first.",
     _("No patron is linked across members yet, so there is no pooled history to learn from: the cooperative links "
       "them once its members' packages are loaded.")),
    ("The warehouse holds no ticket yet; load packages with `culturecoop ingest` first.",
     _("The cooperative holds no ticket yet: send a package on the Data page.")),
)
# A service's advice its tab cannot follow, as the dashboard says it: the sales pace tab has no period to change.
TAB_ADVICE = (
    ("Fewer than {n} comparable past events in the period: no forecast; start the period earlier to compare with more events.",
     _("Fewer than three comparable past events: no forecast yet; it comes once your exports hold more of your past events.")),
)
# A service's advice written for a mapping's YAML (« `consent_defaults: {pooling: true}` »), as the dashboard
# says it: its reader sets consent in the member app's form. Each keeps its sentence's fields.
MAPPING_ADVICE = (
    ("No patron of yours agreed to pooling between {start} and {end}, so there is nothing to compare with other members: "
     "cross-member reports count only patrons who did. If your terms of sale allow it, state it in your mapping "
     "(`consent_defaults: {{pooling: true}}` with its `consent_basis`) and prepare your export again.",
     _("No patron of yours agreed to pooling between {start} and {end}, so there is nothing to compare with other members: "
       "cross-member reports count only patrons who did. If your terms of sale allow it, choose \"given\" for pooling in the "
       "member app's consent section, with its basis, then prepare your export again and send it on the Data page.")),
    ("No patron of yours, nor of any other member, agreed to pooling between {start} and {end}: the cooperative's figures "
     "count only patrons who did. If your terms of sale allow it, state it in your mapping (`consent_defaults: "
     "{{pooling: true}}` with its `consent_basis`) and prepare your export again.",
     _("No patron of yours, nor of any other member, agreed to pooling between {start} and {end}: the cooperative's figures "
       "count only patrons who did. If your terms of sale allow it, choose \"given\" for pooling in the member app's "
       "consent section, with its basis, then prepare your export again and send it on the Data page.")),
)
# « (the Target audience tab, or `culturecoop reco programme`) »: the page's way is kept, the command left out.
_OR_COMMAND = re.compile(r",? (?:or|ou) (?:with |avec )?`culturecoop [^`]*`")


@cache
def _advice_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(format_regex(theirs)[0] + r"\Z", re.DOTALL), ours) for theirs, ours in COMMAND_ADVICE + TAB_ADVICE]


@cache
def _mapping_patterns(language: str) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(format_regex(gettext_in(theirs, language))[0] + r"\Z", re.DOTALL), ours) for theirs, ours in MAPPING_ADVICE]


def retranslate(message: str, language: str) -> str:
    """A service's sentence (in the process language, or a library's English) in ``language``, as the
    dashboard says it: command-line advice (``COMMAND_ADVICE``) and a mapping's (``MAPPING_ADVICE``)
    in the dashboard's words."""
    english = said_in(message, "en")
    for pattern, ours in _advice_patterns():
        if pattern.match(english):
            return gettext_in(ours, language)
    said = said_in(message, language)
    for pattern, ours in _mapping_patterns(language):
        if found := pattern.match(said):
            return gettext_in(ours, language).format(**found.groupdict())
    return _OR_COMMAND.sub("", said)


def pick_language(value: str | None, default: str = "fr") -> str:
    return value if value in LANGUAGES else default


def language_asked(accept_language: str | None) -> str | None:
    """The language of fr/en an Accept-Language header prefers (its q-values weighed: « en;q=0.2,
    fr » is French; a language given q=0 is refused), or None when it names neither."""
    best: tuple[float, int, str] | None = None
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.partition(";")
        code = tag.strip().lower()[:2]
        quality = 1.0
        found = re.search(r"q\s*=\s*([0-9.]+)", params)
        if found:
            try:
                quality = float(found.group(1))
            except ValueError:
                continue
        if code in LANGUAGES and quality > 0 and (best is None or (quality, -n) > (best[0], best[1])):
            best = (quality, -n, code)
    return best[2] if best else None


def language_from_header(accept_language: str | None, default: str) -> str:
    """The language of fr/en an Accept-Language header prefers, else ``default``."""
    return language_asked(accept_language) or default


class Translator:
    """Messages, numbers and dates in one language; handed to every template as ``_`` etc."""

    def __init__(self, language: str, currency: str = "CAD") -> None:
        self.language = pick_language(language)
        self.locale = wording.locale_of(self.language)
        self.currency = currency  # how amounts are written: the member's currency

    def in_currency(self, currency: str | None) -> Translator:
        """The same translator writing amounts in ``currency`` (itself when it already does)."""
        return self if not currency or currency == self.currency else Translator(self.language, currency)

    @property
    def currency_symbol(self) -> str:
        return wording.currency_symbol(self.currency, self.language)

    def __call__(self, message: str, **fields: Any) -> str:
        text = gettext_in(message, self.language)
        return text.format(**fields) if fields else text

    def plural(self, n: Any, one: str, other: str, **fields: Any) -> str:
        """The sentence about ``n`` things in this language, its ``{n}`` written the reader's way:
        « 0 client a consenti », "0 patrons agreed" (``culturecoop.i18n.plural_in``)."""
        value = int(n or 0)
        return plural_in(value, one, other, self.language).format(n=self.number(value), **fields)

    def plural_of(self, figure: float, digits: int, one: str, other: str, **fields: Any) -> str:
        """The sentence about a figure written with ``digits`` decimals, in the form it takes: French
        takes the singular below 2 (« 0,5 point », « 1,5 point »), English the plural for any written
        decimal ("0.5 points", "1.0 points"); ``fields`` fill it (the figure as written among them)."""
        if self.language == "fr":
            count = min(2, int(abs(round(float(figure), digits))))
        else:
            count = 2 if digits else int(abs(round(float(figure))))
        return plural_in(count, one, other, self.language).format(**fields)

    def number(self, value: Any, digits: int = 0) -> str:
        return wording.number(value, self.language, digits)

    def money(self, value: Any, currency: str | None = None, whole: bool = False) -> str:
        return wording.money(value, self.language, currency or self.currency, whole)

    def percent(self, value: Any, digits: int = 1) -> str:
        return wording.percent(value, self.language, digits)

    def signed_percent(self, value: Any, digits: int = 0) -> str:
        return wording.signed_percent(value, self.language, digits)

    def date(self, value: Any) -> str:
        """A time as « 12 nov. 2026 à 14 h 03 », a day as « 12 nov. 2026 »."""
        if isinstance(value, str) and len(value) > 10:
            return wording.moment(value, self.language)
        if isinstance(value, datetime):
            return wording.moment(value, self.language)
        return wording.day(value, self.language)

    def day(self, value: Any) -> str:
        return wording.day(value, self.language)

    def starts(self, value: Any) -> str:
        """When something starts (an event, a proposal): the day and time, or the day alone at
        midnight (programmes that give days without times are read at midnight)."""
        try:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            return str(value or "")
        return self.day(moment.date()) if (moment.hour, moment.minute) == (0, 0) else self.date(moment)

    def month(self, value: Any) -> str:
        return wording.month(value, self.language)

    def relabel(self, text: str) -> str:
        """A label a report wrote in the server's language, in this reader's language."""
        return wording.relabel(text, self.language)

    def label(self, kind: str, code: Any) -> str:
        """A report's code (genre, segment, distance...) in words (``analytics.wording``)."""
        return wording.label(kind, code, self.language, self.currency)

    def any_of(self, kind: str, codes: Any) -> str:
        """Codes of one kind by their names, as a reader is offered a choice: « Habitués, Explorateurs
        ou Occasionnels » (a page never shows the codes an API sends)."""
        return format_list([self.label(kind, code) for code in codes], style="or", locale=self.locale)


def translate_exact(text: str, language: str) -> str:
    """A label a service translated in the process language, in ``language`` (exact match only)."""
    return wording.relabel(text, language)
