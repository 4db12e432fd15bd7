"""What the services advise, as the member app says it.

The draft, the check and ``prepare`` advise the reader of a terminal and of the mapping's YAML (« run
prepare again with --max-reject-share 1 », « add `status_values: …` in the mapping's YAML »); the
reader of the member app has neither, but a box, a form with its sections and its lists. Each piece
of such advice is recognised in any language (the cooperative may answer in its own) and said as the
page works, its figures and words kept, in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from culturecoop.errors import UserError
from culturecoop.i18n import LANGUAGES, _, format_regex, gettext_in
from culturecoop.ingest.consent import POOLING_UNSET
from culturecoop.ingest.draft import POOLING_UNDECIDED
from culturecoop.ingest.profile import (
    SECTION_COLUMN,
    SHEET_COLUMN,
    SHEET_TITLE_COLUMN,
    MappingIncompleteError,
    MappingInvalidError,
)
from culturecoop.ingest.words import FIELD_LABELS, SETTING_NAMES
from culturecoop.memberapp.value_words import (
    BLANK_PRICE,
    BLANK_PRICE_FREE,
    BY_FILE_NAME,
    EMAIL_ELSE_PHONE_SAID,
    EVERY_SHEET_SAID,
    LINE_KIND_WORDS,
    REFUND_OF_ORDER,
    WHERE_EMPTY,
    WHOSE_REFUND,
    YES_NO_SECTION,
)


def said(exc: UserError) -> str:
    """A service's error as this app says it. A mapping that cannot be used is the form's (or the
    YAML box's) to correct here: no file name, no « run prepare again » of the command line."""
    if isinstance(exc, MappingInvalidError) and not isinstance(exc, MappingIncompleteError):
        return _("This mapping cannot be used: {problem}; correct it and apply it again.").format(problem=exc.problem)
    return in_the_apps_words(exc.message)


def _rewordings(t: Callable[[str], str]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Advice the services give for the command line or the mapping's YAML, and what this page says
    instead: its box, its form's sections (the reader of this page has neither a terminal nor YAML);
    each in the language of ``t``."""
    statuses, kinds = t("What the ticket statuses mean"), t("What each row sold")
    return [
        (t("No column gives the events' dates: the cooperative will date each event by its last sale, so no event "
           "will be upcoming and sales paces end on that day. If a column gives the show's date, choose it for "
           "{field}; if your ticketing can add the event's date to this export, add it."),
         t("No column gives the events' dates: the cooperative will date each event by its last sale, so no event "
           "will be upcoming and sales paces end on that day. If a column gives the show's date, choose it for "
           "{field}; for an export of one event, write its date once in the form, beside {field}.")),
        (t("or, to set them aside anyway, tick “{box}” (or run prepare again with --max-reject-share 1)"),
         t("or, to set them aside anyway, tick “{box}” above the button “Prepare the package”")),
        (t("say what «{value}» means in the mapping's YAML: add `status_values: {{{value}: sold}}` (or "
           "refunded, cancelled, exchanged)"),
         t("choose what «{value}» means under “What the ticket statuses mean” in the form below")),
        (t("No recommendation model is trained yet: run `culturecoop reco train --db FILE` first."),
         t("the cooperative has not computed recommendations yet (it does so once its members' packages are "
           "loaded); try again later, or ask the cooperative when they will be ready.")),
        (t("The ticket statuses {labels} are not words the draft knows: in the mapping's YAML, add each under "
           "`status_values` as sold, refunded, cancelled or exchanged."),
         t("The ticket statuses {labels} are not words the draft knows: choose what each means under “What the "
           "ticket statuses mean” in the form below.")),
        (t("{labels} says a refund was partial: part of the order or of its price was given back. It is counted as "
           "a sale at no known price (no column says how much was given back); "
           "if the whole order was given back, write refunded for it under "
           "`status_values` in the mapping's YAML."),
         t("{labels} says a refund was partial: part of the order or of its price was given back. It is counted as "
           "a sale at no known price (no column says how much was given back); "
           "if the whole order was given back, choose “{refunded}” for it "
           "under “{section}” in the form below.")),
        (t("{labels} say a refund was partial: part of the order or of its price was given back. They are counted "
           "as sales at no known price (no column says how much was given back); "
           "if a whole order was given back, write refunded for its label "
           "under `status_values` in the mapping's YAML."),
         t("{labels} say a refund was partial: part of the order or of its price was given back. They are counted "
           "as sales at no known price (no column says how much was given back); "
           "if a whole order was given back, choose “{refunded}” for its "
           "word under “{section}” in the form below.")),
        (t("{column} is empty on some bookings, beside « {label} »: they are counted as sales (a seat given, or "
           "paid on the day); if they were never paid, write cancelled for an empty cell (\"\") under "
           "`status_values` in the mapping's YAML."),
         t("{column} is empty on some bookings, beside « {label} »: they are counted as sales (a seat given, or "
           "paid on the day); if they were never paid, choose “{cancelled}” for an empty cell under “{section}” "
           "in the form below.")),
        (t("Status n (an order not paid yet) is left to you: in the mapping's YAML, add it under `status_values` "
           "as sold if those tickets count, or cancelled."),
         t("Status n (an order not paid yet) is left to you: under “{section}” in the form below, choose "
           "“{sold}” for it if those tickets count, or “{cancelled}”.")),
        (t("{column} says what each row sold, and the draft cannot tell whether {labels} is a ticket: in the "
           "mapping's YAML, add it under `line_kind_values` as ticket, or other (a donation, a membership, "
           "merchandise: such rows are left out); until then its rows are rejected ({field})."),
         t("{column} says what each row sold, and the draft cannot tell whether {labels} is a ticket: choose what "
           "it is under “{kinds}” in the form below (a donation, a membership or merchandise is left out of the "
           "package); until then its rows are rejected ({field}).")),
        (t("{column} says what each row sold, and the draft cannot tell whether {labels} are tickets: in the "
           "mapping's YAML, add each under `line_kind_values` as ticket, or other (a donation, a membership, "
           "merchandise: such rows are left out); until then their rows are rejected ({field})."),
         t("{column} says what each row sold, and the draft cannot tell whether {labels} are tickets: choose what "
           "each is under “{kinds}” in the form below (a donation, a membership or merchandise is left out of the "
           "package); until then their rows are rejected ({field}).")),
        (t("say whether «{value}» is a ticket in the mapping's YAML: add `line_kind_values: {{{value}: ticket}}` "
           "(or other, for a donation, a membership, merchandise: such rows are left out)"),
         t("say whether «{value}» is a ticket under “{kinds}” in the form below (a donation, a membership or "
           "merchandise is left out of the package)")),
        (t("Yes/no columns hold words the draft cannot read ({labels}): in the mapping's YAML, add them to "
           "`true_values` (yes) or `false_values` (no)."),
         t("Yes/no columns hold words the draft cannot read ({labels}): choose what each means under “{yes_no}” in "
           "the form below.")),
        (t("Consent columns hold words the draft cannot read ({labels}): add them to true_values or false_values."),
         t("Consent columns hold words the draft cannot read ({labels}): choose what each means under “{yes_no}” in "
           "the form below.")),
        (t("The consent column {columns} holds values that say neither yes nor no: {words}; add each to true_values "
           "(consent given) or false_values (consent withdrawn) in the mapping, then prepare again. Nothing was "
           "written."),
         t("The consent column {columns} holds values that say neither yes nor no: {words}; choose what each means "
           "under “{yes_no}” in the form below, then prepare again. Nothing was written.")),
        (t("{n} of the rows looked at have no amount in «{column}»: if they are seats given (invitations, press, "
           "guests), add `blank_price: 0` to the mapping; otherwise they are rejected as rows without a price."),
         t("{n} of the rows looked at have no amount in «{column}»: if they are seats given (invitations, press, "
           "guests), choose “{free}” for “{blank}” under “{how}” in the form below; otherwise they are rejected as "
           "rows without a price.")),
        (t("these rows have no price: if they are seats given (invitations, press, guests), write `blank_price: 0` "
           "in the mapping's YAML; if not, choose for {field} the column that holds their amounts"),
         t("these rows have no price: if they are seats given (invitations, press, guests), choose “{free}” for "
           "“{blank}” under “{how}” in the form below; if not, choose for {field} the column that holds their "
           "amounts")),
        (t("One of the rows looked at has no {column} but an e-mail or a phone: it will be set aside. To keep it, "
           "choose no column for {field} (the e-mail, else the phone, then tells who bought on every row), or, in the "
           "mapping's YAML, write `patron_id: {fallback}` to use them only where {column} is empty."),
         t("One of the rows looked at has no {column} but an e-mail or a phone: it will be set aside. To keep it, "
           "choose no column for {field} (the e-mail, else the phone, then tells who bought on every row), or, "
           "beside {field} in the form below, choose “{email_phone}” for “{where_empty}” to use them only where "
           "{column} is empty.")),
        (t("{n} of the rows looked at have no {column} but an e-mail or a phone: they will be set aside. To keep "
           "them, choose no column for {field} (the e-mail, else the phone, then tells who bought on every row), or, "
           "in the mapping's YAML, write `patron_id: {fallback}` to use them only where {column} is empty."),
         t("{n} of the rows looked at have no {column} but an e-mail or a phone: they will be set aside. To keep "
           "them, choose no column for {field} (the e-mail, else the phone, then tells who bought on every row), or, "
           "beside {field} in the form below, choose “{email_phone}” for “{where_empty}” to use them only where "
           "{column} is empty.")),
        (t("choose no column for {field}, so that the e-mail, else the phone, tells who bought; or, in the mapping's "
           "YAML, give it a fallback such as `patron_id: [Customer ID, Email, Phone]`"),
         t("choose no column for {field}, so that the e-mail, else the phone, tells who bought; or, beside {field} "
           "in the form below, choose “{email_phone}” for “{where_empty}”")),
        (t("The ticket statuses are single letters ({labels}), which the draft cannot read for sure (V may be vendu "
           "or void, A active or annulé, R returned or reserved): in the mapping's YAML, write what each stands for "
           "under `status_values`: sold, refunded, cancelled or exchanged."),
         t("The ticket statuses are single letters ({labels}), which the draft cannot read for sure (V may be vendu "
           "or void, A active or annulé, R returned or reserved): choose what each stands for under “{section}” in "
           "the form below.")),
        (t("{labels} in « {column} » is not a ticket: its rows will be left out. If it is a ticket, set it to ticket "
           "under line_kind_values."),
         t("{labels} in « {column} » is not a ticket: its rows will be left out. If it is a ticket, choose “{ticket}” "
           "for it under “{kinds}” in the form below.")),
        (t("{labels} in « {column} » are not tickets: their rows will be left out. If they are tickets, set them to "
           "ticket under line_kind_values."),
         t("{labels} in « {column} » are not tickets: their rows will be left out. If they are tickets, choose "
           "“{ticket}” for them under “{kinds}” in the form below.")),
        (t("The only row of {path} is no ticket ({column} says so): there is nothing to prepare; export the sales of "
           "tickets, or check the values written as other under `line_kind_values` in the mapping."),
         t("The only row of {path} is no ticket ({column} says so): there is nothing to prepare; export the sales of "
           "tickets, or check what its word is under “{kinds}” in the form below.")),
        (t("None of the {n} rows of {path} is a ticket ({column} says so): there is nothing to prepare; export the "
           "sales of tickets, or check the values written as other under `line_kind_values` in the mapping."),
         t("None of the {n} rows of {path} is a ticket ({column} says so): there is nothing to prepare; export the "
           "sales of tickets, or check what each word is under “{kinds}” in the form below.")),
        (t("The sheet {sheets} is laid out like «{read}» (rows: {rows}): only «{read}» was read. Add `sheets: all` to "
           "the mapping to read every sheet."),
         t("The sheet {sheets} is laid out like «{read}» (rows: {rows}): only «{read}» was read. To read every sheet, "
           "choose “{every_sheet}” for “{sheets_setting}” under “{how}” in the form below.")),
        (t("The sheets {sheets} are laid out like «{read}» (rows: {rows}): only «{read}» was read. Add `sheets: all` "
           "to the mapping to read every sheet."),
         t("The sheets {sheets} are laid out like «{read}» (rows: {rows}): only «{read}» was read. To read every "
           "sheet, choose “{every_sheet}” for “{sheets_setting}” under “{how}” in the form below.")),
        (t("the sheet {sheet} holds them all: add `sheet: {sheet}` to the mapping"),
         t("the sheet {sheet} holds them all: write {sheet} for “{sheet_setting}” under “{how}” in the form below")),
        (t("line {line} holds them all: add `skip_lines: {skip}` to the mapping"),
         t("line {line} holds them all: write {skip} for “{skip_setting}” under “{how}” in the form below")),
        (t("The file {path} looks like UTF-8 text but the mapping says {encoding}; use `encoding: utf-8` (or the "
           "built-in profile meant for UTF-8 files)."),
         t("The file {path} looks like UTF-8 text but the form says {encoding}: choose UTF-8 for “{encoding_setting}” "
           "under “{how}” in the form below.")),
        (t("The file {path} is not valid {encoding} text (line {line}); check which encoding the file was saved in "
           "and set it in the mapping (utf-8, cp1252 or latin-1)."),
         t("The file {path} is not valid {encoding} text (line {line}): choose for “{encoding_setting}” under "
           "“{how}” in the form below the encoding the file was saved in (UTF-8 for most exports, Windows-1252 for "
           "a CSV saved by an old Excel).")),
        (t("The file {path} holds Windows-1252 characters (such as curly quotes) that Latin-1 does not have; use "
           "`encoding: cp1252` in the mapping."),
         t("The file {path} holds Windows-1252 characters (such as curly quotes) that Latin-1 does not have: choose "
           "Windows-1252 for “{encoding_setting}” under “{how}” in the form below.")),
        (t("check that the column chosen for {field} gives what was given back of each row's amount; if it is each "
           "order's, write `refunded_amount_per: order` in the mapping's YAML; if it counts taxes, fees or shipping the "
           "price leaves out, choose no column for it"),
         t("check that the column chosen for {field} gives what was given back of each row's amount; if it is each "
           "order's, choose “{of_order}” for “{whose}” beside {field} in the form below; if it counts taxes, fees or "
           "shipping the price leaves out, choose no column for it")),
        (t("The file {path} lacks the column(s) {columns} that the profile {profile} maps; export them or fix the "
           "column names in a mapping file (--mapping)."),
         t("The file {path} lacks the column(s) {columns} that the form reads: choose in the form below the columns "
           "this export has instead, or export it with them.")),
        (t("nothing in the file tells the country (no phone number, postal code, currency or word of one "
           "country), so {country} is assumed: if the sales are elsewhere, write that country's code for country, "
           "with its currency and timezone"),
         t("nothing in the file tells the country (no phone number, postal code, currency or word of one "
           "country), so {country} is assumed: if the sales are elsewhere, choose their country for “{country_setting}” "
           "under “{how}” in the form below (its currency and time zone come with it)")),
        (t("choose for {field} the column that tells the events apart; if the export holds one event, write "
           "`{{value: …}}` or `{{file_name: true}}` for it in the mapping's YAML"),
         t("choose for {field} the column that tells the events apart; if the export holds one event, write its "
           "name once beside {field} in the form below, or choose “{by_file_name}” for it")),
    ], {"section": statuses, "kinds": kinds, "yes_no": t(YES_NO_SECTION), "free": t(BLANK_PRICE_FREE),
        "blank": t(BLANK_PRICE), "how": t("How values are written"), "email_phone": t(EMAIL_ELSE_PHONE_SAID),
        "where_empty": t(WHERE_EMPTY), "sold": t("sold ticket"), "refunded": t("refunded ticket"),
        "cancelled": t("cancelled ticket"), "ticket": t(LINE_KIND_WORDS["ticket"]),
        "every_sheet": t(EVERY_SHEET_SAID), "sheets_setting": t(SETTING_NAMES["sheets"]),
        "sheet_setting": t(SETTING_NAMES["sheet"]), "skip_setting": t(SETTING_NAMES["skip_lines"]),
        "encoding_setting": t(SETTING_NAMES["encoding"]), "by_file_name": t(BY_FILE_NAME),
        "of_order": t(REFUND_OF_ORDER), "whose": t(WHOSE_REFUND), "country_setting": t(SETTING_NAMES["country"])}


def in_the_apps_words(message: str) -> str:
    """``message`` with each piece of command-line or YAML advice (``_rewordings``) said as this page
    says it, its figures and words kept; the advice is recognised in any language (the cooperative
    may answer in its own) and said in the reader's."""
    ours_now, names = _rewordings(_)
    for pattern, which in _advice_patterns():
        message = pattern.sub(_said_as(ours_now[which][1], names), message)
    return message


def columns_in_words(text: str) -> str:
    """``text`` with the columns a workbook's reading adds (its sheet's name, the title above its table, the
    heading above a group of rows) said in words, never by their mapping names « (sheet) »: after the
    words that already say them, left out."""
    for column, words in VIRTUAL_COLUMNS.items():
        text = text.replace(f" ({column})", "").replace(column, _(words))
    return text


# The columns a workbook's reading adds to its own (``ingest.read_xlsx``), as the form says them.
VIRTUAL_COLUMNS = {SHEET_TITLE_COLUMN: "the title above the sheet's table", SHEET_COLUMN: "the sheet's name",
                   SECTION_COLUMN: "the heading above each group of rows"}


def without_keys(text: str) -> str:
    """``text`` with no field or setting named by its mapping key after its label: « choisissez-la pour
    « Date et heure de l’événement » », not « … » (event_starts_at) »."""
    return _KEY_AFTER_LABEL.sub("", text)


# The services name a field or a setting by the form's label and then its key in the mapping's YAML
# (« « Date et heure de l’événement » (event_starts_at) »), for the reader of the YAML; this page's
# reader knows the form's labels only.
_KEY_AFTER_LABEL = re.compile(
    r"(?<=[”»\"])\s*\((?:" + "|".join(sorted(map(re.escape, {*FIELD_LABELS, *SETTING_NAMES}), key=len, reverse=True)) + r")\)")


@cache
def _advice_patterns() -> list[tuple[re.Pattern[str], int]]:
    """Each piece of advice ``_rewordings`` rewords, as every language writes it: its regex, and
    which rewording it is (made once: every page says its warnings through them)."""
    return [(re.compile(format_regex(theirs)[0]), which) for lang in LANGUAGES
            for which, (theirs, _ours) in enumerate(_rewordings(partial(gettext_in, language=lang))[0])]


def _said_as(ours: str, names: dict[str, str]) -> Callable[[re.Match[str]], str]:
    """The replacement of a match by ``ours``, its fields filled with what the match found and the
    page's names (``names``: its sections, its choices)."""
    return lambda found: ours.format(**names, **found.groupdict())


def said_for_the_form(mapping: dict[str, Any], warnings: list[str], undecided: list[str], *,
                      preparable: bool = True) -> tuple[list[str], list[str]]:
    """The check's warnings and the draft's open questions as this app should say them. The draft
    and the check tell a mapping file's author to write ``consent_defaults`` in YAML; here the form
    has a section for it. And the draft's questions were asked when the export was added: pooling
    consent set in the form since is no longer an open question, nor is it one while nothing can be
    prepared (``preparable`` false): what stops the export comes first, alone."""
    in_yaml = {gettext_in(m, each) for m in (POOLING_UNDECIDED, POOLING_UNSET) for each in LANGUAGES}
    decided = (not preparable or "pooling" in (mapping.get("consent_defaults") or {})
               or "consent_pooling" in (mapping.get("columns") or {}))
    in_form = _("Nothing in this export says whether your patrons agreed to pooling: until you choose "
                "\"given\" for pooling in the consent section below, with its basis (if your terms of "
                "sale say so), none of them counts in the cooperative's pooled figures.")
    warned = [in_form if w in in_yaml else in_the_apps_words(w) for w in warnings]
    asked = [in_form if u in in_yaml else in_the_apps_words(u) for u in undecided if not (decided and u in in_yaml)]
    return warned, [u for u in asked if u not in warned]


def spaced(text: str, lang: str) -> str:
    """The page's own words with French typography: a no-break space before « : ; ? ! » and inside « »,
    so that a line never starts with a colon or a closing quote (the catalogs write plain spaces). The
    fields a template fills in after (a column's name, a typed value) are left as they are."""
    if lang != "fr":
        return text
    return _BEFORE_PUNCTUATION.sub("\u00a0\\1", text).replace("« ", "«\u00a0")


_BEFORE_PUNCTUATION = re.compile(r" ([:;?!»])")
