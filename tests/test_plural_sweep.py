"""Every sentence with a count has its singular, or a reason not to need one."""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir

from culturecoop.i18n import catalog

SRC = Path(__file__).resolve().parents[1] / "src" / "culturecoop"
COUNTS = ("n", "count")

# Sentences with a count field that need no singular, each with why: the field is not a count (an
# ordinal, a value quoted back), or it never takes 0 or 1, or the figure follows a label and a colon
# (« Lignes vides ignorées : 1. » reads right whatever the count). Anything else with {n} or
# {count} is written through ``plural`` (i18n), ``counted`` (the CLI) or ``t.plural`` (the web).
NOT_A_COUNT_OR_NEVER_0_OR_1 = {
    "--patrons must be a positive number of people (got {n}); try --patrons 20000.": "a value quoted back",
    "--patrons {n} is more than this generator handles ({max}); generate several cooperatives with different seeds instead.": "above the maximum",
    "--permutations must be a whole number from 1 to {most} (2000 is the default); got {n}.": "a value quoted back",
    "A field of the form is too long (more than {n} characters); shorten it and send the form again.": "a fixed limit",
    "The field {field} is too long: give at most {n} characters.": "a fixed limit",
    "The password is too short: use at least {n} characters.": "a fixed limit (12)",
    "Contribution accounting handles up to {n} members; this cooperative has {m}.": "a fixed limit",
    "Encoding and linking FEBRL {n}…": "a data set's number (FEBRL 1 to 4)",
    "row {n}": "an ordinal",
    "Option {name} requires {count} arguments.": "Click says it for options of two values or more",
    "Created {n} key files in {dir} (readable by you only):": "always four files",
    "{n} of the rows looked at have no {column} but an e-mail or a phone: they are identified by the e-mail, else the phone (the same person's rows with and without a number are joined at linkage by the e-mail)": "said for three rows or more (fewer are a slip, said by its own pair)",
    "{n} of the rows looked at have no {column} but an e-mail or a phone: they will be set aside. To keep them, choose no column for {field} (the e-mail, else the phone, then tells who bought on every row), or, beside {field} in the form below, choose “{email_phone}” for “{where_empty}” to use them only where {column} is empty.": "the member app's words for the draft's plural form; its singular has its own pair",
    "{n} of the rows looked at have no amount in «{column}»: if they are seats given (invitations, press, guests), add `blank_price: 0` to the mapping; otherwise they are rejected as rows without a price.": "said from 3 rows on",
    "{n} of the rows looked at have no amount in «{column}»: if they are seats given (invitations, press, guests), choose “{free}” for “{blank}” under “{how}” in the form below; otherwise they are rejected as rows without a price.": "said from 3 rows on (the member app's words for the one above)",
    "None of the {n} rows of {path} is a ticket ({column} says so): there is nothing to prepare; export the sales of tickets, or check what each word is under “{kinds}” in the form below.": "the member app's words for prepare's plural form; its singular (« The only row of {path} ») has its own",
    "Hybrid: a committee of {n} blends and a ranking factorization ({share} of the score); lists diversified at {diversity}, the median its members chose on their folds ({each}).": "the committee's fixed size",
    "Fewer than {n} comparable past events in the period: no forecast; start the period earlier to compare with more events.": "a fixed threshold",
    "Fewer than {n} comparable past events in the period: no forecast; widen the period with --from.": "a fixed threshold",
    "Fewer than {n} past events share a genre with this one: all events of the period are compared.": "a fixed threshold",
    "Build an audience: your patrons without a visit for {n} months": "a fixed period",
    "Fewer of your patrons come back than at your peers (index {index}): bring back those who have not come for {n} months.": "a fixed period",
    "{rate} of attendances were followed by another visit: the patrons who have not come back for {n} months are the ones a message can still bring back.": "a fixed period",
    "The chart shows the first {n} rows; the table and the CSV have them all.": "a fixed cap, said only when there are more rows",
    "{share} of the lines split into {n} columns (separator: {name})": "a separator splits a line in two columns or more",
    "The file {path} has {n} columns named “{column}” (columns {positions}) and the mapping reads that name, so which one it means is unclear; rename all but one of them in the export's header line (such as “{column} 2”), then name in the mapping the one to read.": "two columns or more by definition",
    "Blank lines skipped: {n}.": "a figure after a label",
    "Cancelled events left out (their status says so): {n}.": "a figure after a label",
    "Events with no date in your export: {n}. Each is dated by its last sale, so its sales pace ends that day; map the column that gives the show's date (or add one to the export) and prepare it again to date them.": "a figure after a label",
    "empty ({n})": "a figure in brackets after a label",
    "{path} lists only cancelled events ({n}); give the events that will take place.": "a figure in brackets after a label",
    " ({n} more rows like it)": "said for two or more (one has its own sentence)",
    "{n} days before": "60, 30, 14 or 7 days",
    "The largest age group is {group} ({n} people, {share}).": "a group shown across members holds 10 people or more",
    "The largest group lives in {group} ({n} people, {share}).": "a group shown across members holds 10 people or more",
    "Found in the exports kept on this computer: {n} ({files}).": "a figure after a label",
    "Not found: {n}. Their tokens match no id of the exports kept here: the export that holds them was deleted, was prepared on another computer, or is not dropped here yet. Drop that export (the very file you prepared and sent), then this list again; meanwhile their rows are kept with an empty id.": "a figure after a label",
    "{field} is written once for every row, but this export holds several events ({n} in its first rows): choose the column that gives each event's date instead, or leave it empty and prepare one export per event.": "said for two events or more",
    "Your programme announces {n} events from {first} to {last}, but your data has no sale for them by {day}: send an export with their sales to follow their pace against comparable events. Meanwhile, see who would come to them, or pick a past event below.": "one event has its own sentence",
}

# In the catalogs but said by no code any more.
NO_LONGER_USED = {
    "Data of {n} members",
    "Show the {n} rows",
    "{segment}: your {n} patrons (CSV of your patron ids)",
    "{path} line {line}: the {column} is empty or unreadable ({value!r}); fix or remove that row ({n} such rows) — timestamps are ISO 8601 or Unix seconds.",
}

# Still written once in the plural, not swept yet (multi-line sentences of services and error
# messages): listed so that the list only shrinks and any new one fails here.
NOT_YET_SWEPT = {
    " and {n} more",
    "Erasure at the person's request removes them from the whole cooperative and rewrites the files; {n} erasures so far, {h} keyed hashes on the suppression list so that a later package does not bring them back.",
    "No row names a buyer, so nothing was written: the {n} rows accepted are sales naming nobody (no customer number, e-mail, phone or name), and the cooperative counts people; check that the mapping reads the buyer's columns, or send the export that names them.",
    "No row was accepted, so nothing was written: {n} of {total} rows are set aside ({reason}){on}; {advice}.",
    "None of the {n} records of the truth file has an identity; give the warehouse loaded from the same synthetic data, and with --keys the key folder its packages were prepared with.",
    "Nothing was written: {field}, read from the column {column}, cannot be read or is implausible in {n} of the {total} rows that fill it ({share}), with the values {values}; add their format to the {formats}, or choose another column for it.",
    "Nothing was written: {n} of {total} rows are set aside ({reason}){on}; {advice}, {override}.",
    "Nothing was written: {n} of {total} rows of {path} are rejected ({reason}); check the mapping's column for it, or run prepare again with --max-reject-share 1 to quarantine them anyway.",
    "Rows of {file} in {path} name buyers the package does not hold ({n} of them): the package is inconsistent; prepare it again.",
    "Rows of {file} in {path} name events the package does not hold ({n} of them): the package is inconsistent; prepare it again.",
    "one JSON document: its {n} records are read as JSON lines, one per row",
}

# Sentences of files other engineers were changing when the plurals were swept (ingest's drafting,
# dates, labels, profile and prepare): left as they were, to be swept with them.
LEFT_FOR_NOW = {
    "{count} phone numbers carry the country code +{code}, of a country culturecoop does not know: choose the nearest of {allowed}, and check the postal codes",
    "{n} dates have a first number above 12: the day comes first",
    "{n} dates have a second number above 12: the month comes first",
    "{n} sampled amounts are negative (refund rows)",
    "{n} written with month or day names (read without a format)",
    "Line {line} of the file holds a NUL character (an invisible byte some exports pad fields with; {n} in the file): each was read as nothing, so a value is the characters around it.",
}


def plural_pairs() -> set[tuple[str, str]]:
    """Every (one, other) pair the code asks for: ``plural(n, one, other)`` and ``counted(n, one,
    other)`` in Python, ``plural(n, one, other)`` in the templates."""
    pairs: set[tuple[str, str]] = set()
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"plural": (2, 3), "plural_in": (2, 3), "counted": (2, 3)}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(str(SRC), method_map, keywords=keywords):
        if isinstance(message, tuple) and len(message) == 2 and all(message):
            pairs.add((str(message[0]), str(message[1])))
    return pairs


def count_messages() -> set[str]:
    found = set()
    for msgid in catalog("fr"):
        fields = {f for _l, f, _s, _c in string.Formatter().parse(msgid) if f}
        if fields & set(COUNTS):
            found.add(msgid)
    return found




def test_every_count_sentence_has_its_singular_or_a_reason_not_to() -> None:
    """Every message with a {n} or {count} field is one form of a pair the code picks from by the
    count, or is listed above with why it never needs the singular; both forms are translated."""
    pairs = plural_pairs()
    in_pairs = {form for pair in pairs for form in pair}
    plural_only = sorted(count_messages() - in_pairs - set(NOT_A_COUNT_OR_NEVER_0_OR_1) - LEFT_FOR_NOW
                         - NO_LONGER_USED - NOT_YET_SWEPT)
    assert not plural_only, "count sentences written once in the plural:\n" + "\n".join(plural_only)
    french = catalog("fr")
    untranslated = sorted(form for form in in_pairs if form not in french)
    assert not untranslated, untranslated
    same = sorted(one for one, other in pairs if french.get(one) == french.get(other))
    assert not same, f"a pair whose two French forms are the same: {same}"
    stale = sorted((set(NOT_A_COUNT_OR_NEVER_0_OR_1) | NOT_YET_SWEPT | LEFT_FOR_NOW) - count_messages())
    assert not stale, f"listed but no longer in the catalogs: {stale}"


