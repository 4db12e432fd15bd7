"""An export's page of the member app, as data: what the check and the preview say, the draft's
questions and guesses in the reader's language, and the mapping form, what needs a decision first.

The form asks first what the member must decide — the fields the draft guessed, could not find or
that the page's sentences name, the values the preview could not read, the ticket statuses and the
kinds of rows it does not know, the consents — and folds what the draft read without a doubt into
closed sections (every field still sent with the form)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from culturecoop.analytics import wording
from culturecoop.errors import UserError
from culturecoop.i18n import LANGUAGES, _, current_language, gettext_in
from culturecoop.ingest.attendees import plan, read_setting, spread_rows
from culturecoop.ingest.draft import ATTENDEE_LIST
from culturecoop.ingest.profile import MappingIncompleteError, MappingInvalidError
from culturecoop.ingest.quarantine import DEFAULT_MAX_REJECT_SHARE
from culturecoop.ingest.sniff import SAMPLE_ROWS, XLSX_SAMPLE_ROWS, Sample
from culturecoop.ingest.validate import FIELD_OF_RULE
from culturecoop.ingest.words import CHANNELS, QUARANTINE_ANYWAY, SETTING_NAMES, TICKET_STATUSES
from culturecoop.memberapp import form as mapping_form
from culturecoop.memberapp.advice import (
    VIRTUAL_COLUMNS,
    columns_in_words,
    in_the_apps_words,
    said,
    said_for_the_form,
    spaced,
    without_keys,
)
from culturecoop.memberapp.value_words import (
    BLANK_PRICE,
    BLANK_PRICE_FREE,
    LINE_KIND_WORDS,
    REASONS_IN_FORM,
    REFUND_OF_ORDER,
    REFUND_OF_ROW,
    WHERE_EMPTY,
    WHOSE_REFUND,
    YES_NO_FIELDS,
    YES_NO_SECTION,
    YES_NO_WORDS,
    WordRow,
    Words,
    line_kind_rows,
    sample_words,
    status_rows,
    yes_no_rows,
)
from culturecoop.memberapp.workspace import Export, Workspace
from culturecoop.memberapp.zones import codes_in_words, zone_choices


def export_context(workspace: Workspace, export: Export, lang: str, *, error: str | None = None,
                   notice: str | None = None, typed: dict[str, Any] | None = None, typed_yaml: str | None = None,
                   ticked: bool = False) -> dict[str, Any]:
    """The page's data (``templates/export.html``); ``typed`` (the form as sent) or ``typed_yaml``
    (the YAML box as sent) fill the form when what was sent was refused, so that nothing typed is
    lost to the error, with every section of the form open; ``ticked``: the box that sets rows aside
    anyway, as it was sent."""
    mapping = export.mapping()
    check, check_error, preview, incomplete, misread = None, None, [], None, None
    fields = mapping_form.field_rows(mapping)
    shown = typed if typed is not None else mapping
    sample = workspace.sample(export)
    header, sample_rows = (sample.header, sample.rows) if sample is not None else ([], [])
    header, sample_rows = _attendees_spread(mapping, header, sample_rows)
    try:
        preview = mapping_form.preview_cells(workspace.preview(export), [f.name for f in fields if f.read], lang)
        if any(f.name == "ticket_id" and f.chosen == mapping_form.NUMBERED for f in fields):
            # Numbered once every row is read (each buyer's n-th row for each show): said, not left blank.
            for row in preview:
                row["cells"]["ticket_id"] = mapping_form.PreviewCell(_("numbered when prepared"))
        # Once a package was prepared with the box ticked, the check reads the export as it was
        # prepared: not a red « nothing was written » above the package that was.
        check = workspace.check(export, float(export.state.get("max_reject_share") or DEFAULT_MAX_REJECT_SHARE)
                                if export.package_is_current else DEFAULT_MAX_REJECT_SHARE)
    except MappingIncompleteError as exc:
        # Nothing can be prepared: the sentence says what to choose or what to export instead.
        check_error, incomplete = exc.message, exc
    except UserError as exc:
        misread = None if isinstance(exc, MappingInvalidError) else settings_misread(sample, mapping)
        check_error = misread or said(exc)
    drafted_undecided, decisions = workspace.drafted_in(export, lang)
    warnings, undecided = said_for_the_form(mapping, check.warnings if check else [], drafted_undecided,
                                            preparable=check is not None)
    if incomplete is not None and incomplete.kind == "attendee_list":
        # The check's sentence already says what to export instead: not twice.
        undecided = [u for u in undecided if u not in {gettext_in(ATTENDEE_LIST, each) for each in LANGUAGES}]
    not_an_export = incomplete is not None and not_a_sales_export(incomplete.missing)
    if not_an_export:
        # An invoice, a price list: the questions on columns it does not have would leave the reader stuck.
        check_error, undecided, warnings, preview = not_an_export_said(header), [], [], []
    # An open question the form's own list or setting has settled since: not asked again.
    words = _words_of(workspace, export, mapping, header, sample_rows)
    undecided = [u for u in undecided if not settled(u, mapping, yes_no_rows(mapping, words))]
    # A guess an open question above already asks about (it names the same field) is not said twice.
    guessed = [replace(g, why=without_keys(columns_in_words(in_the_apps_words(codes_in_words(g.why, lang)))))
               for g in mapping_form.guesses(decisions, mapping)
               if not not_an_export and not any(_("“{label}”").format(label=g.about) in u for u in undecided)]
    # A time zone is said by its clock's words, never its code (« America/Toronto »).
    undecided, warnings = ([without_keys(columns_in_words(codes_in_words(u, lang))) for u in texts]
                           for texts in (undecided, warnings))
    # The services name a field by the form's label, then its key for the YAML's reader: here, by the label.
    check_error, error = (without_keys(t) if t else t for t in (check_error, error))
    if error == check_error:  # the check below already says it, where the reader looks for it
        error = None
    form_fields = mapping_form.field_rows(shown)
    read = {f.name for f in form_fields if f.read}
    unread = {name for row in preview for name, cell in row["cells"].items() if cell.unread}
    for rule in (check.rejects_by_reason if check else {}):
        field = FIELD_OF_RULE.get(rule, "")
        unread.add("total_price" if field == "unit_price" and field not in read and "total_price" in read else field)
    said_texts = [*undecided, *warnings, check_error or "", error or ""]
    # The event named by its title and start (the draft's guess when no column numbers the performances) is
    # what a box office would answer itself: not the question the form opens on.
    to_check = {g.field for g in guessed if g.field} - ({"event_id"} if named_by_title_and_start(shown) else set())
    decide = mapping_form.to_decide(form_fields, to_check, said_texts, unread)
    if shown is not mapping and any((shown.get("columns") or {}).get(f) != (mapping.get("columns") or {}).get(f)
                                    for f in WORD_FIELDS):
        words = sample_words(shown, header, sample_rows, WORD_FIELDS)  # a refused form's columns, not the mapping's
    statuses, kinds, yes_nos = status_rows(shown, words), line_kind_rows(shown, words), yes_no_rows(shown, words)
    settings_shown = mapping_form.settings_for(export.source)
    # A setting a sentence names (by its name in quotes, as the form shows it) is one to look at, as a guessed
    # one: the sentences no longer carry the mapping key in brackets (``without_keys``).
    named_settings = {**{k: _(v) for k, v in SETTING_NAMES.items()}, "blank_price": _(BLANK_PRICE)}
    guessed_settings = {g.setting for g in guessed if g.setting} | {
        key for key, label in named_settings.items() for text in said_texts
        if (key in settings_shown or key == "blank_price") and _("“{label}”").format(label=label) in text}
    quote = str(shown.get("quote", '"') or "")
    # The draft's sample is read with « ' » when the file is written so (``ingest.quoting``).
    single = sample is not None and sample.settings.get("quote") == "'"
    if single and "quote" in settings_shown:
        if quote == "'":  # read so, the names lose their quotes
            header = [h[1:-1] if len(h) >= 2 and h[0] == h[-1] == "'" else h for h in header]
        else:
            undecided.insert(0, _("The column names and values of this export are written between single quotes "
                                  "(«{example}»): choose “{single}” for “{setting}” under “{how}” in the form below.").format(
                example=next(f"'{h}'" for h in header if h), single=mapping_form.choice_labels()["quote"]["'"],
                setting=_(mapping_form.QUOTE_SETTING), how=_("How values are written")))
            guessed_settings.add("quote")
    refused = typed is not None or typed_yaml is not None
    # The services' sentences with the page's own typography (no line starting with « : »), once every
    # test above has read them as the catalogs write them.
    check_error, error = (spaced(t, lang) if t else t for t in (check_error, error))
    undecided, warnings = ([spaced(t, lang) for t in texts] for texts in (undecided, warnings))
    return {
        "export": export, "mapping": shown, "error": error,
        "mapping_text": typed_yaml if typed_yaml is not None else workspace.mapping_text_in(export, lang), "yaml_open": typed_yaml is not None,
        "notice": notice, "check": check, "check_error": check_error, "preview": preview,
        "warnings": warnings, "undecided": undecided,
        "fields": fields, "columns": [c for c in header if c], "not_an_export": not_an_export,
        "column_words": {c: _(w) for c, w in VIRTUAL_COLUMNS.items()}, "in_words": columns_in_words,
        "decide_fields": [f for f in form_fields if f.name in decide],
        "other_fields": [f for f in form_fields if f.name not in decide],
        "fields_open": refused,
        # A list is asked first when a word of it is unknown, or when a sentence above points to it.
        "statuses": statuses, "statuses_to_decide": any(w.unknown for w in statuses) or any(
            _("What the ticket statuses mean") in text for text in said_texts),
        "status_words": {k: gettext_in(v, lang) for k, v in TICKET_STATUSES.items()},
        "line_kinds": kinds, "line_kinds_to_decide": any(w.unknown for w in kinds) or any(
            _("What each row sold") in text for text in said_texts),
        "line_kind_words": {k: gettext_in(v, lang) for k, v in LINE_KIND_WORDS.items()},
        "yes_nos": yes_nos, "yes_nos_to_decide": any(w.unknown for w in yes_nos) or any(
            _(YES_NO_SECTION) in text for text in said_texts),
        "yes_no_words": {k: gettext_in(v, lang) for k, v in YES_NO_WORDS.items()},
        "fallbacks": mapping_form.FALLBACKS, "email_else_phone": mapping_form.EMAIL_ELSE_PHONE,
        "blank_price_label": BLANK_PRICE, "blank_price_free": BLANK_PRICE_FREE,
        "whose_refund": WHOSE_REFUND, "refund_of_row": REFUND_OF_ROW, "refund_of_order": REFUND_OF_ORDER,
        "reasons_said": REASONS_IN_FORM,
        "settings": mapping_form.settings_of(shown), "attendees": attendees_of(shown), "consent": mapping_form.consent_of(shown),
        "zone_choices": zone_choices(lang, str(shown.get("timezone") or "")),
        "choices": mapping_form.CHOICES, "one_value_fields": mapping_form.ONE_VALUE_FIELDS,
        "one_choice_fields": mapping_form.ONE_CHOICE_FIELDS, "questions": mapping_form.QUESTIONS,
        "channel_words": {k: gettext_in(v, lang) for k, v in CHANNELS.items()},
        "choice_labels": mapping_form.choice_labels(), "setting_labels": {
            key: (label, spaced(hint, lang)) for key, (label, hint) in mapping_form.setting_labels().items()},
        "keep": mapping_form.KEEP, "summary": export.state.get("summary"),
        "file_name": mapping_form.FILE_NAME, "file_name_fields": mapping_form.FILE_NAME_FIELDS,
        "numbered": mapping_form.NUMBERED, "numbered_words": mapping_form.NUMBERED_WORDS,
        "today": dt.date.today().isoformat(),
        "file_stem": export.source.stem,
        "sent": export.state.get("sent"),
        "package": export.package, "package_is_current": export.package_is_current,
        "can_prepare": incomplete is None, "quarantine_anyway": QUARANTINE_ANYWAY, "quarantine_ticked": ticked,
        "settings_shown": settings_shown,
        "settings_open": refused or bool(guessed_settings & {*settings_shown, "blank_price"}) or misread is not None,
        "guesses": [replace(g, why=spaced(g.why, lang)) for g in guessed], "guessed_fields": {g.field for g in guessed if g.field},
        "guessed_settings": guessed_settings,
    }


def not_a_sales_export(missing: tuple[str, ...]) -> bool:
    """Whether a mapping that cannot prepare anything found none of what every sales export has: a purchase
    date, a ticket or order number, who bought (an invoice, a price list, a budget dropped by mistake)."""
    return {"purchased_at", "ticket_id", "patron_id"} <= set(missing)


def not_an_export_said(header: list[str]) -> str:
    """The one sentence for a file that is no sales export: its own columns, to recognise it, and which file
    to drop instead."""
    columns = [c for c in header if c and c not in VIRTUAL_COLUMNS]
    listed = ", ".join(_("“{label}”").format(label=c) for c in columns[:8]) + (", …" if len(columns) > 8 else "")
    return _("This file does not look like a ticketing export: none of its columns ({columns}) gives a purchase "
             "date, a ticket or order number, or who bought. Drop instead the sales export of your ticketing "
             "software (one row per ticket or per order, with each buyer's e-mail or customer number), with "
             "“{read}” on the home page.").format(columns=listed, read=_("Read this export"))


# The fields whose words the form lists (``value_words``).
WORD_FIELDS = ("status", "line_kind", *YES_NO_FIELDS)


def attendees_of(mapping: dict[str, Any]) -> str | None:
    """The mapping's ``attendees`` setting in a member's words (None without one): shown, changed in the YAML."""
    setting = read_setting(mapping.get("attendees"))
    if setting is None:
        return None
    said = _("Each order's attendees, written side by side in numbered columns ({columns}), are read one line "
             "each: a ticket and a patron each.").format(columns=", ".join(f"« {s} »" for s in setting.numbered))
    if setting.seats:
        said += " " + _("Seats of the order beyond its attendees (« {column} ») are the buyer's.").format(
            column=setting.seats)
    if setting.shared:
        said += " " + _("Shared among its seats: {columns}.").format(columns=", ".join(f"« {c} »" for c in setting.shared))
    return said


def _attendees_spread(mapping: dict[str, Any], header: list[str], rows: list[list[str | None]]) -> tuple[
        list[str], list[list[str | None]]]:
    """The export's columns and first rows as ``prepare`` reads them when the mapping reads an order's attendees
    a line each (``attendees``): the attendee's columns without their number, to choose from."""
    setting = read_setting(mapping.get("attendees"))
    found = plan(header, setting.numbered, setting.seats, setting.shared, setting.buyer_only) if setting else None
    if found is None:
        return header, rows
    return found.header, [line for _k, line, _n in spread_rows(found, rows, str(mapping.get("decimal") or "."))]


def _words_of(workspace: Workspace, export: Export, mapping: dict[str, Any], header: list[str],
              rows: list[list[str | None]]) -> Words:
    """The words the form's lists offer: every row's, as the mapping reads the export (the draft's
    sample when it holds every row and the mapping reads the file as the draft did: no second reading);
    the first rows' when the mapping cannot read it (the check above says why)."""
    sample = workspace.sample(export)
    if sample is not None and sample.total_rows == len(sample.rows) < min(SAMPLE_ROWS, XLSX_SAMPLE_ROWS) and all(
            str(mapping.get(key, "") or "") == str(sample.settings.get(key, "") or "")
            for key in ("format", "encoding", "delimiter", "quote", "skip_lines", "sheet")) and not mapping.get("sheets") and all(
            isinstance((mapping.get("columns") or {}).get(f, ""), str) for f in WORD_FIELDS):
        return sample_words(mapping, header, rows, WORD_FIELDS)
    found = workspace.words(export, WORD_FIELDS)
    return found if found is not None else sample_words(mapping, header, rows, WORD_FIELDS)


def settings_misread(sample: Sample | None, mapping: dict[str, Any]) -> str | None:
    """Why the export cannot be read, when a setting of the form is not what the file is written with
    (its encoding, its column separator, the lines above its column names): said with the form's
    words and the value to choose, instead of the reader's advice to edit a mapping file."""
    if sample is None:
        return None
    found = sample.settings
    names = mapping_form.setting_labels()
    encodings = mapping_form.choice_labels()["encoding"]
    separators = {",": _("a comma (,)"), ";": _("a semicolon (;)"), "\t": _("a tab"), "|": _("a vertical bar (|)")}

    def worded(key: str, value: Any) -> str:
        if key == "encoding":
            return encodings.get(str(value), str(value))
        if key == "delimiter":
            return separators.get(str(value), f"« {value} »" if current_language() == "fr" else f"“{value}”")
        return wording.number(int(value), current_language())

    said_wrong = []
    for key in ("encoding", "delimiter", "skip_lines"):
        if key not in found:
            continue
        chosen, written = mapping.get(key, 0 if key == "skip_lines" else None), found[key]
        if key == "encoding" and {str(chosen), str(written)} <= {"utf-8", "utf-8-sig"}:
            continue  # the same text, with or without its signature
        if key == "skip_lines" and str(chosen).isdigit():
            chosen = int(str(chosen))
        if chosen is None or chosen == written:
            continue
        if key == "skip_lines":
            said_wrong.append(_("“{setting}” is {chosen}, but this file has {found}: write {found}.").format(
                setting=names[key][0], chosen=worded(key, chosen) if isinstance(chosen, int) else str(chosen),
                found=worded(key, written)))
        else:
            said_wrong.append(_("“{setting}” is {chosen}, but this file is written with {found}: choose {found}.").format(
                setting=names[key][0], chosen=worded(key, chosen), found=worded(key, written)))
    if not said_wrong:
        return None
    return " ".join([_("This export cannot be read with the settings of the form below."), *said_wrong,
                     _("Then apply and check again.")])




def named_by_title_and_start(mapping: dict[str, Any]) -> bool:
    """Whether the mapping names each event by the columns it reads the event's title and start from
    (``event_id: {join: [Titre, Date spectacle]}``): a performance is its show at its hour."""
    columns = mapping.get("columns") or {}
    spec = columns.get("event_id")
    if not (isinstance(spec, dict) and isinstance(spec.get("join"), list) and set(spec) <= {"join", "separator"}):
        return False

    def names(each: Any) -> set[str]:
        if isinstance(each, str):
            return {each}
        if isinstance(each, list):
            return {n for part in each for n in names(part)}
        if isinstance(each, dict):
            return {n for key, part in each.items() if key not in ("value", "separator") for n in names(part)}
        return set()

    parts = {str(p) for p in spec["join"]}
    title = names(columns.get("event_title"))
    return bool(parts & title) and parts <= title | names(columns.get("event_starts_at"))


def settled(sentence: str, mapping: dict[str, Any], yes_nos: list[WordRow]) -> bool:
    """Whether the draft's open question ``sentence`` (as this app says it) is settled by ``mapping``:
    the words of the yes/no columns each read now, the empty price cell said, the customer number
    given its stand-ins (the question was asked of the first draft; the form has answered it)."""

    def named(label: str) -> bool:
        return _("“{label}”").format(label=_(label)) in sentence

    if named(YES_NO_SECTION):
        return not any(w.unknown for w in yes_nos)
    if named(BLANK_PRICE):
        return "blank_price" in mapping
    if named(WHERE_EMPTY):
        return isinstance((mapping.get("columns") or {}).get("patron_id"), list)
    return False
