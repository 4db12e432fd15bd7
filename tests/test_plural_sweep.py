"""Every sentence with a count has its singular, or a reason not to need one."""

from __future__ import annotations

import re
import string
from functools import cache
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
    "Titles with {n} dated slots or more (an exhibition's timed entries) are listed once each, with their tickets sold per week, rather than one line per slot.": "a fixed threshold (30)",
    "The reason is longer than {n} characters; shorten it.": "a fixed limit (1,000)",
    "{n} people will receive it, {held} are kept aside to measure its effect.": "each arm as the privacy gate releases it: k people or more, else « fewer than k »",
    "sheet {sheet} holds the table (the draft read its first {n} rows; prepare reads them all)": "the draft's sample of 1,000 rows",
    "Your events share titles over several days (an exhibition, a show's run): each row is a title, with the share of its patrons whose next visit to another of your titles came within {n} months of their last visit to it.": "a horizon of seven months or more",
    "{n} events of the period are followed for the horizon: too many to draw one by one (a museum's timed entries, a few visitors each); the table lists them, and the rate by title below compares what they share.": "said above 300 events",
    "{n} events of the period are followed for the horizon: too many to draw one by one; the table lists them.": "said above 300 events",
    "--patrons must be a positive number of people (got {n}); try --patrons 20000.": "a value quoted back",
    "--patrons {n} is more than this generator handles ({max}); generate several cooperatives with different seeds instead.": "above the maximum",
    "--permutations must be a whole number from 1 to {most} ({default} is the default); got {n}.": "a value quoted back",
    "A field of the form is too long (more than {n} characters); shorten it and send the form again.": "a fixed limit",
    "The field {field} is too long: give at most {n} characters.": "a fixed limit",
    "The password is too short: use at least {n} characters.": "a fixed limit (12)",
    "Contribution accounting handles up to {n} members; this cooperative has {m}.": "a fixed limit",
    "Encoding and linking FEBRL {n}…": "a data set's number (FEBRL 1 to 4)",
    "row {n}": "an ordinal",
    "{line} (attendee {n})": "an ordinal",
    "attendees must name the attendees' numbered columns of a CSV or Excel export with {n} for the number, such as numbered: [\"Participant {n} - Nom\"] (seats: and shared: may name the order's number of seats and its amounts)": "the {n} a mapping writes in a column's name",
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
    "{rate} of attendances were followed by another visit within six months: the patrons who have not come back for {n} months are the ones a message can still bring back.": "a fixed period",
    "{rate} of attendances were followed by another visit within {months} months: the patrons who have not come back for {n} months are the ones a message can still bring back.": "a fixed period (six), and a horizon of seven months or more",
    "Return rate: of the attendances at your events that your data follows to your next season, the share whose next visit to one of your events came within {n} months (long enough to cover your calendar's longest break between two events).": "a horizon of seven months or more",
    "of the attendances at events your data follows to your next season, the share back at one of your events within {n} months (long enough to cover your calendar's longest break between two events)": "a horizon of seven months or more",
    "Share of each event's patrons back within {n} months": "a horizon of seven months or more",
    "Back within {n} months (%)": "a horizon of seven months or more",
    "Each point is an event (its size: its attendees): the share of its patrons who came to another of your events within {n} months, the horizon that covers your calendar's longest break (a festival's year between two editions). Events your data does not yet follow to your next season are in the table, not yet compared.": "a horizon of seven months or more",
    "{share} of the lines split into {n} columns (separator: {name})": "a separator splits a line in two columns or more",
    "The file {path} has {n} columns named “{column}” (columns {positions}) and the mapping reads that name, so which one it means is unclear; rename all but one of them in the export's header line (such as “{column} 2”), then name in the mapping the one to read.": "two columns or more by definition",
    "The file {path} has {n} columns named “{column}” (columns {positions}) and the mapping reads that name, so which one it means is unclear; name in the mapping the one to read: {names}.": "two columns or more by definition",
    "Blank lines skipped: {n}.": "a figure after a label",
    "Line {line} of the file holds a NUL character (an invisible byte some exports pad fields with; in the file: {n}): each was read as nothing, so a value is the characters around it.": "a figure after a label",
    "Cancelled events left out (their status says so): {n}.": "a figure after a label",
    "Events with no date in your export: {n}. Each is dated by its last sale, so its sales pace ends that day; map the column that gives the show's date (or add one to the export) and prepare it again to date them.": "a figure after a label",
    "empty ({n})": "a figure in brackets after a label",
    "{path} lists only cancelled events ({n}); give the events that will take place.": "a figure in brackets after a label",
    " ({n} more rows like it)": "said for two or more (one has its own sentence)",
    "{n} days before": "60, 30, 14 or 7 days",
    "The largest age group is {group} ({n} people, {share}).": "a group shown across members holds 10 people or more",
    "The largest group lives in {group} ({n} people, {share}).": "a group shown across members holds 10 people or more",
    "Found in the exports kept on this computer: {n} ({files}).": "a figure after a label",
    "Bought {what} since the send on {since}: {n} of the {people} people drawn for the campaign, and {held} of the {held_people} people kept aside without the e-mail.": "a figure after a label and a colon (« : 1 des 540 personnes »)",
    "Not found: {n}. Their tokens match no id of the exports kept here: the export that holds them was deleted, was prepared on another computer, or is not dropped here yet. Drop that export (the very file you prepared and sent), then this list again; meanwhile their rows are kept with an empty id.": "a figure after a label",
    "{field} is written once for every row, but this export holds several events ({n} in its first rows): choose the column that gives each event's date instead, or leave it empty and prepare one export per event.": "said for two events or more",
    'Nothing was written: {field}, read from the column {column}, cannot be read or is implausible in {n} of the {total} rows that fill it ({share}), with the values {values}; add their format to the {formats}, or choose another column for it.': "said from 5 rows on (quarantine.guard_dropped_fields)",
    "Nothing was written: {n} of {total} rows of {path} are rejected ({reason}); check the mapping's column for it, or run prepare again with --max-reject-share 1 to quarantine them anyway.": "said from 10 rows on (quarantine.MIN_REJECTS_FOR_PATTERN)",
    "Your programme announces {n} events from {first} to {last}, but your data has no sale for them by {day}: send an export with their sales to follow their pace against comparable events. Meanwhile, see who would come to them, or pick a past event below.": "one event has its own sentence",
    "No partner's shows draw more of your patrons than chance: the closest is {partner}, whose most likely people hold {fit} times as many ({n} of your patrons).": 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    'Your best cross-offer partner is {partner}: the people most likely to come to its shows hold {fit} times as many of your patrons as chance ({n} people), and those most likely to come to yours {theirs} times as many of its patrons.': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    'Your best cross-offer partner is {partner}: the people most likely to come to its shows hold {fit} times as many of your patrons as chance ({n} people), and those most likely to come to yours {theirs} times as many of its patrons; propose it a cross offer in the table below.': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    'Your best cross-offer partner is {partner}: the people most likely to come to its shows hold {fit} times as many of your patrons as chance ({n} people).': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    'Your best cross-offer partner is {partner}: the people most likely to come to its shows hold {fit} times as many of your patrons as chance ({n} people); propose it a cross offer in the table below.': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    'its patrons {fit} × chance ({n})': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    'your patrons {fit} × chance ({n})': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    '{fit} × chance ({n})': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    '{n} of its patrons': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
    '{n} of your patrons': 'a cross-offer count the privacy gate released: k or more (a hidden one is said otherwise)',
}

# In the catalogs but said by no code any more.
NO_LONGER_USED = {
    "{path} line {line}: the {column} is empty or unreadable ({value!r}); fix or remove that row ({n} such rows) — timestamps are ISO 8601 or Unix seconds.",
}

# Still written once in the plural, not swept yet (multi-line sentences of services and error
# messages): listed so that the list only shrinks and any new one fails here.
NOT_YET_SWEPT: set[str] = set()

# Sentences of files other engineers were changing when the plurals were swept (ingest's drafting,
# dates, labels, profile and prepare): left as they were, to be swept with them.
LEFT_FOR_NOW: set[str] = set()


# A count can also be a field of another name followed by what it counts (« {tickets} billets »,
# « {members} members »): « 1 billets », « 0 membres ». Such sentences say the count through a pair
# of pieces (« {n} ticket » / « {n} tickets »), or are listed with why the count is never 0 or 1.
COUNTED_NOUNS = ("tickets|patrons|events|members|rows|recipients|releases|days|records|persons|seats|suggestions|"
                 "messages|lines|items|entries|minutes|people|visits|attendees|orders|addresses|tokens|fields|keys|"
                 "pairs|admissions|months|characters|bytes|statements|columns|values|sales|packages|files|accounts|"
                 "campaigns|audiences|offers|shows|performances|genres|weeks|hours|seconds|errors|bits|erasures|"
                 "numbers|dates|buyers|refunds|exports|segments|partners|categories|points")
NAMED_COUNT = re.compile(r"\{(?!n\}|count\})\w+\} (?:" + COUNTED_NOUNS + r")\b")

NAMED_COUNT_NEVER_0_OR_1 = {
    "Among your events of at least {least} attendees, within {months} months, {low} of the patrons of {low_title} ({low_day}) came back to another of your events, and {high} of those of {high_title} ({high_day}).": "a horizon of seven months or more",
    "Within {months} months, {rate} of the visits your data follows that long were followed by a return of the same person to another of your events.": "a horizon of seven months or more",
    "{rate} of attendances were followed by another visit within {months} months: the patrons who have not come back for {n} months are the ones a message can still bring back.": "a horizon of seven months or more",

    "Bought {what} since the send on {since}: {n} of the {people} people drawn for the campaign, and {held} of the {held_people} people kept aside without the e-mail.": "each arm of a campaign as the privacy gate releases it: k people or more",
    "Too few people bought to measure the campaign's effect: one of the figures it rests on counts fewer than {k} people, and no more purchases will count.": "the privacy gate's threshold k, 2 or more",
    'A record is kept {months} months after its last ticket, then removed from every table and from the files themselves (`culturecoop retention apply`).': 'a setting or its limit',
    'A retention of {months} months is outside the allowed range; give --months between {low} and {high}.': 'a setting or its limit',
    'Audience {audience} "{name}" ({kind}): {size} people.': 'an audience as the privacy gate releases it: k people or more',
    'Campaign {campaign} ({status}), conversions within {days} days.': 'a setting or its limit',
    'Cross-member figures are those released before for the same question: fewer than {k} people changed since.': "the privacy gate's threshold k, 2 or more",
    'Cross-member figures count distinct people who agreed to pooling; cells under {k} people show as "< {k}".': "the privacy gate's threshold k, 2 or more",
    'Cross-member figures cover {first} to {last} (the last {months} months with data); choose a period inside it.': 'a setting or its limit',
    'Cross-member figures: aggregates only, cells under {k} patrons shown as “< {k}”.': "the privacy gate's threshold k, 2 or more",
    'Deleted in {delete} s; the warehouse file was rewritten in {rewrite} s ({before} → {after} bytes), so no byte of the removed rows is left in it.': 'a size',
    'Encodings: Bloom filters of {bits} bits with {hashes} keyed hash positions per token, for {fields}; identifiers as {hex}-digit keyed tokens.': 'a size',
    'Every group counts fewer than {k} people: the privacy gate hides them all.': "the privacy gate's threshold k, 2 or more",
    'For {seats} seats the audience would hold {wanted} people (three per seat), more than half of the people who share their data in the cooperative: it keeps the most likely half.': 'an audience as the privacy gate releases it: k people or more',
    'Generated from the live configuration of the cooperative: {members} members, {patrons} patron records, {persons} linked persons, {tickets} tickets.': "a model's, a benchmark's or the impact assessment's figure: hundreds or more",
    'Hidden by the privacy gate: fewer than {k} patrons, or a total that would reveal such a cell.': "the privacy gate's threshold k, 2 or more",
    'Hidden: fewer than {k} people, or a group that would reveal one by difference with the total.': "the privacy gate's threshold k, 2 or more",
    "Measured on the cooperative's own data: the newest past events held out as if upcoming, {people} people who attended them.": "a model's, a benchmark's or the impact assessment's figure: hundreds or more",
    "Measured on the cooperative's own data: {events} recent past events set aside as if they were upcoming, and the {people} visits people made to them.": "a model's, a benchmark's or the impact assessment's figure: hundreds or more",
    'Model {model} trained on {people} people, {events} past events and {interactions} pooled attendances in {seconds} s.': "a model's, a benchmark's or the impact assessment's figure: hundreds or more",
    'Records are kept {months} months after their last ticket.': 'a setting or its limit',
    "Send an e-mail to one of your saved audiences without ever seeing who is in it: the cooperative's sender delivers it to the people who agreed, keeps a random holdout out to measure the effect, and shows you only figures of at least {k} people.": "the privacy gate's threshold k, 2 or more",
    'Synthetic cooperative ({people} people, seed {seed})': "a model's, a benchmark's or the impact assessment's figure: hundreds or more",
    'The audience name is {length} characters long; give at most {most}, e.g. --name "Jazz fans for March".': 'a setting or its limit',
    "The campaign's effect is not shown yet: one of the figures it rests on counts fewer than {k} people. Look again once more of the people drawn have bought.": "the privacy gate's threshold k, 2 or more",
    'The conversion window must be from 1 to {most} days, e.g. 30; got {days}.': 'a setting or its limit',
    'The frequency-cap window is at most {most} days (e.g. --days 7); got {days}.': 'a setting or its limit',
    'The likely audience of {event} is {size} people across the cooperative, {new} of whom ({share}) have never bought a ticket from you.': 'an audience as the privacy gate releases it: k people or more',
    'The likely audience of {event} is {size} people across the cooperative.': 'an audience as the privacy gate releases it: k people or more',
    'The likely audience of {event} is {size} people across the cooperative; {own} of them ({share}) already bought a ticket from you, and you can write to them yourself: to reach others, save only the people new to you.': 'an audience as the privacy gate releases it: k people or more',
    'The privacy gate hides every group: some count fewer than {k} people, and the others would reveal them by difference with the total.': "the privacy gate's threshold k, 2 or more",
    'The {what} is longer than {limit} characters; shorten it.': 'a setting or its limit',
    "These figures combine several members' data. They passed the privacy gate: a cell counting fewer than {k} patrons is hidden, and no one can be singled out.": "the privacy gate's threshold k, 2 or more",
    'This e-mail address is too long to receive mail (at most {local} characters before the @ and {total} in all); check it and give it again.': 'a setting or its limit',
    'Too many failed sign-ins; wait {minutes} minutes and try again.': 'a setting or its limit',
    "You asked for {asked} people: an event's audience goes by whole blocks of {k} people, so that two audiences never tell one person apart by their difference.": "the privacy gate's threshold k, 2 or more",
    'You welcomed {patrons} patrons over the period: {change} fewer than over the period before.': 'said from 30 patrons on (insights.MIN_PATRONS)',
    'You welcomed {patrons} patrons over the period: {change} more than over the period before.': 'said from 30 patrons on (insights.MIN_PATRONS)',
    'Your audience is steady: {patrons} patrons over the period, as many as over the period before (within {change}).': 'said from 30 patrons on (insights.MIN_PATRONS)',
    'Your {tickets} tickets brought in {revenue}: {basket} per order on average.': 'said from 30 patrons on (insights.MIN_PATRONS)',
    'Your {tickets} tickets naming a patron brought in {revenue}: {basket} per order on average. Admissions sold at the door or in cash, naming nobody ({unnamed}), are not in these figures.': 'said from 30 patrons on (insights.MIN_PATRONS); the admissions after their label',
    'fewer than {k} people': "the privacy gate's threshold k, 2 or more",
    'people, as the privacy gate releases it: too few for a campaign, which writes to at least {k} people and keeps as many aside to measure its effect; save a larger audience to write to.': "the privacy gate's threshold k, 2 or more",
    '{dataset}: precision {precision}, recall {recall}, F1 {f1} ({correct} of {true} true pairs found, {predicted} pairs predicted); {pairs} pairs compared in {seconds} s.': "a model's, a benchmark's or the impact assessment's figure: hundreds or more",
    '{patrons} patrons ({share}) have not come back in the last six months of the period: an audience to win back.': 'said from 30 patrons on (insights.MIN_PATRONS)',
    '{share} of the {audience} people of your pooled audience also went to other members in the period.': 'an audience as the privacy gate releases it: k people or more',
    '“< {k}” hides a figure of fewer than {k} people. The effect compares everyone drawn for the campaign, reached or not, with the people kept aside at random.': "the privacy gate's threshold k, 2 or more",
    '“< {k}” hides a figure of fewer than {k} people. The lift compares everyone drawn for the campaign with the random holdout, reached or not.': "the privacy gate's threshold k, 2 or more",
    'Campaign {campaign} created ({status}): {recipients} recipients, {holdout} kept out as the holdout.': 'figures the privacy gate released: k or more, or « < k »',
    'Made {days} ahead on your last {events} events, this forecast missed their final sales by {error} in the median; its range comes from those misses.': 'said from 10 past events on (pace.MIN_TRACK_RECORD); its days are a pair',
    'More newcomers: {new} people came for the first time over the period, {change} more than over the period before ({previous}).': "more than the period before's 30 newcomers or more",
    'Forecast: {forecast} (likely {low} to {high}) for {capacity} seats; chance of selling out: {sellout}.': "a hall's capacity; the forecast is a pair",
    'Forecast: {forecast} for {capacity} seats; chance of selling out: {sellout}.': "a hall's capacity; the forecast is a pair",
    'of {capacity} seats': "a hall's capacity",
    'Package {package} written: {tickets} tickets; planted lift {lift} (true lift by assignment {truth}).': "a simulated campaign's buyers, an audience of k people or more",
    'Nothing was written: {field}, read from the column {column}, cannot be read or is implausible in {n} of the {total} rows that fill it ({share}), with the values {values}; add their format to the {formats}, or choose another column for it.': "said from 5 rows on (quarantine.guard_dropped_fields)",
    "Nothing was written: {n} of {total} rows of {path} are rejected ({reason}); check the mapping's column for it, or run prepare again with --max-reject-share 1 to quarantine them anyway.": "said from 10 rows on (quarantine.MIN_REJECTS_FOR_PATTERN)",
    'Among your events of at least {least} attendees, within six months, {low} of the patrons of {low_title} ({low_day}) came back to another of your events, and {high} of those of {high_title} ({high_day}).': 'a fixed threshold',
    "{share} of the accuracy the recommendations gained on the members' events: {yours} points of {total}.": "said through web.views.contribution.RECOMMENDATION_POINTS, a pair passed as a tuple (the extraction reads only literal arguments)",
    'This measure appears once at least {events} recent events of the cooperative have each drawn {people} people or more who had come to an older one: it fills in as the members send their newer exports, with nothing for you to do.': "reco.gains' fixed thresholds (10 events, 10 people)",
}

# Not swept yet: listed so that the list only shrinks.
NAMED_COUNT_NOT_YET_SWEPT: set[str] = set()


@cache  # the package's extraction takes seconds: read once for the module's tests
def plural_pairs() -> frozenset[tuple[str, str]]:
    """Every (one, other) pair the code asks for: ``plural(n, one, other)`` and ``counted(n, one,
    other)`` in Python, ``plural(n, one, other)`` in the templates."""
    pairs: set[tuple[str, str]] = set()
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"plural": (2, 3), "plural_in": (2, 3), "counted": (2, 3), "plural_of": (3, 4)}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(str(SRC), method_map, keywords=keywords):
        if isinstance(message, tuple) and len(message) == 2 and all(message):
            pairs.add((str(message[0]), str(message[1])))
    return frozenset(pairs)


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




def test_a_count_named_otherwise_agrees_with_its_count() -> None:
    """« Paquet préparé : 38 lignes acceptées, 0 rejetées », « now holds 1 members », « à J-1 (1 billets) »:
    a field followed by what it counts is said through a pair, or is listed with why it never needs one."""
    in_pairs = {form for pair in plural_pairs() for form in pair}
    named = {msgid for msgid in catalog("fr") if NAMED_COUNT.search(msgid)}
    unsaid = sorted(named - in_pairs - set(NAMED_COUNT_NEVER_0_OR_1) - NAMED_COUNT_NOT_YET_SWEPT)
    assert not unsaid, "counts of another name said once in the plural:\n" + "\n".join(unsaid)
    stale = sorted((set(NAMED_COUNT_NEVER_0_OR_1) | NAMED_COUNT_NOT_YET_SWEPT) - named)
    assert not stale, f"listed but no longer in the catalogs: {stale}"


# A pair chosen by its {n} that says a second count in the plural whatever it is (« (0 jetons ne
# correspondent …) » beside « 740 lignes écrites »): the second count is said through a pair of its own,
# or listed here with why it is never 0 or 1.
SECOND_COUNT_NEVER_0_OR_1 = {
    "{n} of its {total} dates sampled come after the day the file was saved ({day}): they date the shows, not the sales": "the total holds n, two or more",
    "Not counted in the cooperative's genre shares: {n} month, between {first} and {last}, when fewer than {least} members had pooled patrons (one of them could read another's figures).": "the peer figures' fixed minimum (three)",
    "Not counted in the cooperative's genre shares: {n} months between {first} and {last}, when fewer than {least} members had pooled patrons (one of them could read another's figures).": "the peer figures' fixed minimum (three)",
    "On {when}, the retention rule removed {n} record of yours whose last ticket was more than {months} months old.": "a setting or its limit",
    "On {when}, the retention rule removed {n} of your records whose last ticket was more than {months} months old.": "a setting or its limit",
    "On {when}, the retention rule removed {n} record of {member} whose last ticket was more than {months} months old.": "a setting or its limit",
    "On {when}, the retention rule removed {n} records of {member} whose last ticket was more than {months} months old.": "a setting or its limit",
    "{n} customer numbers are written on {lines} lines under {names} different names: accounts shared by many (the box office's, a reseller's), not patrons'.": "a number shared by several names: two lines and two names or more",
    "{n} phone numbers are written on {lines} lines under {names} different names: numbers shared by many (the box office's), not patrons'. They are kept for none of them.": "a number shared by several names: two lines and two names or more",
    "{n} e-mail addresses are written on {lines} lines under {names} different names: addresses shared by many (the box office's, a reseller's), not patrons'. They are kept for none of them: no campaign goes to them and the cooperative links nobody by them.": "a number shared by several names: two lines and two names or more",
    "{n} customer numbers are written on {lines} lines of {orders} different purchases, never with a name, where the other buyers are named: the box office's accounts for buyers it did not ask (“GUICHET”, “Client comptoir”), not patrons.": "a box office's account: ten purchases or more (shared_contacts.SHARED_NAMES)",
    "{n} e-mail addresses are written on {lines} lines of {orders} different purchases, never with a name, where the other buyers are named: the box office's own addresses, not patrons'. They are kept for none of them: no campaign goes to them and the cooperative links nobody by them.": "a box office's account: ten purchases or more (shared_contacts.SHARED_NAMES)",
    "{n} phone numbers are written on {lines} lines of {orders} different purchases, never with a name, where the other buyers are named: the box office's own numbers, not patrons'. They are kept for none of them.": "a box office's account: ten purchases or more (shared_contacts.SHARED_NAMES)",
    "That is about {n} more buyer than without it, among the {people} people drawn for the campaign.": "an audience as the privacy gate releases it: k people or more",
    "That is about {n} more buyers than without it, among the {people} people drawn for the campaign.": "an audience as the privacy gate releases it: k people or more",
    "The package {path} holds {n} value in {table}.{column} that is not a Bloom filter of {bits} bits as prepare writes it, perhaps personal data in clear: nothing was loaded; prepare the export again with culturecoop prepare.": "a size",
    "The package {path} holds {n} values in {table}.{column} that are not Bloom filters of {bits} bits as prepare writes them, perhaps personal data in clear: nothing was loaded; prepare the export again with culturecoop prepare.": "a size",
    "{event} is on course for about {n} ticket for {capacity} seats: reach the people most likely to come.": "a hall's capacity",
    "{event} is on course for about {n} tickets for {capacity} seats: reach the people most likely to come.": "a hall's capacity",
    "{n} patron fewer than in the previous period ({change}): the patrons who have not come back for {months} months are the ones a message can still bring back.": "a fixed period",
    "{n} patrons fewer than in the previous period ({change}): the patrons who have not come back for {months} months are the ones a message can still bring back.": "a fixed period",
    "{n} of the item table's {total} items has no interaction in the log and is not in the test catalogue: it was left out.": "the table shares an item with the log (else it is refused, logs._matched_ids), which is kept: some of its rows only, of 2 or more",
    "{n} of the item table's {total} items have no interaction in the log and are not in the test catalogue: they were left out.": "the table shares an item with the log (else it is refused, logs._matched_ids), which is kept: some of its rows only, of 2 or more",
    "{n} of the log's {total} items has no row in the item table: it has no feature.": "an item table that shares no item with the log is refused (logs._matched_ids): some of its items only, of 2 or more",
    "{n} of the log's {total} items have no row in the item table: they have no feature.": "an item table that shares no item with the log is refused (logs._matched_ids): some of its items only, of 2 or more",
    "The latest {n} of {total} entries; the JSON link gives up to 100 000 (add ?limit=).": "said when more entries exist than the {n} shown (at least 1: ?limit= is 1 or more): a whole of 2 or more",
}
# Not swept yet (a whole of one, « 1 of the log’s 1 items »): listed so that the list only shrinks.
SECOND_COUNT_NOT_YET_SWEPT: set[str] = set()


def test_a_second_count_in_a_pair_agrees_with_its_own_count() -> None:
    forms = {form for pair in plural_pairs() for form in pair}
    second = {form for form in forms if "{n}" in form and NAMED_COUNT.search(form)}
    unsaid = sorted(second - set(SECOND_COUNT_NEVER_0_OR_1) - SECOND_COUNT_NOT_YET_SWEPT)
    assert not unsaid, "a pair that says a second count in the plural whatever it is:\n" + "\n".join(unsaid)
    stale = sorted((set(SECOND_COUNT_NEVER_0_OR_1) | SECOND_COUNT_NOT_YET_SWEPT) - second)
    assert not stale, f"listed but no longer said: {stale}"
