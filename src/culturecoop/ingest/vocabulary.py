"""The words vendors use: column headers and cell labels, in French and English.

``header_score(field, header)`` says how well a column's header names a canonical field
(1.0 for a vendor's usual wording, less for a wording that only contains it), and
``header_role`` whether it is about the attendee (the ticket holder) or the buyer.
``classify_status``, ``classify_channel`` and ``classify_boolean`` read the labels a vendor
writes in cells. Everything is compared folded: lower case, no accents, punctuation as spaces,
and the many ways of writing "number" (``#``, ``n°``, ``no``, ``num``, ``numéro``) as ``no``.
"""

from __future__ import annotations

import functools
import re

from culturecoop.folding import fold as accent_free
from culturecoop.ingest import vocabulary_languages as more
from culturecoop.ingest.labels import UNPAID_WORDS

# Tokens that all mean "number of" / "identifier" in headers.
_NUMBER_WORDS = {"numero": "no", "num": "no", "number": "no", "nr": "no", "nro": "no", "n": "no",
                 "nummer": "no", "numer": "no", "ref": "id", "reference": "id", "identifiant": "id", "ident": "id",
                 # Abbreviations read as the word they stand for (Ticketmaster's "Acct ID"; Event
                 # Espresso's field names "REG_date", "TXN_ID").
                 "acct": "account", "cust": "customer", "reg": "registration", "txn": "transaction"}
# Headers about the ticket holder, and about the person who paid.
ATTENDEE_WORDS = frozenset({"attendee", "participant", "participante", "holder", "detenteur", "porteur",
                            "spectateur", "spectatrice", "beneficiaire", "guest", "invite", "visiteur",
                            "visitor", "adherent", "contact", "titulaire", "festivalier"}) | more.ATTENDEE_WORDS
BUYER_WORDS = frozenset({"buyer", "acheteur", "acheteuse", "payeur", "payer", "purchaser", "billing",
                         "facturation", "client", "customer", "commanditaire", "order", "commande"}) | more.BUYER_WORDS


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents and ligatures spelled out, punctuation as single spaces."""
    text = text.replace("n°", " no ").replace("N°", " no ").replace("nº", " no ").replace("#", " no ")
    plain = accent_free(text)  # ligatures and the letters NFKD leaves whole spelled as cc_fold does
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _token(word: str) -> str:
    """A folded word as headers are compared: "number" words as ``no``, and a German or Scandinavian
    compound abbreviated with "nr" (Reservix's "Buchungsnr.", "Kundennr.", Tixly's "Ordrenr.") as its
    whole word ("buchungsnummer")."""
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    if len(word) > 4 and word.endswith("nr"):
        return word[:-2] + "nummer"
    return word


# « dû » (owed) folds to « du », an article: read as "due" wherever the accent says it, and for a « du »
# that ends a header (« Montant du », « Solde du »), which no article does.
_OWED_DU = re.compile(r"(?i)(?<![^\W\d_])dû(?![^\W\d_])")


def tokens(header: str) -> tuple[str, ...]:
    """The folded words of a header; camelCase and snake_case (orderDate, order_date) split too."""
    split = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _OWED_DU.sub(" due ", header))
    words = tuple(_token(t) for t in fold(split).split())
    return (*words[:-1], "due") if len(words) > 1 and words[-1] == "du" else words


# Canonical field -> the ways vendors name it (folded; "no" stands for every "number" word).
HEADERS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("ticketnummer", "ticket nr", "karten no", "kartennummer", "ticket id", "ticket no", "ticket", "tickets id", "billet", "billet no", "no billet",
                  "id billet", "billet id", "code barre", "code barres", "barcode", "barcode no", "bar code",
                  "attendee no", "attendee id", "admission id", "admission no", "entry id", "seat id",
                  "no de billet", "no du billet", "reference billet", "id participant", "participant id",
                  "no participant", "no", "id", "item id", "code billet", "qr code", "ticket code",
                  "numero billet", "ticket number", "ticket reference"),
    "order_id": ("bestellnummer", "bestell no", "auftragsnummer", "buchungsnummer", "bestellung",
                 # CTS EVENTIM's « Vorgangsnummer »: the booking (its sale and its cancellation share it).
                 "vorgangsnummer", "vorgangsnr", "vorgang no", "vorgangs no", "vorgang", "order id", "order no", "order", "commande", "no commande", "commande no", "id commande",
                 "no de commande", "reference commande", "order reference",
                 # A French box office's file of one purchase (Secutix, Rodrigue: "N° Dossier").
                 "dossier", "no dossier", "dossier no", "no de dossier", "reference dossier", "id dossier", "transaction", "transaction id",
                 "transaction no", "booking id", "booking reference", "booking no", "reservation",
                 "no reservation", "reservation id", "purchase id", "purchase no", "sale id", "vente id",
                 "no vente", "receipt no", "confirmation no", "id de la commande", "no transaction",
                 # The pass Culture's booking code (one per booking; a duo booking's two seats share it).
                 "contremarque", "code contremarque", "no contremarque"),
    "purchased_at": ("bestelldatum", "kaufdatum", "buchungsdatum", "verkaufsdatum", "order date", "purchase date", "date achat", "date d achat", "date de l achat",
                     "date de commande", "date commande", "date de la commande", "ordered at", "purchased at",
                     "created at", "created", "sold at", "sale date", "date de vente", "date vente",
                     "transaction date", "booking date", "date de reservation", "date reservation",
                     "order created", "order time", "date", "date paiement", "date de paiement",
                     "payment date", "paid at", "date d inscription", "registration date", "date inscription",
                     "purchased", "datetime", "order datetime", "purchase datetime", "achete le", "vendu le", "order placed", "placed at", "placed on", "purchased on", "ordered on",
                     "commande le", "reserve le", "ordered", "booked", "booked at", "booked on", "date booked",
                     "date ordered", "date purchased",
                     # A journal of operations (See Tickets' « Date opération »: the sale or refund).
                     "date operation", "date de l operation", "date d operation", "operation date",
                     "date transaction", "date de transaction", "date de la transaction",
                     # A form's answers (Google Forms: « Horodateur », "Timestamp"; Microsoft Forms'
                     # « Heure de fin »): when the booking was sent.
                     "horodateur", "horodatage", "timestamp", "zeitstempel", "marca temporal",
                     "informazioni cronologiche", "submitted at", "submission date", "date de soumission",
                     "date d envoi", "heure de fin", "completion time",
                     # A box office's booking or issue time ("Booked at", "Sold on", "Issued at").
                     "booked at", "booked on", "date booked", "sold on", "date sold", "issued at", "issued on"),
    # « Réglé », « Payé », "Paid": whether the booking was paid (« Règlement » is how: CB, chèque).
    "status": ("bestellstatus", "zahlungsstatus", "status", "statut", "regle", "paye", "paid", "attendee status", "ticket status", "order status", "statut commande",
               "statut de la commande", "statut du billet", "etat", "state", "seat status", "etat du billet",
               "payment status", "statut paiement", "statut de paiement", "etat commande",
               # A transactions report typing each row as a sale or a refund (Vendini's "Transaction Type").
               "transaction type", "type de transaction", "type transaction", "transaktionstyp", "buchungsart",
               "tipo transaccion", "tipo de transaccion", "tipo operazione", "tipo transacao", "tipo de transacao"),
    "quantity": ("anzahl", "menge", "anzahl tickets", "quantity", "qty", "quantite", "qte", "nb", "nombre", "nombre de billets", "nb billets",
                 "billets", "nb de billets", "nb de places", "nbre billets", "nbre de billets", "nbre places", "nbre",
                 "nbr", "nbre de places",
                 "nb places", "places", "tickets", "admissions", "count", "seats", "nombre de places",
                 # The persons of a booking, in a tour or museum booking system's words (FareHarbor's "Pax").
                 "pax", "total pax", "nb pax", "number of participants", "nombre de participants",
                 "nb participants", "number of guests", "guests"),
    "unit_price": ("einzelpreis", "preis", "ticketpreis", "kartenpreis", "unit price", "price", "prix", "prix unitaire", "montant", "amount", "total paid",
                   "paid amt", "paid amount", "ticket price", "prix du billet", "montant tarif", "tarif montant",
                   "montant paye", "amount paid", "net price", "gross price", "price paid", "prix paye",
                   "montant ttc", "prix ttc", "face value", "valeur", "paid", "ticket amount", "montant billet",
                   "real price", "actual price", "prix reel", "final price", "prix final", "prix unit",
                   "prix unitaire ttc", "pu ttc", "unit price incl tax", "price each", "tarif paye",
                   # "Tarif" alone is as often the price category (« Tarif réduit »): a price only when its
                   # values are amounts, and after any column more plainly a price.
                   "tarif",
                   # A shop's line item (WooCommerce's "Item Cost"): what one of it cost.
                   "cost", "item cost", "item price", "unit cost", "ticket cost", "cost each"),
    # The amount of a whole row (an order line of several admissions): divided by its quantity.
    "total_price": ("gesamtpreis", "gesamtbetrag", "summe", "total", "montant total", "total amount", "order total", "line total", "total price",
                    "prix total", "total ttc", "total commande", "montant de la commande", "total de la commande",
                    "booking total", "amount total", "total charged", "total line", "montant total ttc",
                    # What the row's items sold for after discounts (Square's item details, point-of-sale
                    # reports); "Gross Sales" is before discounts and is not read.
                    "net sales", "ventes nettes", "net total", "total net",
                    # A transaction's worth (Ticketsolve's "Value" beside its number of "Tickets").
                    "value", "transaction value", "order value", "booking value"),
    "currency": ("currency", "devise", "monnaie", "currency code", "code devise", "ticket currency"),
    "channel": ("outlet", "sales outlet", "point of sale", "verkaufskanal", "vertriebsweg", "channel", "canal", "canal de vente", "sales channel", "mode of sale", "point de vente",
                "source", "sale channel", "origine", "order source", "mode de vente", "vendu par", "sold via",
                "origine de la vente",
                # Where the sale was made (« Lieu de vente » : Caisse, Internet; Ticketmaster Archtics'
                # ``sell_location``; "Sales Location": Online, Box Office) and a French promoter's
                # distribution network (« Réseau » : FNAC, Ticketmaster, guichet): no venue.
                "lieu de vente", "sales location", "sell location", "sale location", "selling location",
                "location of sale", "sales point", "sold by", "reseau", "reseau de vente", "reseau de distribution",
                "reseau vente"),
    "event_id": ("event id", "event no", "id evenement", "evenement id", "no evenement", "no representation",
                 "representation no", "id representation", "perf no", "performance id", "performance no",
                 "show id", "seance id", "id seance", "no seance", "session id", "spectacle id", "id spectacle",
                 "code evenement", "event code", "perf id", "production id", "manifestation id",
                 # A French box office's code of the show, the performance or the session.
                 "code spectacle", "code manifestation", "code seance", "code representation", "code production",
                 "no spectacle", "no manifestation", "ref spectacle", "reference spectacle",
                 "show code", "performance code", "production code", "session code",
                 "id manifestation", "exhibition code", "activity id", "occurrence id",
                 # One date of an event series (pretix's "subevent", joined from its list by id).
                 "subevent id", "subevent"),
    "event_title": ("veranstaltung", "veranstaltungsname", "vorstellung", "seance", "event name", "event", "event title", "evenement", "nom evenement", "nom de l evenement",
                    "titre", "title", "spectacle", "show", "performance", "production", "manifestation",
                    "nom du spectacle", "titre du spectacle", "concert", "exhibition", "exposition",
                    # A theatre's performance, named as the play: « Représentation », « Pièce ».
                    "representation", "nom de la representation", "titre de la representation",
                    "titre de l evenement", "nom du concert", "piece", "oeuvre",
                    "activity", "activite", "campagne", "campaign", "campaign name", "nom de la campagne",
                    "formulaire", "form name",
                    # A box office selling its shows through a shop or a till: the item sold is the show.
                    "item", "item name", "lineitem name", "line item name", "lineitem", "line item",
                    # What is sold, in a box office's words (Secutix's "Produit") or an experience
                    # platform's (Fever's "Plan").
                    "produit", "nom du produit", "product", "product name", "plan", "plan name", "offre",
                    "nom de l offre", "prestation", "experience", "experience name",
                    # A festival's bookings (Festicket's "Festival"); a till's item (Square's « Article »).
                    "festival", "festival name", "nom du festival", "article", "nom de l article"),
    "event_starts_at": ("veranstaltungsdatum", "vorstellungsdatum", "datum veranstaltung", "veranstaltungsbeginn",
                        "eventdatum", "event datum", "datum event", "eventbeginn", "event beginn",
                        "vorstellungsbeginn", "beginn", "startzeit", "veranstaltungsstart",
                        # A WordPress events plugin's occurrence of an event (Event Espresso's
                        # "Datetimes of Ticket").
                        "datetimes of ticket", "ticket datetimes", "ticket datetime", "event datetime",
                        "event datetimes", "datetimes", "event start date", "event date", "event start", "start date", "start time",
                        "event start time", "date evenement", "date de l evenement", "date representation",
                        # « Date repr. », « Date de repr. »: the performance abbreviated.
                        "date repr", "date de repr", "date rep", "repr", "date represent",
                        "date de representation", "date du spectacle", "date spectacle", "seance",
                        "date de seance", "date seance", "perf date", "performance date", "show date",
                        "starts at", "start", "debut", "date of performance", "date of show", "date of event", "date de debut", "date debut", "horaire", "timed entry",
                        "session", "session date", "date et heure", "event starts", "date heure",
                        "show time", "showtime", "performance time", "heure du spectacle",
                        # The performance itself, when its values are dates (a title is text).
                        "representation", "performance", "vorstellung", "auffuhrung", "spieltermin",
                        # An event series' date (pretix's subevent, joined from its list by id).
                        "subevent date from", "date from",
                        # A museum's or a tour's timed entry (Tiqets' "Timeslot", a « créneau ») and its
                        # day, and a non-profit's activity (Yapla's « Date de l'activité »).
                        "timeslot", "time slot", "slot", "creneau", "creneau horaire", "visit date",
                        "date of visit", "visit time", "date de visite", "date visite", "tour date",
                        "activity date", "date activite", "date de l activite", "activity start"),
    "venue": ("spielstatte", "veranstaltungsort", "venue", "venue name", "salle", "lieu", "facility", "site", "location", "theatre", "nom du lieu",
              "nom de la salle", "place", "theater", "hall", "auditorium", "venue hall", "theatre name", "theater name",
              # The pass Culture's venue of an offer (« Structure », earlier « Lieu »).
              "structure", "nom de la structure"),
    "venue_postal_code": ("venue postal code", "code postal salle", "venue zip", "site postcode",
                          "code postal du lieu", "venue postcode", "facility postal", "facility postal code",
                          "facility zip", "venue postal", "code postal de la salle", "code postal lieu"),
    "genres": ("genre", "genres", "style", "styles", "categorie artistique", "discipline", "themes", "theme",
               "type de spectacle", "event category", "keywords", "tags", "mots cles", "event tags",
               "event genre", "musical genre", "genre musical"),
    "artists": ("artist", "artists", "artiste", "artistes", "performer", "performers", "interpretes",
                "line up", "lineup", "companie", "compagnie", "headliner", "event lineup"),
    "capacity": ("capacity", "jauge", "capacite", "seats available", "nombre de places total", "jauge totale",
                 "event capacity"),
    "is_local": ("is local", "local", "artiste quebecois", "quebec artist", "local artist", "artiste local",
                 "local lineup", "event local lineup", "local act"),
    "event_language": ("event language", "langue du spectacle", "show language", "langue de l evenement",
                       "language of performance", "langue spectacle", "perf language", "performance language",
                       "event lang"),
    "patron_id": ("no carte", "numero de carte", "carte membre", "carte adherent", "carte amis", "no carte amis",
                  "member card", "membership no", "membership id", "card no", "card id", "kundennummer", "kunden id", "kunden no", "customer no", "customer id", "customer", "no client", "client no", "id client", "client id",
                  "patron id", "patron no", "constituent id", "constituent no", "member id", "member no",
                  "visitor id", "account id", "account no", "contact id", "user id", "id utilisateur",
                  "no adherent", "adherent id", "id contact", "no de client", "code client", "supporter id",
                  "buyer id", "id acheteur", "payer id", "customer number", "client number", "patron number",
                  "fan id", "fan no", "id fan", "spectateur id", "id spectateur", "subscriber id", "abonne id",
                  "id abonne", "no abonne", "profile id", "id profil", "person id", "guest id", "id personne",
                  "contact no", "no contact", "no de contact",
                  # A cinema's or a theatre's loyalty card (« Carte fidélité »).
                  "carte fidelite", "no carte fidelite", "carte de fidelite", "no de carte de fidelite",
                  "no carte de fidelite", "numero carte fidelite", "loyalty card", "loyalty card no", "loyalty no",
                  "loyalty id", "loyalty number"),
    "email": ("e mail adresse", "email", "e mail", "courriel", "adresse courriel", "email address", "mail", "adresse email",
              "adresse e mail", "adresse mail", "contact email", "buyer email", "email acheteur"),
    "phone": ("telefon", "telefonnummer", "handy", "mobil", "phone", "telephone", "tel", "cell phone", "mobile", "mobile phone", "portable", "cellulaire",
              "phone number", "no telephone", "no de telephone", "home phone", "work phone", "contact phone",
              "telephone mobile", "gsm", "cell"),
    "first_name": ("vorname", "first name", "firstname", "prenom", "given name", "forename", "first"),
    "last_name": ("nachname", "familienname", "last name", "lastname", "nom", "surname", "family name", "nom de famille", "last"),
    "full_name": ("name", "full name", "nom complet", "customer name", "nom et prenom", "prenom et nom",
                  "nom prenom", "prenom nom", "display name", "sort name", "attendee name", "buyer name",
                  "participant", "client", "nom du client", "nom client", "acheteur", "payeur", "holder name",
                  "nom du participant", "nom participant complet", "customer", "patron", "purchaser", "buyer",
                  "contact"),
    "birth_date": ("birth date", "date of birth", "dob", "birthday", "date de naissance", "naissance",
                   "birthdate", "ne le", "ne e le"),
    "age": ("age", "age years", "age in years", "age ans", "age en annees", "votre age", "quel age avez vous",
            "your age", "what is your age", "how old are you", "age range", "age group", "age bracket",
            "tranche d age", "tranche age", "classe d age", "buyer age", "attendee age", "age de l acheteur"),
    "postal_code": ("plz", "postleitzahl", "eircode", "postal code", "postcode", "post code", "zip", "zip code", "code postal", "cp",
                    "home zip", "home postal code", "zipcode", "billing zip", "billing postal code",
                    "code postal acheteur", "zip postal code", "postal", "zip postal", "npa", "no postal",
                    "numero postal"),
    "patron_language": ("language", "langue", "preferred language", "langue preferee", "langue de communication",
                        "langue de correspondance", "locale", "lang", "language pref", "language preference",
                        "preferred lang"),
    "consent_pooling": ("consent pooling", "consentement mutualisation", "share with coop", "partage des donnees",
                        "mutualisation", "data sharing", "consent data sharing", "partage coop",
                        "consent cooperative", "consentement partage", "coop sharing", "sharing", "optin coop",
                        "opt in coop", "coop", "partage cooperative", "accepte le partage"),
    "consent_marketing": ("consent marketing", "marketing opt in", "email opt in", "opt in", "optin",
                          "newsletter", "infolettre", "consentement infolettre", "accepte newsletter",
                          "marketing consent", "accepts marketing", "consentement marketing", "abonnement",
                          "inscription newsletter", "opt in marketing", "email marketing", "communications",
                          "optin newsletter", "opt in newsletter", "marketing opt in", "newsletter opt in",
                          # « Lettre d'information », « J'accepte de recevoir la lettre d'info de La Cale ».
                          "lettre information", "lettre info", "lettre infos", "lettre d information",
                          "lettre d info", "recevoir lettre", "liste de diffusion", "mailing list",
                          # Ticket Tailor's "Opted in to marketing"; "Consent to marketing", "Marketing permission".
                          "opted in", "opted in marketing", "opted in to marketing", "opt in to marketing",
                          "consent to marketing", "marketing permission", "marketing permissions", "e mail marketing",
                          "e mail opt in"),
    "consent_personalization": ("consent personalization", "recommendations", "consentement recommandations",
                                "personalisation", "personnalisation", "recommandations",
                                "consent recommendations", "personalization opt in", "personalisation opt in",
                                "optin reco", "opt in reco", "reco"),
    "consent_at": ("consent date", "date consentement", "date du consentement", "optin time", "opt in time",
                   "optin date", "opt in date", "date optin", "date opt in", "last changed", "derniere modification",
                   "date de modification", "unsub time", "unsubscribe date", "date desinscription",
                   "date de desinscription", "date desabonnement", "consent updated at", "updated at",
                   "date inscription", "date d inscription", "subscribed at", "unsubscribed at"),
}
# The same fields in Spanish, Portuguese, Italian, Dutch, the Scandinavian languages and Polish.
HEADERS = {f: (*phrases, *more.HEADERS.get(f, ())) for f, phrases in HEADERS.items()}

# Words that, in a header, say the column is about something else (fees, counts, promo codes).
# What was given back or is still owed ("Refunded Amount", "Amount Refunded", « Montant des remboursements »,
# "Amount Owed", Archtics' ``owed_amount``, "Balance", "Amount due", « Montant dû », « Reste à payer »): $0.00
# on most rows, never what a ticket sold for.
OWED_WORDS = frozenset({"owed", "owing", "outstanding", "balance", "solde", "due", "reste", "restant", "remaining",
                        "unpaid", "impaye", "impayee", "impayes", "offen", "offener", "offene", "ausstehend",
                        "restbetrag", "pendiente", "pendente", "dovuto", "residuo", "openstaand"})
_NOT_PAID = frozenset({"refunded", "refunds", "remboursee", "rembourses", "remboursees", "remboursement",
                       "remboursements", "reembolsado", "rimborsato", "erstattet", "erstattung", *OWED_WORDS})
# The name of something a person's name is not (« Nom de l’organisme », « Nom de la billetterie »,
# "Organizer Name", « Nom du groupe »): the organiser, the ticketing, a company, a band or a product.
_NOT_A_PERSON = frozenset({"billetterie", "organisme", "association", "organisateur", "organisatrice", "organisation",
                           "organizer", "organiser", "organization", "entreprise", "business", "structure",
                           "etablissement", "groupe", "group", "band", "artiste", "artist", "festival", "produit",
                           "product", "marque", "brand"})
EXCLUDE_WORDS: dict[str, frozenset[str]] = {
    # A tip (a till's "Tip amount", "Pourboire", "Trinkgeld") is given on top of the price, never it.
    "unit_price": frozenset({"fee", "fees", "frais", "tax", "taxe", "taxes", "tva", "commission", "promo",
                             "discount", "remise", "reduction", "don", "donation", "refund", "rembourse",
                             "payout", "reversement", "code", "service", "tip", "tips", "gratuity",
                             "pourboire", "pourboires", "trinkgeld", "trinkgeldbetrag",
                             # An order's subtotal is several lines' worth, never one ticket's.
                             "subtotal", "subtotaal", "subtotale", *_NOT_PAID}),
    "total_price": frozenset({"fee", "fees", "frais", "tax", "taxe", "taxes", "tva", "commission", "promo",
                              "discount", "remise", "reduction", "don", "donation", "refund", "rembourse",
                              "payout", "reversement", "code", "service", "tip", "tips", "gratuity",
                              "pourboire", "pourboires", "trinkgeld", "trinkgeldbetrag", "tickets", "billets", "places",
                              "quantity", "quantite", "qte", "count", "nb", "nombre", "seats", "admissions", *_NOT_PAID}),
    "purchased_at": frozenset({"naissance", "birth", "event", "evenement", "spectacle", "representation", "repr",
                               "seance", "show", "perf", "performance", "start", "debut", "update", "updated",
                               "modifie", "redeemed", "scan", "checkin", "check", "refund", "remboursement",
                               "annulation", "cancel", "validation", "expiration"}),
    "event_starts_at": frozenset({"achat", "order", "commande", "purchase", "naissance", "birth", "end", "fin",
                                  "created", "updated", "paiement", "payment", "vente", "sale"}),
    "ticket_id": frozenset({"type", "title", "titre", "name", "nom", "categorie", "category", "status",
                            "statut", "price", "prix", "tarif", "date", "event", "evenement", "order",
                            "commande", "client", "customer", "seat", "siege", "rang", "row", "section",
                            # A payment, a receipt, a card transaction: one per payment, not per ticket.
                            "payment", "paiement", "receipt", "recu", "transaction", "token", "card",
                            "carte"}),
    "order_id": frozenset({"date", "status", "statut", "type", "total", "montant", "amount", "line"}),
    "event_id": frozenset({"date", "name", "nom", "titre", "title", "heure", "time"}),
    "patron_id": frozenset({"name", "nom", "email", "courriel", "phone", "telephone", "type", "since",
                            # where the buyer lives or what kind of buyer it is, not who
                            "country", "pays", "land", "city", "ville", "region", "province", "state",
                            "language", "langue", "segment", "category", "categorie", "group", "groupe",
                            # how the buyer is addressed ("Customer Title": Mr, Mrs, Ms) or their sex
                            "title", "titre", "civilite", "civility", "salutation", "anrede", "honorific",
                            "gender", "genre", "sexe", "sex"}),
    "status": frozenset({"date", "checkin", "home", "billing", "work", "shipping", "address", "adresse",
                         "province", "region", "country", "pays"}),
    "quantity": frozenset({"price", "prix", "montant", "amount"}),
    # A charge a venue levies per ticket (AXS's "Facility Fee", « Taxe de salle ») is an amount, no venue.
    "venue": frozenset({"postal", "zip", "postcode", "address", "adresse", "city", "ville", "fee", "fees", "frais",
                        "charge", "charges", "tax", "taxe", "taxes", "surcharge", "levy", "gebuhr", "gebuhren",
                        # where a sale was made (« Lieu de vente », "Sales Location", ``sell_location``)
                        "vente", "ventes", "sale", "sales", "sell", "selling", "sold",
                        # where a person lives or is sent things ("Buyer Location", « Lieu de résidence »,
                        # "Home Venue"): their town in clear, with the event
                        "home", "domicile", "residence", "habitation", "shipping", "livraison", "delivery",
                        "preferred", "prefere", "preferee", "favourite", "favorite",
                        *ATTENDEE_WORDS, *BUYER_WORDS}),
    "postal_code": frozenset({"salle", "venue", "site", "lieu"}),
    # What a show, a play or a concert is called ("Nom du spectacle", "Nom de la représentation") is
    # no person's name.
    "full_name": frozenset({"event", "evenement", "ticket", "billet", "tarif", "company", "societe",
                            "sociale", "raison", "venue", "lieu", "salle", "file", "fichier", "price", "type",
                            "spectacle", "representation", "piece", "oeuvre", "concert", "seance", "show",
                            "performance", "production", *_NOT_A_PERSON}),
    "last_name": frozenset({"evenement", "event", "spectacle", "tarif", "salle", "lieu", "billet",
                            "ticket", "societe", "company", "fichier", "campagne", "formulaire", "prenom",
                            "representation", "piece", "oeuvre", "concert", "seance", "show", "performance",
                            "production", *_NOT_A_PERSON}),
    # A ticket's type is no show ("Ticket Type"; TicketOne's "Tipo titolo": Intero, Ridotto, Omaggio).
    "event_title": frozenset({"id", "no", "date", "heure", "time", "code", "type", "ticket", "billet", "tipo", "typ",
                              "soort", "rodzaj"}),
    "genres": frozenset({"client", "participant", "acheteur", "contact", "buyer", "attendee"}),
    "patron_language": frozenset({"spectacle", "show", "event", "evenement", "performance", "perf"}),
}
_DATE_WORDS = frozenset({"data", "fecha", "datum", "dato", "ora", "hora", "tid", "godzina", "czas"})
_NAME_WORDS = frozenset({"nome", "nombre", "naam", "navn", "namn", "nazwa", "titolo", "titulo", "titel", "tittel"})
# The same in the other languages: a fee or a count is no price, a show's date no purchase's, a
# purchase's no show's, a show's or a ticket type's name no person's.
for _field, _words in (("unit_price", more.NOT_A_PRICE), ("total_price", more.NOT_A_PRICE | more.TICKET_COUNTS),
                       ("purchased_at", more.EVENT_WORDS), ("event_starts_at", more.PURCHASE_WORDS),
                       ("full_name", more.EVENT_WORDS), ("last_name", more.EVENT_WORDS),
                       ("first_name", more.EVENT_WORDS), ("event_title", _DATE_WORDS),
                       ("event_id", _DATE_WORDS | _NAME_WORDS), ("status", _DATE_WORDS),
                       ("order_id", _DATE_WORDS | more.TICKET_COUNTS),
                       ("ticket_id", _DATE_WORDS | _NAME_WORDS | more.EVENT_WORDS - {"ingresso", "entrada", "biglietto",
                                                                                     "billett", "biljett", "bilet",
                                                                                     "biletu"}),
                       ("patron_id", _NAME_WORDS)):
    EXCLUDE_WORDS[_field] = EXCLUDE_WORDS.get(_field, frozenset()) | _words

# « Payé », « Réglé » name a payment's status, « Montant payé », "Payment Method", « Date de règlement »
# an amount, a means or a day.
EXCLUDE_WORDS["status"] = EXCLUDE_WORDS.get("status", frozenset()) | frozenset(
    {"montant", "total", "amount", "prix", "price", "date", "day", "jour", "mode", "method", "methode", "moyen",
     "means", "somme", "sum", "frais", "fee", "fees"})

STATUS_WORDS: dict[str, str] = {
    "sold": "sold", "paid": "sold", "paye": "sold", "payee": "sold", "valid": "sold", "valide": "sold",
    "validee": "sold", "completed": "sold", "complete": "sold", "confirmed": "sold", "confirme": "sold",
    "confirmee": "sold", "attending": "sold", "checked in": "sold", "checked": "sold", "vendu": "sold",
    "vendue": "sold", "regle": "sold", "reglee": "sold", "active": "sold", "actif": "sold", "ok": "sold",
    "issued": "sold", "emis": "sold", "scanned": "sold", "scanne": "sold", "present": "sold",
    "used": "sold", "utilise": "sold", "booked": "sold", "reserve": "sold", "success": "sold",
    "succeeded": "sold", "successful": "sold", "erfolgreich": "sold", "reussi": "sold", "reussie": "sold",
    "details required": "sold", "sale": "sold", "verkauf": "sold", "venta": "sold", "vendita": "sold",
    "detailsrequired": "sold", "approved": "sold", "accepte": "sold", "seated": "sold", "seated paid": "sold",
    "printed": "sold", "imprime": "sold", "authorized": "sold", "autorise": "sold", "en regle": "sold",
    "eventbrite completed": "sold", "paypal completed": "sold", "free order": "sold",
    # Invitations and comps: a ticket given, at 0 (Yurplan's "Invitation", "Exonéré", "Offert").
    "purchased": "sold", "free": "sold", "claimed": "sold",
    "invitation": "sold", "invite": "sold", "invitee": "sold", "complimentary": "sold", "comp": "sold",
    "offert": "sold", "offerte": "sold", "gratuit": "sold", "gratuite": "sold", "exonere": "sold",
    "exoneree": "sold",
    # German (Eventim.Light, CTS, Swiss German back offices): paid, free ticket, cancelled, refunded.
    "bezahlt": "sold", "verkauft": "sold", "gultig": "sold", "freikarte": "sold", "bestatigt": "sold",
    "kostenlos": "sold", "gratis": "sold",
    # An order placed (Eventbrite's order status, « Passée » in its French export): a sale.
    "placed": "sold", "passee": "sold", "commande passee": "sold", "effectuee": "sold", "completee": "sold",
    # Eventbrite's attendee report in French: « Participant » (attending), « Enregistré » (checked in).
    "participant": "sold", "participante": "sold", "enregistre": "sold", "enregistree": "sold",
    "ne participe pas": "cancelled",
    "storniert": "cancelled", "storno": "cancelled", "stornierung": "cancelled", "erstattet": "refunded", "ruckerstattet": "refunded", "zuruckerstattet": "refunded",
    "abgelaufen": "cancelled", "umgetauscht": "exchanged",
    "refunded": "refunded", "refund": "refunded", "rembourse": "refunded", "remboursee": "refunded",
    "remboursement": "refunded", "returned": "refunded", "retourne": "refunded", "retournee": "refunded",
    "reimbursed": "refunded", "remb": "refunded", "rembt": "refunded", "rbt": "refunded",
    "refunded canceled": "refunded", "refunded cancelled": "refunded",
    "cancelled": "cancelled", "canceled": "cancelled", "annule": "cancelled", "annulee": "cancelled", "resilie": "cancelled", "resiliee": "cancelled",
    "deleted": "cancelled", "supprime": "cancelled", "void": "cancelled", "voided": "cancelled",
    "annulation": "cancelled", "not attending": "cancelled", "invalid": "cancelled", "invalide": "cancelled",
    "expired": "cancelled", "expire": "cancelled", "abandoned": "cancelled", "abandonne": "cancelled",
    # Sold, and the holder did not come; reserved; an order completed.
    "no show": "sold", "noshow": "sold", "absent": "sold", "absente": "sold", "reserved": "sold",
    "reservee": "sold", "termine": "sold", "terminee": "sold",
    # The other gender or language of words above: expired, issued, finalised, approved, accepted, reissued,
    # attended (a word of use: "Not attended" was sold); a journal's « Vente » and « Retour » (a return).
    "expiree": "cancelled", "emise": "sold", "finalise": "sold", "finalisee": "sold", "approuve": "sold",
    "approuvee": "sold", "acceptee": "sold", "reedite": "exchanged", "reeditee": "exchanged", "attended": "sold",
    "vente": "sold", "retour": "refunded",
    # A comp in a French box office's words (La Vitrine's « Billet de faveur »): a ticket given, at 0.
    "billet de faveur": "sold", "faveur": "sold",
    # A payment that failed or was refused is no sale; a chargeback gives the money back.
    "declined": "cancelled", "failed": "cancelled", "echoue": "cancelled", "echouee": "cancelled",
    "refuse": "cancelled", "refusee": "cancelled", "payment failed": "cancelled", "paiement refuse": "cancelled",
    "chargeback": "refunded", "charged back": "refunded", "disputed": "refunded", "litige": "refunded",
    "upgrade": "exchanged",
    "exchanged": "exchanged", "echange": "exchanged", "echangee": "exchanged", "transferred": "exchanged",
    "transfere": "exchanged", "transferee": "exchanged", "resold": "exchanged", "revendu": "exchanged",
    "revendue": "exchanged", "upgraded": "exchanged", "reissued": "exchanged",
}
STATUS_WORDS.update({w: v for w, v in more.STATUS_WORDS.items() if w not in STATUS_WORDS})
# A checkout never paid (« En attente », "Pending", « Non payé », "Abandoned"): cancelled (``labels.UNPAID_WORDS``).
STATUS_WORDS.update(dict.fromkeys(UNPAID_WORDS, "cancelled"))
# A negation before a word of sale undoes it ("non payé"), but not before a word of use: a ticket
# "non utilisé" was sold, its holder did not come.
_NEGATIONS = frozenset({"non", "not", "pas", "no", "nicht", "un"}) | more.NEGATIONS
_USE_WORDS = frozenset({"utilise", "used", "scanne", "scanned", "present", "checked", "checked in", "attended"})
CHANNEL_WORDS: dict[str, str] = {
    "web": "web", "internet": "web", "online": "web", "en ligne": "web", "website": "web", "site web": "web",
    "site": "web", "ecommerce": "web", "e commerce": "web", "eventbrite": "web", "widget": "web",
    "box office": "box_office", "box_office": "box_office", "guichet": "box_office", "billetterie": "box_office",
    "sur place": "box_office", "door": "box_office", "at the door": "box_office", "walk up": "box_office",
    "counter": "box_office", "comptoir": "box_office", "caisse": "box_office", "pos": "box_office",
    "point de vente": "box_office", "on site": "box_office", "boxoffice": "box_office",
    "phone": "phone", "telephone": "phone", "tel": "phone", "call center": "phone", "centre d appels": "phone",
    # German writes it in one word (Starticket's, Ticketcorner's « Callcenter »).
    "callcenter": "phone", "call centre": "phone",
    "reseller": "reseller", "revendeur": "reseller", "partner": "reseller", "partenaire": "reseller",
    "distributor": "reseller", "distributeur": "reseller", "ticketmaster": "reseller", "fnac": "reseller",
    # France's distribution networks, named in a promoter's « Réseau » column beside its own « Guichet ».
    "carrefour": "reseller", "francebillet": "reseller", "france billet": "reseller", "ticketnet": "reseller",
    "leclerc": "reseller", "auchan": "reseller", "cultura": "reseller",
    # A ticket machine in the hall (a cinema's « Borne »).
    "borne": "box_office", "borne automatique": "box_office", "kiosque": "box_office", "kiosk": "box_office",
    "mobile": "mobile", "app": "mobile", "application": "mobile", "ios": "mobile", "android": "mobile",
    "appli": "mobile", "mobile app": "mobile", "kasse": "box_office", "abendkasse": "box_office",
    "vorverkauf": "reseller",
    "other": "other", "autre": "other", "subscription": "other", "abonnement": "other", "group": "other",
    "groupe": "other", "mail": "other", "courrier": "other", "complimentary": "other", "invitation": "other",
}
CHANNEL_WORDS.update({w: v for w, v in more.CHANNEL_WORDS.items() if w not in CHANNEL_WORDS})
# Words written in a price column for a ticket given (folded): its price is 0.
FREE_WORDS: tuple[str, ...] = ("free", "gratuit", "gratuite", "comp", "complimentary", "offert", "offerte",
                               "invitation", "exonere", "exoneree", "kostenlos", "gratis", "freikarte")
FREE_WORDS += more.FREE_WORDS
# What a list kept by hand writes for a seat given: abbreviated (« invit. »), in the plural, a guest (« invité »).
FREE_WORDS += ("invit", "invits", "invitations", "invite", "invitee", "invites", "invitees", "offerts", "offertes",
               "gratuits", "gratuites", "exo", "comps")
# What a vendor writes where it knows nobody (lower case, accents stripped): a walk-in sale's
# "N/A" e-mail, a "Guest" or "Info Requested" name, a customer number of 0. Read as no value where a
# person is identified, so that every such sale is not one and the same patron.
PLACEHOLDER_WORDS: tuple[str, ...] = (
    "n/a", "n.a.", "n.a", "na", "#n/a", "n/d", "nd", "none", "null", "nil", "nan", "unknown", "inconnu", "inconnue",
    "aucun", "aucune", "nc", "n.c.", "n/c", "non communique", "non communiquee", "non renseigne", "non renseignee",
    "not provided", "not available", "not given", "no email", "no e-mail", "no mail", "noemail", "pas de courriel",
    "pas de mail", "pas d'email", "sans courriel", "sans email", "info requested", "tbd", "tba", "guest", "walk-in",
    "walk in", "walkin", "anonymous", "anonyme", "anon", "client de passage", "kunde", "gast", "keine angabe",
    "unbekannt",
    # A till's name for the buyer it did not ask (phrases no person is called).
    "walk-in customer", "walk in customer", "walkin customer", "cash customer", "cash sale", "door sale",
    "door sales", "at the door", "box office sale", "default customer", "pos customer", "client comptant",
    "client anonyme", "client divers", "clients divers", "vente comptant", "vente au guichet", "vente a la porte",
    "a la porte", "laufkunde", "barverkauf", "abendkasse")
TRUE_WORDS = frozenset({"true", "yes", "oui", "y", "o", "1", "x", "vrai", "t", "si", "ja", "checked",
                        "coche", "cochee", "accepte", "acceptee", "opt in", "opted in", "subscribed", "abonne",
                        "abonnee", "on"}) | more.TRUE_WORDS
FALSE_WORDS = frozenset({"false", "no", "non", "n", "0", "faux", "f", "unchecked", "not checked", "refuse",
                         "refusee", "non coche", "non cochee", "pas coche", "decoche", "opt out", "opted out",
                         "unsubscribed", "not subscribed", "desabonne", "desabonnee", "non abonne", "off", "nein"}) | more.FALSE_WORDS
# A box ticked or not, as a spreadsheet or a form's export draws it (no letters to fold).
CHECK_MARKS = {"✓": True, "✔": True, "☑": True, "✅": True, "🗸": True, "✗": False, "✘": False, "☐": False,
               "❌": False}
LANGUAGE_WORDS: dict[str, str] = {
    "fr": "fr", "francais": "fr", "french": "fr", "fra": "fr", "fre": "fr", "fr ca": "fr", "fr fr": "fr",
    "en": "en", "english": "en", "anglais": "en", "eng": "en", "en ca": "en", "en us": "en", "en gb": "en",
    "bilingual": "bilingual", "bilingue": "bilingual", "fr en": "bilingual", "en fr": "bilingual",
    "none": "none", "aucune": "none", "instrumental": "none", "sans paroles": "none", "sans texte": "none",
}


# Articles and prepositions that vendors add or leave out at will ("Date de la représentation",
# "Date représentation", "Date of the show"): headers and wordings are compared without them.
_FILLERS = frozenset({"de", "la", "le", "les", "l", "du", "des", "d", "the", "of"}) | more.FILLERS


def _meaningful(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in words if w not in _FILLERS) or words


def _phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    # The canonical field's own name (unit_price, event_starts_at) is always a wording.
    return {f: tuple(dict.fromkeys(_meaningful(tuple(_token(t) for t in p.split()))
                                   for p in (*phrases, f.replace("_", " "))))
            for f, phrases in HEADERS.items()}


_PHRASES = _phrases()


# One-word headers too vague to be sure of ("Date", "Nom", "No"): a match, but not a certain one.
GENERIC = frozenset({"date", "no", "id", "event", "ticket", "order", "commande", "billet", "client", "tarif",
                     "participant", "name", "start", "price", "paid", "show", "mail", "site", "place",
                     "places", "source", "title", "titre", "status", "tickets", "count", "nb", "nombre",
                     "first", "last", "cell", "local", "valeur", "customer", "transaction", "session",
                     "style", "theme", "themes", "tel", "lang", "cp", "acheteur", "payeur", "debut",
                     "language", "langue", "locale", "total", "item", "lineitem", "value", "produit", "article",
                     "product", "plan", "offre", "experience", "prestation", "patron", "purchaser", "buyer",
                     "purchased", "datetime", "ordered", "booked"}) | more.GENERIC


# A header followed by its database field's name in brackets (Event Espresso's
# "Time registration occurred[REG_date]", "Email Address[ATT_email]").
_FIELD_NAME_AFTER = re.compile(r"(.*?\S)\s*\[\s*([A-Za-z][A-Za-z0-9_.]*)\s*\]\s*")


@functools.lru_cache(maxsize=65536)
def header_score(field: str, header: str) -> float:
    """How well ``header`` names ``field``: 1.0 exactly a vendor wording, 0.5-0.8 a wording
    plus qualifiers (``Buyer Email``), 0 when unrelated or when it names something else. A label
    with its field name in brackets is as good as the better of the two."""
    both = _FIELD_NAME_AFTER.fullmatch(header)
    if both is not None:
        return max(header_score(field, both.group(1)), header_score(field, both.group(2)))
    raw = tokens(header)
    words = _meaningful(raw)
    if not words:
        return 0.0
    if set(words) & EXCLUDE_WORDS.get(field, frozenset()):
        return 0.0
    if raw[0] in _ASKS_HOW_OR_WHY and header.rstrip().endswith("?") and not field.startswith("consent"):
        return 0.0  # « Comment avez-vous connu le festival ? » names no festival: a form's question
    plain = tuple(w for w in words if w not in ATTENDEE_WORDS and w not in BUYER_WORDS) or words
    head = _head(raw, field)
    best = 0.0
    for phrase in _PHRASES[field]:
        if words == phrase or plain == phrase:
            best = max(best, 0.7 if len(phrase) == 1 and phrase[0] in GENERIC else 1.0)
            continue
        if len(phrase) <= len(words) and _contains(words, phrase, start=head):
            if (not head and len(words) == 2 and words[0] in _COMPOUND_FIRST and words[1] in _COMPOUND_LAST
                    and phrase == words[:1] and _names_another(words[1], field)):
                # An English compound names its last word ("Reservation Price" is a price, "Event
                # Venue" a venue): its first word alone does not name the column.
                continue
            extra = len(words) - len(phrase)
            qualifiers = sum(1 for w in words if w in ATTENDEE_WORDS or w in BUYER_WORDS)
            best = max(best, 0.85 - 0.12 * max(0, extra - qualifiers) - 0.03 * qualifiers)
    return max(best, 0.0)


# A booking form's question that asks how, why, whether or where from (« Comment avez-vous connu le
# festival ? », "How did you hear about us?", « Avez-vous déjà assisté… ? »): its answers are opinions
# or channels, never the event, the person or the ticket its words mention. Consent is asked so too.
# « Quel est votre code postal ? » asks for the field itself: it counts.
_ASKS_HOW_OR_WHY = frozenset({"comment", "pourquoi", "avez", "etes", "as", "es", "connaissez", "ou", "par",
                              "how", "why", "have", "did", "were", "are", "where", "do", "would", "souhaitez",
                              "acceptez", "voulez", "wie", "warum", "como", "por", "come", "perche", "hoe",
                              "waarom"})
# Words after which a header names what its head word belongs to ("Prix de la réservation",
# "Price of ticket"), and head words that identify or name that thing (« Code de la réservation » is
# the reservation's code, « Nom de la campagne » the campaign's name: the campaign is the column's).
_OF = frozenset({"de", "du", "des", "d", "of"}) | more.OF_WORDS
# An English compound of two words names its last one ("Reservation Price" is a price, "Event Venue"
# a venue): a first word that only qualifies (these) does not name the column. French puts its head
# first (« Date transaction »): its first words are none of these.
_COMPOUND_FIRST = frozenset({"reservation", "booking", "order", "ticket", "event", "show", "performance", "seat",
                             "transaction", "purchase", "sale"})
_COMPOUND_LAST = frozenset({"price", "amount", "venue", "location", "date", "time", "status", "email", "phone",
                            "total", "quantity"})
_IDENTIFIER_HEADS = frozenset({"no", "id", "code", "nom", "name", "titre", "title", "libelle", "intitule", "label",
                               "designation", "nome", "nombre", "naam"})


def _head(raw: tuple[str, ...], field: str) -> int:
    """How many meaningful words of a header ``head of complement`` are its head, when that head
    names another field than ``field`` (« Prix de la réservation » is a price, not a reservation
    number; « Lieu de l'évènement » a venue, not an event; "Price of ticket" a price): a wording of
    ``field`` found in the complement alone does not name the column. 0 otherwise."""
    at = next((i for i, w in enumerate(raw) if w in _OF), 0)
    head = _meaningful(raw[:at]) if at else ()
    if not head or set(head) <= _IDENTIFIER_HEADS:
        return 0
    return len(head) if _fields_named(head) - {field} else 0


@functools.lru_cache(maxsize=4096)
def _fields_named(words: tuple[str, ...]) -> frozenset[str]:
    """The fields one of whose wordings ``words`` contains."""
    return frozenset(f for f, phrases in _PHRASES.items() if any(_contains(words, p) for p in phrases))


def _names_another(word: str, field: str) -> bool:
    """Whether ``word`` alone is a wording of a field other than ``field``."""
    return any(other != field and (word,) in phrases for other, phrases in _PHRASES.items())


def _contains(words: tuple[str, ...], phrase: tuple[str, ...], start: int = 0) -> bool:
    """``phrase`` appears in ``words`` as consecutive words, beginning before word ``start``
    when ``start`` is given (a wording of the header's head, not of its complement alone)."""
    n = len(phrase)
    last = len(words) - n if not start else min(start - 1, len(words) - n)
    return any(words[i:i + n] == phrase for i in range(last + 1))


def header_role(header: str) -> str:
    """``attendee``, ``buyer`` or ``""`` (neither said) for a person column's header."""
    words = set(tokens(header))
    if words & ATTENDEE_WORDS:
        return "attendee"
    if words & BUYER_WORDS:
        return "buyer"
    return ""


def _any_word(words: dict[str, str], shortest: int) -> re.Pattern[str]:
    # Longest words first, so that "not attending" wins over "attending".
    ordered = sorted((w for w in words if len(w) >= shortest), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in ordered) + r")\b")


_STATUS_INSIDE = _any_word(STATUS_WORDS, 1)
_CHANNEL_INSIDE = _any_word(CHANNEL_WORDS, 4)


# A refund of part of an order or ticket (« Remboursé partiellement », "Partially Refunded"): neither
# a sale nor a refund of the whole; the member says which it counts as.
PARTIAL_WORDS = frozenset({"partial", "partially", "partiel", "partielle", "partiellement", "teilweise", "parcial",
                           "parcialmente", "parziale", "parzialmente", "gedeeltelijk", "deels", "delvis", "delvist",
                           "osittain", "czesciowo", "castecne", "parcialment"})


# Means of payment: written in a « Payé » column, they say the booking was paid, and how.
PAYMENT_MEANS = frozenset({"cheque", "cheques", "cb", "carte", "especes", "espece", "liquide", "cash", "comptant",
                           "interac", "virement", "paypal", "stripe", "card", "check", "transfer", "lydia", "sumup",
                           "helloasso", "recu", "recue", "debit", "credit", "visa", "mastercard", "amex", "twint",
                           "bancontact", "payconiq", "ideal", "sepa"})


def is_payment_means(label: str) -> bool:
    """True for a label naming how a booking was paid (« chèque », « virement reçu », "Interac")."""
    return bool(set(fold(label).split()) & PAYMENT_MEANS)


def is_partial(label: str) -> bool:
    """True for a status saying a refund or cancellation was partial."""
    return bool(set(fold(label).split()) & PARTIAL_WORDS)


@functools.lru_cache(maxsize=4096)
def classify_status(label: str) -> str | None:
    """The canonical status a vendor's label means, or None when it is not a known word (a
    partial refund included: the member decides)."""
    key = fold(label)
    if is_partial(label):
        return None
    if key in STATUS_WORDS:
        return STATUS_WORDS[key]
    # "Eventbrite Completed", "Remboursé (partiel)": the known word inside a longer label.
    found = _STATUS_INSIDE.search(key)
    if found is None:
        return None
    status = STATUS_WORDS[found.group(1)]
    if status == "sold" and set(key[: found.start()].split()) & _NEGATIONS and found.group(1) not in _USE_WORDS:
        return None  # "Non payé", "not paid": no sale, nor anything else the draft can say
    return status


@functools.lru_cache(maxsize=4096)
def classify_channel(label: str) -> str | None:
    key = fold(label)
    if key in CHANNEL_WORDS:
        return CHANNEL_WORDS[key]
    found = _CHANNEL_INSIDE.search(key)
    return CHANNEL_WORDS[found.group(1)] if found else None


def classify_boolean(label: str) -> bool | None:
    mark = CHECK_MARKS.get(label.strip())
    if mark is not None:
        return mark
    key = fold(label)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


def classify_language(label: str) -> str | None:
    return LANGUAGE_WORDS.get(fold(label))


_FRENCH = frozenset({"billet", "billets", "courriel", "prix", "statut", "spectacle", "achat", "commande", "nom",
                     "prenom", "montant", "quantite", "qte", "salle", "seance", "evenement", "telephone", "adresse",
                     "postal", "naissance", "tarif", "acheteur", "payeur", "representation", "langue", "devise",
                     "canal", "jauge", "numero", "moyen", "paiement", "de", "du", "la", "le", "des", "et", "lieu",
                     "heure", "remboursement", "consentement", "infolettre", "genre", "artiste", "artistes"})
_ENGLISH = frozenset({"ticket", "tickets", "order", "price", "email", "status", "event", "name", "first", "last",
                      "quantity", "amount", "venue", "phone", "customer", "paid", "purchase", "address", "zip",
                      "buyer", "attendee", "birth", "of", "the", "and", "time", "start", "sale", "channel", "total",
                      "currency", "language", "performance", "seat", "row", "section", "type"})


_GERMAN = frozenset({"bestellung", "bestellnummer", "bestelldatum", "veranstaltung", "veranstaltungsdatum",
                     "veranstaltungsort", "vorname", "nachname", "anrede", "strasse", "plz", "postleitzahl", "ort",
                     "telefon", "preis", "einzelpreis", "gesamtpreis", "anzahl", "kategorie", "zahlungsart",
                     "datum", "kunde", "kundennummer", "karte", "karten", "eintrittskarte", "vorstellung",
                     "spielstatte", "platz", "reihe", "betrag", "geburtsdatum", "sprache", "wahrung", "und", "der",
                     "die", "das"})


def headers_language(headers: list[str]) -> str:
    """``fr``, ``de``, ``en`` or one of ``vocabulary_languages.LANGUAGE_MARKERS`` (``pt``, ``sv``…): the
    language most header words are in (``en`` on a tie)."""
    words = [w for h in headers for w in fold(h).split()]
    french = sum(w in _FRENCH for w in words)
    english = sum(w in _ENGLISH for w in words)
    german = sum(w in _GERMAN for w in words)
    other, most = max(((language, sum(w in markers for w in words)) for language, markers in more.LANGUAGE_MARKERS.items()),
                      key=lambda pair: pair[1])
    if most > max(french, english, german) and most >= 3:
        return other
    if german > max(french, english):
        return "de"
    return "fr" if french > english else "en"
