"""An order's attendees written side by side: one line per attendee.

Group bookings (a form's « Participant 1 - Nom », « Participant 2 - Nom »…, a shop's « Attendee 1 Email »,
« Attendee 2 Email »…) write one row per order and its attendees in numbered columns. Read as it is, such a
row is one ticket of all its seats in one person's name: the other attendees are no patrons. The mapping's
``attendees`` setting names the attendee's columns with ``{n}`` for the number::

    attendees:
      numbered: ["Participant {n} - Prénom", "Participant {n} - Nom", "Participant {n} - Courriel"]
      seats: Nombre de billets      # the order's number of seats (optional)
      shared: [Montant total]       # the order's amounts, shared among its seats (optional)
      buyer_only: [Newsletter]      # the buyer's answers (consents), not the other attendees' (optional)

and each row is then read as one line per attendee before anything else (as ``jsondoc`` spreads a JSON
order's tickets): the order's own columns on each line, the attendee's numbered columns under their name
without the number (« Participant - Nom »). An empty attendee block is no ticket; a block with a seat but no
name or contact is a seat in the buyer's name (the buyer's columns of the same kind fill it), and an attendee
named with no contact of their own is reached through the buyer's (an order line of today's exports). Each line is
one seat; seats the order counts beyond its attendees are one more line in the buyer's name; the shared
amounts are split among the seats to the cent, the first lines taking what does not divide.
``detect`` finds the numbered person columns; ``spread_file`` writes the lines of a text export,
``spread_table`` a workbook's rows, ``spread_rows`` rows already read (the draft's sample).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.ingest import vocabulary as vocab

NUMBER = "{n}"
_PERSON_KINDS = ("email", "phone", "first_name", "last_name", "full_name")
# The words of a header naming an attendee or a seat (folded): a block of fields under such a word is an
# attendee's even when only one of them is a name or contact (« Attendee 2 Email », « Billet 2 - Tarif »).
_ATTENDEE_WORDS = frozenset({
    "participant", "participante", "participants", "attendee", "attendees", "guest", "invite", "invitee",
    "spectateur", "spectatrice", "holder", "teilnehmer", "besucher", "asistente", "partecipante", "personne",
    "person", "billet", "ticket", "place", "seat", "entree", "beneficiaire", "eleve", "enfant", "membre"})
# Words of the one person who ordered (folded): their numbered columns are that person's lines (« Buyer Phone 2 »).
_BUYER_WORDS = frozenset({"buyer", "acheteur", "acheteuse", "client", "cliente", "customer", "billing", "facturation",
                          "purchaser", "commanditaire", "payeur", "payer", "contact", "kaufer", "comprador"})
_NUMBER_IN_NAME = re.compile(r"(?<![0-9])([1-9][0-9]?)(?![0-9])")


# The number in a column's name, with the mark written before it (« Participant #2 », « Invité n° 2 »).
_NUMBERED = re.compile(r"\s*(?:#|n[°º]|\b(?:no|nr|num)\b\.?)?\s*\{n\}", re.IGNORECASE)


def unnumbered(stem: str) -> str:
    """The name of an attendee's column without its number: « Participant {n} - Nom » → « Participant - Nom »,
    « Attendee #{n}: Email » → « Attendee: Email », « attendee_{n}_email » → « attendee_email »."""
    text = _NUMBERED.sub("", stem).replace("()", "").replace("[]", "")
    text = re.sub(r"([_.\-])\1+", r"\1", text)
    return " ".join(text.split()).strip(" -_.:")


def person_kind(name: str) -> str | None:
    """The name or contact a header names (``email``, ``first_name``…), if any: read with and without the
    attendee's word (« Ticket Attendee Name » is a name)."""
    plain = " ".join(w for w in re.findall(r"\w+", name) if vocab.fold(w) not in _ATTENDEE_WORDS)
    # What follows the attendee's word says what the column holds: « Participant - Âge » is an age, never the
    # attendee's name (which « Participant » alone would be).
    scores = [(vocab.header_score(kind, plain) if plain else vocab.header_score(kind, name), kind)
              for kind in _PERSON_KINDS]
    best = max(scores)
    return best[1] if best[0] >= 0.6 else None


def detect(header: Sequence[str]) -> list[str]:
    """The stems (column names with ``{n}`` for the number) of the attendees' numbered columns of ``header``:
    fields repeated with the same numbers, under an attendee's or a seat's word (« Attendee {n} Email »,
    « Billet {n} - Tarif ») with at least one name or contact among them, or without one when they name the
    person (a name, and another name or contact: « Nom {n} », « Email {n} »). One person's numbered lines
    (« Adresse 1 », « Téléphone 2 ») or a price list (« Tarif 1 », « Prix 2 ») are no attendees. Empty when
    there are none."""
    numbers: dict[str, set[int]] = {}
    for name in header:
        for found in _NUMBER_IN_NAME.finditer(name):
            stem = name[:found.start()] + NUMBER + name[found.end():]
            numbers.setdefault(stem, set()).add(int(found.group(1)))
    repeated = {stem: ns for stem, ns in numbers.items() if len(ns) >= 2}
    kind = {stem: person_kind(unnumbered(stem)) for stem in repeated}
    worded = {stem for stem in repeated if set(vocab.fold(stem.replace(NUMBER, " ")).split()) & _ATTENDEE_WORDS}
    people = {stem for stem in worded if kind[stem] is not None}
    plain = {stem for stem in repeated if stem not in worded and kind[stem] is not None
             and not set(vocab.fold(stem.replace(NUMBER, " ")).split()) & _BUYER_WORDS}
    plain_kinds = {kind[stem] for stem in plain}
    # A person's age or birth date beside their name (« Nom 1 », « Âge 1 », « Nom 2 », « Âge 2 »): attendees too.
    aged = {stem for stem in repeated if stem not in worded and kind[stem] is None
            and max(vocab.header_score(f, unnumbered(stem)) for f in ("age", "birth_date")) >= 0.6}
    if plain_kinds & {"first_name", "last_name", "full_name"} and (len(plain_kinds) >= 2 or aged):
        people |= plain | aged
    if not people:
        return []
    seen = set().union(*(repeated[s] for s in people))  # the attendees' numbers: their other fields join them
    stems = [stem for stem in repeated if stem in people or (stem in worded and repeated[stem] & seen)]
    return [s for s in stems if s.count(NUMBER) == 1]


@dataclass(frozen=True)
class Setting:
    """The mapping's ``attendees`` setting (the module's doc)."""

    numbered: tuple[str, ...]
    seats: str | None = None
    shared: tuple[str, ...] = ()
    buyer_only: tuple[str, ...] = ()

    def to_yaml(self) -> dict[str, Any]:
        return {"numbered": list(self.numbered), **({"seats": self.seats} if self.seats else {}),
                **({"shared": list(self.shared)} if self.shared else {}),
                **({"buyer_only": list(self.buyer_only)} if self.buyer_only else {})}


def read_setting(value: Any) -> Setting | None:
    """The ``attendees`` setting of a mapping's YAML; None when it is not one (the profile says why)."""
    if not isinstance(value, dict) or set(value) - {"numbered", "seats", "shared", "buyer_only"}:
        return None
    numbered, seats = value.get("numbered"), value.get("seats")
    shared, buyer_only = ([v] if isinstance(v, str) else v for v in (value.get("shared") or [],
                                                                    value.get("buyer_only") or []))
    if not isinstance(numbered, list) or len(numbered) < 1 or not all(
            isinstance(s, str) and s.count(NUMBER) == 1 for s in numbered):
        return None
    if (seats is not None and not isinstance(seats, str)) or not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in (shared, buyer_only)):
        return None
    return Setting(tuple(numbered), seats or None, tuple(shared), tuple(buyer_only))


@dataclass
class Plan:
    """How one header's rows are spread: the order's columns, each attendee's block, the new header."""

    order: list[int]  # the order's own columns, by index
    blocks: dict[int, list[int | None]]  # attendee number → the index of each stem's column (None: not written)
    header: list[str]  # the order's columns, then each stem's name without its number
    buyer: dict[int, int] = field(default_factory=dict)  # stem position → the buyer's column of the same kind
    person: list[int] = field(default_factory=list)  # stem positions of a name or contact
    contact: list[int] = field(default_factory=list)  # stem positions of an e-mail or phone
    seats: int | None = None  # the order's number of seats
    shared: list[int] = field(default_factory=list)  # the order's amounts shared among its seats
    buyer_only: list[int] = field(default_factory=list)  # the buyer's answers (consents): not another attendee's


def plan(header: Sequence[str], stems: Sequence[str], seats: str | None = None,
         shared: Sequence[str] = (), buyer_only: Sequence[str] = ()) -> Plan | None:
    """The ``Plan`` for ``header`` (None when it has fewer than two of the stems' blocks)."""
    at = {name: i for i, name in reversed(list(enumerate(header)))}
    folded = {" ".join(name.casefold().split()): i for i, name in reversed(list(enumerate(header)))}

    def index(name: str) -> int | None:
        return at.get(name, folded.get(" ".join(name.casefold().split())))

    blocks: dict[int, list[int | None]] = {}
    for n in range(1, 100):
        block = [index(stem.replace(NUMBER, str(n))) for stem in stems]
        if any(i is not None for i in block):
            blocks[n] = block
    if len(blocks) < 2:
        return None
    taken = {i for block in blocks.values() for i in block if i is not None}
    order = [i for i in range(len(header)) if i not in taken]
    names = [unnumbered(stem) for stem in stems]
    own = {header[i] for i in order}
    names = [name if name not in own else f"{name} (n)" for name in names]
    person = [k for k, stem in enumerate(stems) if person_kind(unnumbered(stem)) is not None]
    buyer: dict[int, int] = {}
    for k in person:
        kind = person_kind(unnumbered(stems[k]))
        found = [i for i in order if person_kind(header[i]) == kind]
        if found:
            buyer[k] = found[0]
    def own_columns(names: Sequence[str]) -> list[int]:
        return [i for s in names if (i := index(s)) is not None and i in order]

    contact = [k for k in person if person_kind(unnumbered(stems[k])) in ("email", "phone")]
    return Plan(order, blocks, [header[i] for i in order] + names, buyer, person, contact,
                index(seats) if seats else None, own_columns(shared), own_columns(buyer_only))


def checked_plan(header: Sequence[str], setting: Setting, shown: str) -> Plan:
    """The ``Plan`` of the setting for ``header``; ``UserError`` when a stem names no column of two attendees of
    the export ``shown``."""
    p = plan(header, setting.numbered, setting.seats, setting.shared, setting.buyer_only)
    missing = [stem for k, stem in enumerate(setting.numbered)
               if p is None or all(block[k] is None for block in p.blocks.values())]
    if missing or p is None:
        stem = missing[0] if missing else setting.numbered[0]
        raise UserError(_("The mapping's attendees setting names “{stem}”, but {path} has no such column for two "
                          "attendees or more (“{first}”, “{second}”); write the attendees' columns as its header "
                          "does, {{n}} for their number.").format(
            stem=stem, path=shown, first=stem.replace(NUMBER, "1"), second=stem.replace(NUMBER, "2")))
    return p


def spread_table(p: Plan, rows: Sequence[tuple[int, list[str | None]]], decimal: str, places: int,
                 spread: Spread) -> list[tuple[int, int, list[str | None]]]:
    """A workbook's rows (each with its row number) one line per attendee: (the row's position in ``rows``, the
    line's number, its cells), numbered after the lines ``spread`` already holds, which it records."""
    out = []
    for k, (number, cells) in enumerate(rows):
        spread.rows += 1
        for values, n in spread_row(p, cells, decimal, places):
            spread.lines.append((number, n))
            spread.attendees += 1
            out.append((k, len(spread.lines), values))
    return out


def _filled(value: str | None) -> bool:
    return value is not None and value.strip() != ""


_AMOUNT = re.compile(r"^(?P<sign>-?)\D*?(?P<digits>[0-9][0-9 \u00a0\u202f.,']*)\D*$")


def _amount(text: str, decimal: str) -> tuple[Decimal, int] | None:
    """The amount ``text`` writes, and its number of decimals (« 65,00 » → 65, 2)."""
    found = _AMOUNT.match(text.strip())
    if found is None:
        return None
    digits = re.sub(r"[ \u00a0\u202f']", "", found.group("digits")).rstrip(".,")
    other = "," if decimal == "." else "."
    digits = digits.replace(other, "")
    places = len(digits) - digits.index(decimal) - 1 if decimal in digits else 0
    try:
        return Decimal(found.group("sign") + digits.replace(decimal, ".")), places
    except InvalidOperation:
        return None


def shares(text: str | None, seats: list[int], decimal: str, places_at_least: int = 2) -> list[str | None]:
    """``text`` (an amount) split among lines of ``seats`` seats each, to its last decimal, the first lines
    taking what does not divide; as it is on the first line (and nothing on the others) when it is no amount."""
    if not _filled(text) or len(seats) == 1:
        return [text] + [None] * (len(seats) - 1)
    assert text is not None
    read = _amount(text, decimal)
    if read is None:
        return [text] + [None] * (len(seats) - 1)
    value, places = read
    places = max(places, places_at_least)
    unit = Decimal(1).scaleb(-places)
    total_units = int((value / unit).to_integral_value())
    whole = sum(seats)
    base = [total_units * s // whole for s in seats]
    left = total_units - sum(base)
    for k in range(abs(left)):
        base[k % len(base)] += 1 if left > 0 else -1
    out = []
    for units in base:
        shown = f"{Decimal(units) * unit:.{places}f}"
        out.append(shown.replace(".", decimal) if decimal != "." else shown)
    return list(out)


def _is_buyer(p: Plan, row: Sequence[str | None], values: Sequence[str | None]) -> bool:
    """Whether an attendee's name and contact are the buyer's (each written on both the same)."""
    both = [(values[k], row[i]) for k, i in p.buyer.items() if i < len(row) and _filled(values[k]) and _filled(row[i])]
    return bool(both) and all(" ".join((a or "").casefold().split()) == " ".join((b or "").casefold().split())
                              for a, b in both)


def _seats(text: str | None) -> int | None:
    try:
        return int(Decimal((text or "").strip().replace(",", ".")))
    except (InvalidOperation, ValueError, OverflowError):
        return None


def spread_row(p: Plan, row: Sequence[str | None], decimal: str = ".",
               places: int = 2) -> list[tuple[list[str | None], int | None]]:
    """The lines of one order's row, each with its attendee's number (None: the buyer's seats)."""
    cells = list(row) + [None] * (len(p.header) - len(row))
    own = [cells[i] if i < len(row) else None for i in p.order]
    lines: list[tuple[list[str | None], int | None]] = []
    for n, block in p.blocks.items():
        values = [row[i] if i is not None and i < len(row) else None for i in block]
        if not any(v and not v.isspace() for v in values):
            continue  # an empty block: no attendee
        if not any(_filled(values[k]) for k in p.person):  # a seat and no one named: the buyer's
            for k, i in p.buyer.items():
                values[k] = row[i] if i < len(row) else None
        elif p.contact and not any(_filled(values[k]) for k in p.contact):  # a name, no contact: the buyer's
            for k in p.contact:
                values[k] = row[p.buyer[k]] if k in p.buyer and p.buyer[k] < len(row) else None
        lines.append((values, n if not p.buyer_only or _is_buyer(p, row, values) else -n))
    counted = _seats(row[p.seats]) if p.seats is not None and p.seats < len(row) else None
    seats = [1] * len(lines)
    if counted is not None and counted > len(lines):  # seats beyond the attendees named: the buyer's
        values = [None] * len(p.header[len(p.order):])
        for k, i in p.buyer.items():
            values[k] = row[i] if i < len(row) else None
        lines.append((values, None))
        seats.append(counted - len(lines) + 1)
    if not lines:
        return [(own + [None] * (len(p.header) - len(own)), None)]
    at_seats = {i: pos for pos, i in enumerate(p.order)}
    out = [(list(own) + values, n if n is None else abs(n)) for values, n in lines]
    for (cells, _n), (_values, sign) in zip(out, lines, strict=True):
        if sign is not None and sign < 0:  # another attendee than the buyer: the buyer's consent is not theirs
            for i in p.buyer_only:
                cells[at_seats[i]] = None
    for i in p.shared:
        for (cells, _n), share in zip(out, shares(row[i] if i < len(row) else None, seats, decimal, places),
                                      strict=True):
            cells[at_seats[i]] = share
    if p.seats is not None and p.seats in at_seats and len(out) > 1:
        for (cells, _n), count in zip(out, seats, strict=True):
            cells[at_seats[p.seats]] = str(count)
    return out


def spread_rows(p: Plan, rows: Iterable[Sequence[str | None]], decimal: str = ".", places: int = 2) -> Iterator[
        tuple[int, list[str | None], int | None]]:
    """Each row's lines (``spread_row``), with the row's position in ``rows``."""
    for k, row in enumerate(rows):
        for line, n in spread_row(p, row, decimal, places):
            yield k, line, n


@dataclass
class Spread:
    """What spreading a text export did: each line's row of the export (its line number) and attendee."""

    lines: list[tuple[int, int | None]]  # per line of the spread file: (the export's line, attendee number)
    rows: int = 0  # the export's rows (orders) read
    attendees: int = 0  # the lines they became
    # Per line, its sheet, when a workbook's every sheet is read (``sheets: all``): its row is named as Excel
    # names a cell's, « 'Sam 10 oct'!14 », as a row read as it is would be.
    sheets: list[str] = field(default_factory=list)

    def label(self, line_no: int, say_line: str, say_attendee: str) -> str:
        """« line 5 » or « line 5, attendee 2 » for the spread file's line ``line_no``."""
        if not 1 <= line_no <= len(self.lines):
            return say_line.format(line=line_no)
        number, n = self.lines[line_no - 1]
        line = f"'{self.sheets[line_no - 1]}'!{number}" if line_no <= len(self.sheets) else str(number)
        return say_line.format(line=line) if n is None else say_attendee.format(line=line, n=n)


def spread_file(text: Path, out: Path, setting: Setting, *, delimiter: str, quote: str, skip_lines: int,
                decimal: str, places: int = 2, shown: str | None = None) -> Spread | None:
    """Write ``text`` (UTF-8, a record a line) to ``out`` one line per attendee (the module's doc); None when
    its header is not found; ``UserError`` when a stem names no column of two attendees (``shown``: the
    export's name in that sentence)."""
    options: dict[str, Any] = {"delimiter": delimiter, "quotechar": quote or '"',
                               "quoting": csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE}
    if not quote:
        options["escapechar"] = None
    spread = Spread([])
    p: Plan | None = None
    width = 0
    ended = True  # whether the export's last line ends with a line break (one cut short does not)
    with text.open(encoding="utf-8", newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
        writer = csv.writer(dst, lineterminator="\n", **options)
        for number, line in enumerate(src, start=1):
            ended = line.endswith(("\n", "\r"))
            body = line.rstrip("\r\n")
            if p is None or not body.replace(delimiter, "").strip():
                if p is None and number > skip_lines and body.replace(delimiter, "").strip():
                    header = next(csv.reader([body.lstrip("\ufeff")], **options))
                    p = checked_plan(header, setting, shown or text.name)
                    width = len(header)
                    writer.writerow(p.header)
                else:
                    dst.write(body + "\n")
                spread.lines.append((number, None))
                continue
            if not quote or quote not in body:  # most lines: a plain split, as the reader splits them
                row = body.split(delimiter)
            else:
                try:
                    row = next(csv.reader([body], strict=True, **options))
                except (csv.Error, StopIteration):
                    row = []
            if len(row) != width:  # malformed, a total line: as it is, for the reader to say (a row read)
                dst.write(body + "\n")
                spread.lines.append((number, None))
                spread.rows += 1
                continue
            spread.rows += 1
            for values, n in spread_row(p, row, decimal, places):
                writer.writerow(["" if v is None else v for v in values])
                spread.lines.append((number, n))
                spread.attendees += 1
        if not ended:  # kept so: the reader tells a file cut short by its last line
            dst.truncate(dst.tell() - 1)
    return spread if p is not None else None
