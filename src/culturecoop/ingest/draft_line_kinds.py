"""How a draft finds the column that tells ticket rows from rows that sold something else.

Zeffy's « Type » (« Billet », « Don », « Adhésion »), a shop's "Item Type" or "Product Type"
("Ticket", "Merchandise", "Gift Card"), a till's « Catégorie »: a column is mapped to ``line_kind``
when its header names a type or category *and* its values name something that is no ticket (a
donation, a membership, merchandise, parking, a gift card, a fee; ``ingest.line_kinds``). Each value
is written under ``line_kind_values`` with what it is; a value the draft cannot read is left to the
member. A ticket type or tariff (« Tarif » : Adulte, Étudiant), a means of payment or a status is
never taken: their headers say so, and their values name nothing but tickets.

Unless a ticket type is itself no ticket: Eventbrite, Billetweb, HelloAsso, Weezevent or Ticket
Tailor sell a donation or a membership as one more type ("Ticket Type": "Student", "Donation";
« Tarif » : « Réduit », « Don libre », « Adhésion 2026 »). When no column says what each row sold,
the ticket type is mapped to ``line_kind`` as well (it stays what it is for everything else): its
values that are no tickets (``line_kinds.sold_as_ticket_type``) as ``other``, every other one as
``ticket``, and a type the sample did not hold (``"*": ticket``) a ticket too. A CHECK, said among
what is left to decide.
"""

from __future__ import annotations

from culturecoop.i18n import _, plural
from culturecoop.ingest import vocabulary as vocab
from culturecoop.ingest.draft_builder import DraftBuilder, named
from culturecoop.ingest.line_kinds import ANY_OTHER_VALUE, classify_line_kind, sold_as_ticket_type
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
# A ticket type's header: a tariff ("Tarif", "Tariff", "Formule"), or a type of ticket (« Type de
# billet », "Ticket Type", "Price Type", "Ticket Class", "Tipo biglietto").
_TARIFF_WORDS = frozenset({"tarif", "tarifs", "tariff", "tariffs", "formule", "formules", "ticketart", "ticketklasse"})
_TYPE_WORDS = frozenset({"type", "types", "categorie", "category", "class", "classe", "kind", "level", "niveau",
                         "typ", "tipo", "art", "sorte"})
_TICKET_SUBJECTS = frozenset({"billet", "billets", "ticket", "tickets", "entree", "entrees", "price", "prix",
                              "biglietto", "entrada", "karte", "eintritt"})
# A header word saying the column is something else than the type: a seat, a payment, an amount, a
# status, a buyer, a number.
_NOT_A_TYPE = frozenset({"siege", "seat", "seating", "place", "places", "paiement", "payment", "reglement", "statut",
                         "status", "montant", "amount", "total", "paid", "paye", "fee", "fees", "frais", "tax", "taxe",
                         "client", "customer", "no", "id", "code", "barcode", "date"})
# A ticket type column holds more labels than a column of kinds (a tariff per show, per age).
_MOST_TICKET_TYPES = 60



def _sold(what: str) -> str:
    """What a row that is no ticket sold, in the member's words (the draft's comments)."""
    return {"donation": _("a donation"), "membership": _("a membership"), "merchandise": _("merchandise (shop)"),
            "parking": _("parking or cloakroom"), "gift card": _("a gift card"), "fee": _("a fee")}[what]


def _kind_header(column: Column) -> bool:
    words = set(vocab.tokens(column.name))
    return bool(words & _KIND_HEADER_WORDS) and not words & _OTHER_SUBJECTS


# A till's column of what each line sold (« Article », « Produit », « Désignation », "Item"): a show's or a pass's
# name on most lines, a drink or a cup's deposit on others.
_ITEM_HEADER_WORDS = frozenset({"article", "articles", "produit", "produits", "item", "items", "designation",
                                "libelle", "product", "products", "artikel"})


def choose_line_kind(builder: DraftBuilder) -> None:
    """Map ``line_kind`` to the first column named for a kind of row whose values say some rows sold
    no ticket, with ``line_kind_values`` and one note per value; its unread values are left open. A till's
    column of articles counts only the labels that are no ticket as a whole or by their first words (« Bière
    pression 50cl », « Consigne gobelet »: ``sold_as_ticket_type``, never « Le Livre de la jungle »); every
    other article is a ticket (``"*": ticket``), as its show's or pass's name is."""
    for column in builder.columns:
        kinds = _kind_header(column)
        items = not kinds and _item_header(column)  # « Item Type » names kinds, « Article » articles
        if column.index in builder.used or not column.values or not (kinds or items):
            continue
        labels = column.labels(_MOST_LABELS + 1)
        if len(labels) > _MOST_LABELS:
            continue
        read = {label: classify_line_kind(label) for label in labels}
        if items:
            read = {label: ("other", sold) if (sold := sold_as_ticket_type(label)) is not None
                    else ("ticket", ANY_OTHER_VALUE) for label in labels}
        others = [label for label, kind in read.items() if kind is not None and kind[0] == "other"]
        if not others:
            continue
        _map(builder, column, read, others)
        if items:
            builder.used.discard(column.index)  # the articles that are tickets name their events too
            builder.settings["line_kind_values"] = {
                **{k: v for k, v in builder.settings["line_kind_values"].items() if v == "other"}, ANY_OTHER_VALUE: "ticket"}
            builder.evidence = [e for e in builder.evidence
                                if not (e.key.startswith("line_kind_values.") and e.value == "ticket")]
            builder.evidence.append(Evidence(f"line_kind_values.{ANY_OTHER_VALUE}", "ticket", _(
                "any other article is a ticket (a show's or a pass's name)")))
        return
    _ticket_types_sold_as_tickets(builder)


def _item_header(column: Column) -> bool:
    words = set(vocab.tokens(column.name))
    return bool(words & _ITEM_HEADER_WORDS) and not words & _OTHER_SUBJECTS


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


def _ticket_type_header(column: Column) -> bool:
    words = set(vocab.tokens(column.name))
    named = bool(words & _TARIFF_WORDS) or bool(words & _TYPE_WORDS and words & _TICKET_SUBJECTS)
    return named and not words & _NOT_A_TYPE


def _ticket_types_sold_as_tickets(builder: DraftBuilder) -> None:
    """Map ``line_kind`` to the first ticket type column some of whose types are no tickets (a donation,
    a membership) and the others tickets: the column stays free for any other field, and a type the
    sample did not hold is a ticket (``"*": ticket``)."""
    for column in builder.columns:
        if not column.values or not _ticket_type_header(column):
            continue
        labels = column.labels(_MOST_TICKET_TYPES + 1)
        if len(labels) > _MOST_TICKET_TYPES:
            continue
        sold = {label: sold_as_ticket_type(label) for label in labels}
        others = [label for label, what in sold.items() if what is not None]
        if not others or len(others) == len(labels):
            continue
        _map_ticket_types(builder, column, sold, others)
        return


def _listed(labels: list[str]) -> str:
    """« A », « B » and « C »: the first six, then an ellipsis."""
    quoted = [f"« {label} »" for label in labels[:6]]
    if len(labels) > 6:
        return ", ".join(quoted) + ", …"
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + _(" and ") + quoted[-1]


def _map_ticket_types(builder: DraftBuilder, column: Column, sold: dict[str, str | None], others: list[str]) -> None:
    shown = _listed(others)
    why = plural(len(others),
                 "the ticket type {labels} is no ticket: its rows are left out of the package (and counted); every "
                 "other type is a ticket",
                 "the ticket types {labels} are no tickets: their rows are left out of the package (and counted); "
                 "every other type is a ticket").format(labels=shown)
    # Not ``choose``: the column stays free, what it is for the rest of the draft (an event's date
    # written in the ticket type).
    builder.columns_map["line_kind"] = column.name
    builder.evidence = [e for e in builder.evidence if e.key != "columns.line_kind"]
    builder.note("columns.line_kind", column.name, why, check=True)
    values: dict[str, str] = {}
    for label, what in sold.items():
        values[label] = "ticket" if what is None else "other"
        note = _("a ticket type") if what is None else _("not a ticket: {what}, left out").format(what=_sold(what))
        builder.evidence.append(Evidence(f"line_kind_values.{label}", values[label], note))
    values[ANY_OTHER_VALUE] = "ticket"
    builder.evidence.append(Evidence(f"line_kind_values.{ANY_OTHER_VALUE}", "ticket",
                                     _("any other ticket type, one this export did not hold: a ticket")))
    builder.settings["line_kind_values"] = values
    builder.undecided.append(plural(
        len(others),
        "{labels} in « {column} » is not a ticket: its rows will be left out. If it is a ticket, set it to ticket "
        "under line_kind_values.",
        "{labels} in « {column} » are not tickets: their rows will be left out. If they are tickets, set them to "
        "ticket under line_kind_values.").format(labels=shown, column=column.name))
