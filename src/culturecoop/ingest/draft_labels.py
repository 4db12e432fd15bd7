"""How a draft reads the words of its label columns: ticket statuses, channels, yes/no, languages.

Each mapped label column's words are sorted into the canonical values (``draft_settings``
classifies them); a yes/no column named after a refund stands for the status where no column
holds one, pretix's one-letter order statuses are read as pretix means them, and words the draft
cannot read are left to the member.
"""

from __future__ import annotations

from culturecoop.i18n import _, count, current_language, plural
from culturecoop.ingest import draft_settings as decide
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_builder import DraftBuilder
from culturecoop.ingest.labels import UNPAID_WORDS
from culturecoop.ingest.shapes import Column
from culturecoop.ingest.words import CHANNELS as CHANNEL_WORDS
from culturecoop.ingest.words import TICKET_STATUSES as STATUS_WORDS
from culturecoop.ingest.words import value_named
from culturecoop.schema.model import CHANNELS, TICKET_STATUSES

# Order statuses in one letter (pretix): paid, expired before payment, cancelled.
_ORDER_STATUS_LETTERS = {"p": "sold", "e": "cancelled", "c": "cancelled"}


def decide_labels(builder: DraftBuilder) -> None:
    """The status, channel, yes/no and language words of the mapped columns, and the list separator."""
    status = builder.mapped("status")
    if status is None:
        _status_flag(builder)
    elif not _order_status_letters(builder, status) and not _status_letters(builder, status):
        known, unknown = decide.classify_labels(status, vocab.classify_status, TICKET_STATUSES)
        unknown = _paid_or_not(builder, status, known, unknown)
        partial = [label for label in unknown if vocab.is_partial(label)]
        refunded = builder.mapped("refunded_amount")
        if partial and refunded is not None:
            # The amount given back is read beside the price: the part refunded comes off it.
            unknown = [label for label in unknown if label not in partial]
            known.update(dict.fromkeys(partial, "sold"))
            builder.note("status_values", None, plural(
                len(partial), "{labels} says a refund was partial: a sale, at its price less what {column} gives back",
                "{labels} say a refund was partial: sales, at their price less what {column} gives back").format(
                labels=", ".join(f"« {label} »" for label in partial[:8]), column=refunded.name))
        elif partial:
            # Part of an order or of its price given back: the seats were used, as a rule. A sale,
            # and the member is told: read as a refund, the whole order left the figures.
            unknown = [label for label in unknown if label not in partial]
            known.update(dict.fromkeys(partial, "sold"))
            builder.undecided.append(plural(
                len(partial),
                "{labels} says a refund was partial: part of the order or of its price was given back. It is "
                "counted as a sale at no known price (no column says how much was given back); "
                "if the whole order was given back, write refunded "
                "for it under `status_values` in the mapping's YAML.",
                "{labels} say a refund was partial: part of the order or of its price was given back. They are "
                "counted as sales at no known price (no column says how much was given back); "
                "if a whole order was given back, write refunded "
                "for its label under `status_values` in the mapping's YAML.").format(
                labels=", ".join(f"« {label} »" for label in partial[:8])))
        if known and status.fill < 1 and not unknown and "sold" not in known.values():
            # Tito's "Void Status": "void" on a voided ticket, empty on every valid one.
            known[""] = "sold"
            builder.note("status_values", None, _("{column} is empty on some rows and names only "
                                                  "cancellations or refunds: an empty cell is a sale").format(
                column=status.name))
        _reimbursed_bookings(builder, status, known)
        unpaid = [label for label, value in known.items() if value == "cancelled" and vocab.fold(label) in UNPAID_WORDS]
        if unpaid:
            builder.note("status_values", None, plural(
                len(unpaid), "{labels} is a checkout never paid (pending or abandoned): cancelled, neither a sale nor "
                "an admission", "{labels} are checkouts never paid (pending or abandoned): cancelled, neither sales "
                "nor admissions").format(labels=", ".join(f"« {label} »" for label in unpaid[:8])))
        builder.settings["status_values"] = known
        unknown = _cut_last_status(builder, status.values, known, unknown)
        if unknown:
            builder.undecided.append(_("The ticket statuses {labels} are not words the draft knows: in the "
                                       "mapping's YAML, add each under `status_values` as sold, refunded, "
                                       "cancelled or exchanged.").format(
                labels=", ".join(unknown[:8])))
    channel = builder.mapped("channel")
    if channel is not None:
        known, unknown = decide.classify_labels(channel, vocab.classify_channel, CHANNELS)
        known.update(dict.fromkeys(unknown, "other"))
        builder.settings["channel_values"] = known
        if unknown:
            builder.note("channel_values", unknown, _("channel labels not known, counted as {channel}").format(
                channel=value_named(CHANNEL_WORDS, "other", current_language())), check=True)
    booleans = [c for f in ("is_local", "consent_pooling", "consent_marketing", "consent_personalization")
                if (c := builder.mapped(f)) is not None]
    if booleans:
        true, false, unknown = decide.boolean_words(booleans)
        builder.settings["true_values"], builder.settings["false_values"] = true, false
        if unknown:
            builder.undecided.append(_("Yes/no columns hold words the draft cannot read ({labels}): in the "
                                       "mapping's YAML, add them to `true_values` (yes) or `false_values` "
                                       "(no).").format(labels=", ".join(unknown[:8])))
    languages = {}
    for name in ("event_language", "patron_language"):
        column = builder.mapped(name)
        if column is not None:
            for label in column.labels():
                value = vocab.classify_language(label)
                if value is not None and vocab.fold(label) not in vocab.LANGUAGE_WORDS:
                    languages[label] = value
    if languages:
        builder.settings["language_values"] = languages
    lists = [c for f in ("genres", "artists") if (c := builder.mapped(f)) is not None]
    separator = decide.list_separator(lists)
    if separator is not None:
        builder.note("list_separator", separator, _("list cells (genres, artists) are split on {sep}").format(
            sep=separator))


def _status_flag(builder: DraftBuilder) -> None:
    """A yes/no column named after a refund or a cancellation ("Refunded", "Void", "Cancelled"),
    when no column holds the status: yes is that status, no a sale."""
    for c in builder.columns:
        said = vocab.classify_status(c.name)
        if (c.index in builder.used or said not in ("refunded", "cancelled") or len(vocab.tokens(c.name)) > 2
                or not c.values or c.share("boolean") < 0.9):
            continue
        words = {label: vocab.classify_boolean(label) for label in c.labels()}
        builder.choose("status", c, _("a yes/no column named after a refund or a cancellation: yes is {status}, "
                                      "no a sale").format(status=value_named(STATUS_WORDS, said, current_language())))
        builder.settings["status_values"] = {label: said if yes else "sold" for label, yes in words.items()
                                             if yes is not None}
        return


def _paid_or_not(builder: DraftBuilder, status: Column, known: dict[str, str], unknown: list[str]) -> list[str]:
    """A column that says whether a booking was paid (« Réglé », « Payé », "Paid"): yes, or how it
    was paid (« chèque », « virement reçu »), is a sale; no (« non », an unticked box) is a booking
    never paid, cancelled and counted apart as a checkout never paid is: no seat was sold. An empty
    cell is no when the column writes only yes (« x », « oui »: a box ticked or not); beside « non »
    it may be a seat given (« gratuit ») and stays a sale, said to the member. A refund (« Remboursé »)
    stays one. The labels still unknown are returned."""
    if vocab.classify_status(status.name) != "sold":
        return unknown
    said = {label: vocab.classify_boolean(label) for label in unknown}
    paid = [label for label, value in said.items() if value is True or (value is None and vocab.is_payment_means(label))]
    unpaid = [label for label, value in said.items() if value is False]
    if not paid and not unpaid:
        return unknown
    known.update(dict.fromkeys(paid, "sold"))
    if paid:
        builder.note("status_values", None, plural(len(paid), "{column} says whether a booking was paid: {labels} is a sale",
                                                   "{column} says whether a booking was paid: {labels} are sales").format(
            column=status.name, labels=", ".join(f"« {label} »" for label in paid)))
    empty_unpaid = status.fill < 1 and not unpaid
    known.update(dict.fromkeys(unpaid, "cancelled"))
    if status.fill < 1:
        known[""] = "cancelled" if empty_unpaid else "sold"
    never = sum(v in unpaid for v in status.values) + (status.sampled_rows - len(status.values) if empty_unpaid else 0)
    if never:
        shown = [f"« {label} »" for label in unpaid] + ([_("an empty cell")] if empty_unpaid else [])
        builder.note("status_values", None, plural(
            never, "{column} says {n} booking of the sample was not paid ({labels}): cancelled, neither a sale "
            "nor an admission (if it was paid at the door, write sold for it under `status_values`)",
            "{column} says {n} bookings of the sample were not paid ({labels}): cancelled, neither sales nor "
            "admissions (if they were paid at the door, write sold for them under `status_values`)").format(
            column=status.name, n=count(never), labels=", ".join(shown)), check=True)
    if status.fill < 1 and not empty_unpaid:
        builder.undecided.append(_("{column} is empty on some bookings, beside « {label} »: they are counted as "
                                   "sales (a seat given, or paid on the day); if they were never paid, write "
                                   "cancelled for an empty cell (\"\") under `status_values` in the mapping's "
                                   "YAML.").format(column=status.name, label=unpaid[0]))
    return [label for label in unknown if label not in paid and label not in unpaid]


def _reimbursed_bookings(builder: DraftBuilder, status: Column, known: dict[str, str]) -> None:
    """The pass Culture's bookings: the status of a « contremarque » (the booking's code) says
    « remboursé » once the pass Culture has paid the venue for a used booking, « en cours de
    remboursement » while it is paying: sales, not refunds to the young person (who cancels:
    « annulé »)."""
    if "contremarque" not in vocab.tokens(status.name):
        return
    paid = sorted(label for label, value in known.items() if value == "refunded")
    if not paid:
        return
    known.update(dict.fromkeys(paid, "sold"))
    builder.note("status_values", None, _("{column} comes from the pass Culture: {labels} means the pass Culture paid "
                                          "you for a used booking, a sale (a booking the young person cancels "
                                          "says « annulé »)").format(column=status.name, labels=", ".join(
                                              f"« {label} »" for label in paid)))


def _status_letter_sets() -> tuple[tuple[dict[str, str], str, str], ...]:
    """Ticket statuses in one capital letter, as vendors write them in English exports: the letters, what each
    means, the letter of a sale (most of the rows hold it), and what the draft says of them."""
    return (
        # Ticketmaster Archtics' ``ticket_status``: A an active ticket, R one returned.
        ({"A": "sold", "R": "refunded"}, "A",
         _("one-letter ticket statuses as Ticketmaster Archtics writes them: A active (sold), R returned "
           "(refunded)")),
        # Sold, returned, void.
        ({"S": "sold", "R": "refunded", "V": "cancelled"}, "S",
         _("one-letter ticket statuses: S sold, R returned (refunded), V void (cancelled)")),
    )


def _status_letters(builder: DraftBuilder, status: Column) -> bool:
    """Ticket statuses written as single letters. In an English export whose header names a status, a known
    vendor's set (``_status_letter_sets``) whose sale letter holds most of the rows is read so, marked to check;
    any other single letters (« V », « A », « R » may be vendu, annulé, remboursé in French, or void, active,
    returned; R reserved as often as returned) are left to the member, who knows them. Returns whether the
    statuses were letters."""
    values = [v.strip() for v in status.values if v and v.strip()]
    letters = set(values)
    if not values or not all(len(v) == 1 and v.isalpha() and vocab.classify_boolean(v) is None for v in letters):
        return False  # « O », « N » in a « Payé » column say yes and no (``_paid_or_not``)
    for meaning, sale, why in _status_letter_sets():
        if (builder.language == "en" and vocab.header_score("status", status.name) >= 0.5
                and {v.upper() for v in letters} <= set(meaning) and 2 * sum(v.upper() == sale for v in values)
                > len(values)):
            known = {v: meaning[v.upper()] for v in sorted(letters)}
            builder.settings["status_values"] = known
            builder.note("status_values", known, why, check=True)
            return True
    builder.settings["status_values"] = {}
    builder.undecided.append(_("The ticket statuses are single letters ({labels}), which the draft cannot read for "
                               "sure (V may be vendu or void, A active or annulé, R returned or reserved): in the "
                               "mapping's YAML, write what each stands for under `status_values`: sold, refunded, "
                               "cancelled or exchanged.").format(labels=", ".join(sorted(letters))))
    return True


def _cut_last_status(builder: DraftBuilder, values: list[str], known: dict[str, str], unknown: list[str]) -> list[str]:
    """``unknown`` without the last row's status when it is written once and is the start of a status the
    draft knows (« Confirm » below « Confirmed »): a file cut short in its last word, said so, not a status
    the member should add to the mapping (which would take that half row for a sale)."""
    last = values[-1] if values else ""
    words = [k for k in known if len(k) > len(last) and k.casefold().startswith(last.casefold())]
    if last not in unknown or values.count(last) != 1 or not words:
        return unknown
    builder.undecided.append(_("The last row's ticket status « {label} » is the start of « {word} »: the file looks "
                               "cut short in the middle of its last line (a download or a copy interrupted); check "
                               "that it holds the whole export, or export it again.").format(
        label=last, word=words[0]))
    return [label for label in unknown if label != last]


def _order_status_letters(builder: DraftBuilder, status: Column) -> bool:
    """pretix's orders say their status in one letter: ``p`` paid, ``n`` pending (not paid
    yet), ``e`` expired (never paid), ``c`` cancelled. Read so when every value of the status
    column is one of them and some are paid; a pending order is left for the member to say."""
    letters = {v.strip().lower() for v in status.values if v and v.strip()}
    if "p" not in letters or not letters <= set(_ORDER_STATUS_LETTERS) | {"n"}:
        return False
    known = dict(_ORDER_STATUS_LETTERS)
    builder.settings["status_values"] = known
    builder.note("status_values", known, _("one-letter order statuses as pretix writes them: p paid, e expired "
                                           "(never paid), c cancelled"), check=True)
    if "n" in letters:
        builder.undecided.append(_("Status n (an order not paid yet) is left to you: in the mapping's YAML, add it "
                                   "under `status_values` as sold if those tickets count, or cancelled."))
    return True
