"""How a draft finds the column that tells ticket rows from rows that sold something else.

Zeffy's « Type » (« Billet », « Don », « Adhésion »), a shop's "Item Type" or "Product Type"
("Ticket", "Merchandise", "Gift Card"), a till's « Catégorie »: a column is mapped to ``line_kind``
when its header names a type or category *and* its values name something that is no ticket (a
donation, a membership, merchandise, parking, a gift card, a fee; ``ingest.line_kinds``). Each value
is written under ``line_kind_values`` with what it is; a value the draft cannot read is left to the
member. A ticket type or tariff (« Tarif » : Adulte, Étudiant), a means of payment or a status is
never taken: their headers say so, and their values name nothing but tickets.
"""

from __future__ import annotations

from culturecoop.i18n import _, plural
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_builder import DraftBuilder, named
from culturecoop.ingest.line_kinds import classify_line_kind
from culturecoop.ingest.shapes import Column
from culturecoop.ingest.sniff import Evidence

# A header word naming a kind of row (« Type de transaction », "Item Type", « Catégorie », « Formulaire »).
_KIND_HEADER_WORDS = frozenset({"type", "types", "categorie", "category", "formulaire", "form", "kind", "nature",
                                "typ", "tipo", "kategorie"})
# A header word saying the column types something else: a ticket's type or tariff, a seat, a means of
# payment, a customer, a status.
_OTHER_SUBJECTS = frozenset({"billet", "billets", "ticket", "tickets", "tarif", "tarifs", "tariff", "rate", "price",
                             "prix", "place", "places", "seat", "siege", "statut", "status", "paiement", "payment",
                             "reglement", "carte", "card", "client", "customer", "participant", "attendee", "contact",
                             "public", "spectateur", "acheteur", "buyer", "compte", "account", "evenement", "event",
                             "spectacle", "show", "salle", "venue", "genre", "livraison", "delivery"})
# A column of labels has few distinct values; one of names or numbers does not.
_MOST_LABELS = 24



def _sold(what: str) -> str:
    """What a row that is no ticket sold, in the member's words (the draft's comments)."""
    return {"donation": _("a donation"), "membership": _("a membership"), "merchandise": _("merchandise (shop)"),
            "parking": _("parking or cloakroom"), "gift card": _("a gift card"), "fee": _("a fee")}[what]


def _kind_header(column: Column) -> bool:
    words = set(vocab.tokens(column.name))
    return bool(words & _KIND_HEADER_WORDS) and not words & _OTHER_SUBJECTS


def choose_line_kind(builder: DraftBuilder) -> None:
    """Map ``line_kind`` to the first column named for a kind of row whose values say some rows sold
    no ticket, with ``line_kind_values`` and one note per value; its unread values are left open."""
    for column in builder.columns:
        if column.index in builder.used or not column.values or not _kind_header(column):
            continue
        labels = column.labels(_MOST_LABELS + 1)
        if len(labels) > _MOST_LABELS:
            continue
        read = {label: classify_line_kind(label) for label in labels}
        others = [label for label, kind in read.items() if kind is not None and kind[0] == "other"]
        if not others:
            continue
        _map(builder, column, read, others)
        return


def _map(builder: DraftBuilder, column: Column, read: dict[str, tuple[str, str] | None], others: list[str]) -> None:
    shown = ", ".join(f"« {label} »" for label in others[:6])
    builder.choose("line_kind", column, plural(
        len(others),
        "says what each row sold: {labels} is no ticket, so its rows are left out of the package (and counted)",
        "says what each row sold: {labels} are no tickets, so their rows are left out of the package (and "
        "counted)").format(labels=shown))
    values: dict[str, str] = {}
    for label, kind in read.items():
        if kind is None:
            continue
        values[label] = kind[0]
        why = (_("a ticket (« {word} »)").format(word=kind[1]) if kind[0] == "ticket"
               else _("not a ticket: {what}, left out").format(what=_sold(kind[1])))
        builder.evidence.append(Evidence(f"line_kind_values.{label}", kind[0], why))
    builder.settings["line_kind_values"] = values
    unknown = [f"« {label} »" for label, kind in read.items() if kind is None]
    if column.fill < 1:
        unknown.append(_("an empty cell"))
    if unknown:
        builder.undecided.append(plural(
            len(unknown),
            "{column} says what each row sold, and the draft cannot tell whether {labels} is a ticket: in the "
            "mapping's YAML, add it under `line_kind_values` as ticket, or other (a donation, a membership, "
            "merchandise: such rows are left out); until then its rows are rejected ({field}).",
            "{column} says what each row sold, and the draft cannot tell whether {labels} are tickets: in the "
            "mapping's YAML, add each under `line_kind_values` as ticket, or other (a donation, a membership, "
            "merchandise: such rows are left out); until then their rows are rejected ({field}).").format(
                column=column.name, labels=", ".join(unknown[:8]), field=named("line_kind")))
