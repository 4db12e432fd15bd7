"""The words of exports written in Spanish, Portuguese, Italian, Dutch, the Scandinavian
languages, Finnish, Polish and Hungarian: column headers, ticket statuses, sales channels, yes and no, free tickets.

Box offices in Brazil, Chile, Spain, Italy, the Netherlands, Norway, Sweden, Denmark or Poland
export their sales from back offices that speak the venue's language (Sympla's « Data da
compra », Passline's « Fecha Compra », Vivaticket's « Data vendita », Eventix's « Besteldatum »,
TicketCo's « Kjøpstidspunkt », Tickster's « Köpdatum », Lyyti's « Ilmoittautumisaika », eBilet's
« Data zamówienia », Jegy.hu's « Vásárlás időpontja »).
``vocabulary`` adds these words to its French, English and German ones; they are written folded
(lower case, no accents, ``ø`` as ``o``, ``ä`` as ``a``, ``ł`` as ``l``, ``ő`` as ``o``; "number" words as ``no``).
"""

from __future__ import annotations

# Canonical field -> the ways these vendors name it.
HEADERS: dict[str, tuple[str, ...]] = {
    "ticket_id": (
        # Portuguese, Spanish, Italian
        "no ingresso", "ingresso no", "codigo ingresso", "id ingresso", "no entrada", "entrada no", "id entrada",
        "codigo entrada", "no boleto", "id boleto", "codigo boleto", "no biglietto", "biglietto no",
        "codice biglietto", "id biglietto", "codigo barras", "codice a barre", "codice barre",
        # Dutch, Norwegian, Danish, Swedish, Polish
        "ticketnummer", "ticket id", "kaartnummer", "billett id", "billettnummer", "billettnr", "billet id",
        "billetnummer", "biljett id", "biljettnummer", "biljettnr", "strekkode", "stregkode", "streckkod",
        "no biletu", "id biletu", "kod biletu", "numer biletu", "kod kreskowy",
        # Finnish (Lyyti, Tiketti, Lippu.fi)
        "lipun no", "lippu no", "lippunumero", "lippu id", "lipun id", "osallistujan id", "osallistuja id",
        "osallistujatunnus", "viivakoodi",
        # Hungarian (Jegy.hu, InterTicket)
        "jegyszam", "jegy azonosito", "jegyazonosito", "vonalkod", "jegy sorszama"),
    "order_id": (
        "pedido", "no pedido", "pedido no", "id pedido", "codigo pedido", "no compra", "id compra",
        # Portugal's order (« Nº encomenda », « Referência da encomenda »).
        "encomenda", "no encomenda", "encomenda no", "id encomenda", "codigo encomenda", "referencia encomenda",
        # A Spanish booking's locator (Entradium's, airlines' « Localizador »).
        "localizador", "codigo reserva", "localizador reserva",
        "orden", "no orden", "orden no", "id orden", "orden compra", "codigo compra",
        "ordine", "no ordine", "id ordine", "codice ordine", "transazione", "no transazione", "id transazione",
        "codice transazione", "cod transazione", "prenotazione", "codice prenotazione",
        "bestelling", "bestelnummer", "bestelling id", "bestelling no", "ordernummer", "ordernr",
        "ordre", "ordre id", "ordrenummer", "ordrenr", "ordre no", "bestilling", "bestillingsnummer",
        "bokning", "bokningsnummer", "zamowienie", "no zamowienia", "id zamowienia", "numer zamowienia",
        "tilaus", "tilausnumero", "tilaus no", "tilauksen no", "tilaus id", "varaus", "varausnumero", "varaus no",
        "rendelesszam", "rendeles szama", "rendelesi szam", "rendeles azonosito", "rendelesazonosito"),
    "purchased_at": (
        "data compra", "data pedido", "data venda", "data pagamento", "comprado em", "data hora compra",
        "data encomenda",
        "fecha compra", "fecha pedido", "fecha orden", "fecha venta", "fecha pago", "fecha transaccion",
        "fecha hora compra",
        "data vendita", "data acquisto", "data operazione", "data ordine", "data emissione",
        "data prenotazione", "data transazione",
        "besteldatum", "besteld op", "aankoopdatum", "datum aankoop", "datum bestelling", "aangemaakt op",
        "gekocht op", "verkoopdatum",
        "kjopstidspunkt", "kjopsdato", "kjopt", "kjopt dato", "ordredato", "salgsdato", "bestillingsdato",
        "kobsdato", "kobt", "kopdatum", "koptid", "kopt", "kopdatum tid", "orderdatum", "bokningsdatum",
        "data zamowienia", "data zakupu", "data sprzedazy", "data transakcji", "data platnosci",
        "ilmoittautumisaika", "ilmoittautumispaiva", "ilmoittautumisen aika", "tilausaika", "tilauspaiva",
        "ostoaika", "ostopaiva", "maksupaiva", "myyntipaiva",
        "vasarlas idopontja", "vasarlas datuma", "vasarlas ideje", "rendeles idopontja", "rendeles datuma",
        "fizetes idopontja", "fizetes datuma"),
    "status": (
        "situacao", "estado", "status pedido", "status pagamento", "estado pagamento", "situacao pedido",
        "estado pedido", "estado orden", "estado pago", "estado entrada",
        "stato", "stato ordine", "stato biglietto", "stato pagamento",
        "bestelstatus", "betaalstatus", "ticketstatus", "ordrestatus", "betalingsstatus", "billettstatus",
        "orderstatus", "betalstatus", "biljettstatus", "status zamowienia", "status platnosci", "status biletu",
        "tila", "maksun tila", "maksutila", "tilauksen tila", "lipun tila",
        "allapot", "statusz", "fizetesi allapot", "rendeles allapota", "jegy allapota"),
    "quantity": (
        "quantidade", "qtd", "qtde", "cantidad", "cant", "quantita", "qta", "no biglietti", "aantal",
        "aantal tickets", "antall", "antall billetter", "antal", "antal biljetter", "antal billetter",
        "ilosc", "ilosc biletow", "liczba biletow", "maara", "lukumaara", "kpl", "lippujen maara",
        "darab", "db", "darabszam", "jegyek szama", "mennyiseg"),
    "unit_price": (
        "valor", "preco", "valor ingresso", "preco ingresso", "preco unitario", "valor unitario", "valor pago",
        "precio", "precio unitario", "precio entrada", "valor entrada", "importe", "monto", "precio pagado",
        "precio boleto",
        "prezzo", "prezzo unitario", "importo", "prezzo biglietto", "prezzo pagato",
        "prijs", "ticketprijs", "bedrag", "stukprijs", "prijs per stuk",
        "pris", "billettpris", "billetpris", "belop", "belob", "enhetspris", "enhedspris", "biljettpris", "belopp",
        "styckpris", "a pris",
        "cena", "cena biletu", "cena jednostkowa", "kwota", "cena brutto", "hinta", "lipun hinta", "yksikkohinta",
        "egysegar", "jegyar", "brutto egysegar"),
    "total_price": (
        "valor total", "total pedido", "valor pedido", "monto total", "importe total", "total orden",
        "precio total", "totale", "importo totale", "prezzo totale", "totale ordine", "totaal", "totaalbedrag",
        "totaalprijs", "totaal bedrag", "totalt", "totalbelop", "totalpris", "summa", "totalbelopp",
        "wartosc", "suma", "razem", "wartosc zamowienia", "wartosc brutto", "kwota calkowita", "kokonaishinta",
        "yhteensa", "loppusumma", "osszesen", "vegosszeg", "fizetendo", "brutto osszesen"),
    "currency": ("moeda", "moneda", "divisa", "valuta", "waluta", "wahrung", "valuutta", "penznem"),
    "channel": (
        "canal venda", "canal venta", "punto venta", "canale", "canale vendita", "punto vendita",
        "verkoopkanaal", "verkooppunt", "salgskanal", "forsaljningskanal", "kanal", "kanal sprzedazy",
        "punkt sprzedazy", "origem", "origen", "myyntikanava", "ertekesitesi csatorna", "ertekesitesi hely",
        "csatorna"),
    "event_title": (
        "evento", "nome evento", "nombre evento", "espetaculo", "espectaculo", "titulo", "funcion",
        "titolo", "spettacolo", "titolo evento", "evenement", "voorstelling", "naam evenement",
        "evenementnaam", "titel", "arrangement", "arrangementnavn", "forestilling", "tittel", "konsert",
        "evenemang", "evenemangsnamn", "forestallning", "wydarzenie", "nazwa wydarzenia", "tytul", "spektakl",
        "koncert", "impreza", "tapahtuma", "tapahtuman nimi", "esitys", "konsertti",
        "eloadas", "eloadas cime", "esemeny", "esemeny neve", "rendezveny", "rendezveny neve", "musor"),
    "event_starts_at": (
        "data evento", "data sessao", "data inicio", "inicio", "horario", "data hora evento",
        "fecha evento", "fecha funcion", "fecha inicio", "fecha espectaculo", "fecha hora evento",
        "data spettacolo", "inizio", "data inizio", "data rappresentazione",
        "datum evenement", "datum voorstelling", "evenementdatum", "aanvang", "begintijd", "startdatum",
        "starttid", "starttidspunkt", "arrangementsdato", "forestillingsdato", "tidspunkt", "evenemangsdatum",
        "forestallningsdatum", "data wydarzenia", "termin", "data imprezy", "data koncertu", "data spektaklu",
        "tapahtuman ajankohta", "ajankohta", "tapahtuman alkamisaika", "alkamisaika", "tapahtuman paivamaara",
        "esityspaiva",
        "eloadas idopontja", "eloadas datuma", "esemeny idopontja", "esemeny datuma", "rendezveny idopontja",
        "kezdes", "kezdes idopontja"),
    "venue": ("recinto", "sala", "teatro", "luogo", "sede", "locatie", "zaal", "spillested", "lokale", "scen",
              "miejsce", "tapahtumapaikka", "helyszin", "terem"),
    "patron_id": ("id cliente", "codigo cliente", "cliente id", "no cliente", "codice cliente", "klantnummer",
                  "klant id", "kundenummer", "kunde id", "kundnummer", "kund id", "id klienta", "no klienta",
                  "asiakasnumero", "asiakas id", "ugyfelazonosito", "ugyfelszam", "vevoazonosito"),
    "email": ("e mailadres", "emailadres", "e post", "epost", "e postadresse", "e postadress", "correo",
              "correo electronico", "indirizzo email", "posta elettronica", "adres e mail", "adres email",
              "sahkoposti", "sahkopostiosoite", "e mail cim", "email cim"),
    "phone": ("telefone", "telemovel", "celular", "telefono", "cellulare", "movil", "telefoonnummer", "mobiel",
              "mobielnummer", "mobilnummer", "mobiltelefon", "telefonnummer", "no telefonu", "numer telefonu",
              "telefon komorkowy", "puhelin", "puhelinnumero", "matkapuhelin", "telefonszam", "mobilszam"),
    "first_name": ("nome", "primeiro nome", "nombre", "nombres", "voornaam", "fornavn", "fornamn", "imie", "etunimi",
                   "keresztnev", "utonev"),
    "last_name": ("sobrenome", "apelido", "apellido", "apellidos", "cognome", "achternaam", "etternavn",
                  "efternavn", "efternamn", "nazwisko", "sukunimi", "vezeteknev", "csaladnev"),
    "full_name": ("nome completo", "nombre completo", "nome e cognome", "nominativo", "naam", "volledige naam",
                  "navn", "fullt navn", "namn", "fullstandigt namn", "imie i nazwisko", "nimi", "koko nimi",
                  "nev", "teljes nev", "vevo neve"),
    "birth_date": ("data nascimento", "fecha nacimiento", "data nascita", "geboortedatum", "fodselsdato",
                   "fodelsedatum", "data urodzenia", "syntymaaika", "szuletesi datum"),
    "age": ("alter", "edad", "idade", "eta", "leeftijd", "alder", "alder ar", "wiek", "ika", "eletkor",
            "altersgruppe", "rango de edad", "faixa etaria", "fascia di eta"),
    "postal_code": ("cep", "codigo postal", "cod postal", "cap", "postnummer", "postnr", "kod pocztowy", "postinumero",
                    "iranyitoszam", "irsz"),
    "patron_language": ("idioma", "lingua", "taal", "sprak", "jezyk", "kieli", "nyelv"),
    "consent_marketing": ("aceita newsletter", "acepta comunicaciones", "consenso marketing", "consenso newsletter",
                          "nieuwsbrief", "nyhetsbrev", "zgoda marketingowa", "zgoda na marketing", "markkinointilupa",
                          "uutiskirje", "hirlevel", "marketing hozzajarulas"),
}
# One-word headers too vague to be sure of ("Estado", "Nome", "Totaal").
GENERIC: frozenset[str] = frozenset({
    "estado", "stato", "pedido", "orden", "ordine", "ordre", "bestelling", "nome", "nombre", "naam", "navn", "namn",
    "totale", "totaal", "totalt", "suma", "razem", "valor", "canal", "canale", "kanal", "sala", "inicio", "inizio",
    "termin", "horario", "origem", "origen", "titel", "tittel", "titulo", "titolo", "tytul", "evento", "wartosc",
    "kwota", "importe", "monto", "importo", "bedrag", "belop", "transazione", "sede", "scen", "lokale", "tila",
    "nimi", "tapahtuma", "tilaus", "varaus", "ajankohta", "nev", "csatorna", "esemeny", "musor", "kezdes",
    "terem"})
# Words of a person column's header that say it is the ticket holder's, or the buyer's.
ATTENDEE_WORDS: frozenset[str] = frozenset({
    "participante", "partecipante", "asistente", "titular", "deelnemer", "bezoeker", "deltaker", "deltager",
    "deltagare", "besokare", "uczestnik", "uczestnika", "osallistuja", "osallistujan", "resztvevo", "nezo"})
BUYER_WORDS: frozenset[str] = frozenset({
    "comprador", "compradora", "acquirente", "koper", "kjoper", "kober", "kopare", "kupujacy", "kupujacego",
    "nabywca", "cliente", "klant", "kunde", "kund", "klient", "klienta", "ostaja", "ostajan", "tilaaja",
    "tilaajan", "asiakas", "asiakkaan", "vevo", "vasarlo", "ugyfel", "megrendelo"})
# Words that, in a header, say an amount is something else than a ticket's price: a fee, a tax, a
# discount, a code, a refund, a tip.
NOT_A_PRICE: frozenset[str] = frozenset({
    "taxa", "tarifa", "cargo", "comissao", "comision", "servico", "servicio", "desconto", "descuento",
    "cupom", "cupon", "codigo", "reembolso", "gorjeta", "propina", "iva",
    "prevendita", "diritti", "commissione", "sconto", "codice", "rimborso", "mancia",
    "servicekosten", "kosten", "korting", "btw", "terugbetaling", "fooi",
    "gebyr", "avgift", "mva", "moms", "rabatt", "refusjon", "aterbetalning", "dricks",
    "oplata", "prowizja", "rabat", "kod", "vat", "zwrot", "napiwek",
    # Finnish: VAT (« ALV % »), a service or delivery fee, a discount and its code, a refund.
    "alv", "palvelumaksu", "toimitusmaksu", "alennus", "alennuskoodi", "kampanjakoodi", "hyvitys",
    # Hungarian: a handling or service fee (« Kezelési költség »), VAT (« ÁFA »), a discount, a refund.
    "kezelesi", "koltseg", "dij", "szolgaltatasi", "afa", "kedvezmeny", "kupon", "visszaterites"})
# Words that, in a header, say it counts tickets (not their price).
TICKET_COUNTS: frozenset[str] = frozenset({
    "ingressos", "entradas", "biglietti", "billetter", "biljetter", "bilety", "biletow", "quantidade",
    "cantidad", "quantita", "aantal", "antall", "antal", "ilosc", "liczba", "maara", "lukumaara", "kpl", "liput",
    "lippuja", "darab", "db", "darabszam", "jegyek"})
# Words that, in a header, say it is about the show (not a purchase, nor a person).
EVENT_WORDS: frozenset[str] = frozenset({
    "evento", "eventos", "espetaculo", "espectaculo", "spettacolo", "sessao", "sesion", "sessione", "funcion",
    "evenement", "voorstelling", "arrangement", "forestilling", "evenemang", "forestallning", "wydarzenia",
    "wydarzenie", "spektaklu", "koncertu", "imprezy", "ingresso", "entrada", "biglietto", "billett", "biljett",
    "bilet", "biletu", "tipo", "tapahtuma", "tapahtuman", "esitys", "esityksen",
    "konsertti", "konsertin", "lippu", "lipun", "eloadas", "esemeny", "rendezveny", "jegy"})
# Words that, in a header, say it is about the purchase (not the show).
PURCHASE_WORDS: frozenset[str] = frozenset({
    "compra", "pedido", "venda", "venta", "vendita", "acquisto", "ordine", "operazione", "emissione", "bestelling",
    "aankoop", "besteld", "gekocht", "aangemaakt", "kjop", "kjopt", "kob", "kop", "kopt", "ordre", "zamowienia",
    "zakupu", "sprzedazy", "pagamento", "pago", "betaling", "nascimento", "nacimiento", "nascita", "tilaus",
    "tilauksen", "osto", "maksu", "maksun", "ilmoittautumisaika", "ilmoittautumispaiva", "ilmoittautumisen",
    "syntymaaika", "vasarlas", "rendeles", "fizetes", "szuletesi"})
# Articles and prepositions left out when headers are compared ("Data da compra", "Fecha del evento").
FILLERS: frozenset[str] = frozenset({"do", "da", "dos", "das", "del", "di", "della", "dell", "dello", "degli",
                                     "van", "het", "y", "og", "och", "pa"})
# Prepositions after which a header names what its head word belongs to ("Precio de la entrada",
# "Data do evento", "Prezzo del biglietto", "Prijs van het ticket").
OF_WORDS: frozenset[str] = frozenset({"do", "da", "dos", "das", "del", "di", "della", "dell", "dello", "degli",
                                      "van"})

STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys((
        # Portuguese and Spanish
        "aprovado", "aprovada", "pago", "paga", "confirmado", "confirmada", "concluido", "concluida", "cortesia",
        "pagado", "pagada", "aprobado", "aprobada", "completado", "completada", "vendido", "vendida", "valido",
        "valida", "invitacion", "gratuito", "gratuita",
        # Italian
        "emesso", "emessa", "venduto", "venduta", "pagato", "pagata", "confermato", "confermata", "omaggio",
        # Dutch, Norwegian, Danish, Swedish
        "betaald", "geldig", "voltooid", "bevestigd", "vrijkaart", "betalt", "gyldig", "fullfort", "bekreftet",
        "gennemfort", "bekraeftet", "fribillett", "fribillet", "betald", "genomford", "bekraftad", "giltig",
        "fribiljett",
        # Polish
        "oplacone", "oplacony", "oplacona", "zrealizowane", "zrealizowany", "potwierdzone", "zaproszenie",
        # An order paid and waiting to be fulfilled (WooCommerce's "Processing"): a sale.
        "processing",
        # Finnish (Lyyti): paid, free, confirmed, registered, invited guest
        "maksettu", "maksuton", "vahvistettu", "ilmoittautunut", "osallistunut", "hyvaksytty", "kutsuvieras",
        # Hungarian: paid, sold, confirmed, a complimentary ticket (« Tiszteletjegy »), free
        "fizetve", "kifizetve", "eladva", "teljesitve", "visszaigazolva", "tiszteletjegy", "ingyenes"), "sold"),
    **dict.fromkeys((
        "estornado", "estornada", "reembolsado", "reembolsada", "devuelto", "devuelta", "devolucion",
        "rimborsato", "rimborsata", "terugbetaald", "geretourneerd", "refundert", "tilbakebetalt", "refunderet",
        "aterbetald", "aterbetalad", "krediterad", "zwrocone", "zwrocony", "zwrot", "hyvitetty", "palautettu",
        "visszateritve", "visszaterites"),
        "refunded"),
    **dict.fromkeys((
        "cancelado", "cancelada", "anulado", "anulada", "annullato", "annullata", "stornato", "stornata",
        "geannuleerd", "verlopen", "ongeldig", "kansellert", "avbestilt", "annullert", "annulleret",
        "makulerad", "avbokad", "annullerad", "anulowane", "anulowany", "anulowana", "peruttu", "peruutettu",
        "peruuntunut", "mitatoity", "torolve", "torolt", "sztornozva", "sztorno", "lemondva"), "cancelled"),
}
CHANNEL_WORDS: dict[str, str] = {
    **dict.fromkeys(("site", "sito", "sitio web", "nett", "nettsalg", "webb", "webshop", "internetowy", "verkkokauppa",
                     "verkkomyynti"), "web"),
    **dict.fromkeys(("bilheteria", "bilheteira", "taquilla", "boleteria", "botteghino", "biglietteria", "kassa",
                     "billettluke", "billetsalg", "billetkontor", "biljettkontor", "deurverkoop", "puerta", "kasa",
                     "cassa", "lipunmyynti", "lippukassa", "penztar", "jegypenztar"), "box_office"),
    **dict.fromkeys(("telefono", "telefoon", "telefon", "puhelin"), "phone"),
    **dict.fromkeys(("rivenditore", "revendedor", "revendedora", "punto vendita", "ponto de venda",
                     "wederverkoper", "forhandler", "aterforsaljare", "ombud", "jalleenmyyja", "viszontelado"), "reseller"),
}
# Negations before a word of sale ("não pago", "niet betaald", "ikke betalt", "nie opłacone").
NEGATIONS: frozenset[str] = frozenset({"nao", "niet", "ikke", "inte", "nie", "ei", "nincs"})
FREE_WORDS: tuple[str, ...] = ("cortesia", "gratuito", "gratuita", "omaggio", "vrijkaart", "fribillett",
                               "fribillet", "fribiljett", "zaproszenie", "invitacion", "bezplatny", "maksuton",
                               "kutsuvieras", "vapaalippu", "tiszteletjegy", "ingyenes")
TRUE_WORDS: frozenset[str] = frozenset({"sim", "tak", "ja", "si", "kylla", "igen"})
FALSE_WORDS: frozenset[str] = frozenset({"nao", "nie", "nej", "nee", "ei", "nem"})

# Month names and abbreviations (folded) -> month: Dutch, Portuguese, Spanish, Italian, Swedish,
# Norwegian, Danish, Polish (Polish in the nominative and in the genitive a date writes: « 14 marca »).
MONTHS: dict[str, int] = {
    **dict.fromkeys(("januari", "janeiro", "enero", "ene", "gennaio", "gen", "styczen", "stycznia", "sty"), 1),
    **dict.fromkeys(("februari", "fevereiro", "febrero", "febbraio", "luty", "lutego", "lut"), 2),
    **dict.fromkeys(("maart", "mrt", "marco", "marzo", "marts", "marzec", "marca", "marcius", "marc"), 3),
    **dict.fromkeys(("abril", "abr", "aprile", "kwiecien", "kwietnia", "kwi", "aprilis"), 4),
    **dict.fromkeys(("mei", "maio", "mayo", "maggio", "mag", "maj", "maja", "majus"), 5),
    **dict.fromkeys(("junho", "junio", "giugno", "giu", "czerwiec", "czerwca", "cze", "junius"), 6),
    **dict.fromkeys(("julho", "julio", "luglio", "lug", "lipiec", "lipca", "lip", "julius"), 7),
    **dict.fromkeys(("augustus", "agosto", "ago", "augusti", "sierpien", "sierpnia", "sie", "augusztus"), 8),
    **dict.fromkeys(("setembro", "set", "septiembre", "setiembre", "settembre", "wrzesien", "wrzesnia", "wrz"), 9),
    **dict.fromkeys(("outubro", "out", "octubre", "ottobre", "ott", "pazdziernik", "pazdziernika", "paz"), 10),
    **dict.fromkeys(("novembro", "noviembre", "listopad", "listopada", "lis"), 11),
    **dict.fromkeys(("dezembro", "diciembre", "dic", "dicembre", "desember", "des", "grudzien", "grudnia", "gru"), 12),
}
# Day names and abbreviations (folded), in the same languages: a date may start with one.
DAYS: tuple[str, ...] = (
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "ma", "wo", "vr", "za", "zo",
    "segunda", "terca", "quarta", "quinta", "sexta", "sabado", "domingo", "feira", "seg", "ter", "qua", "qui",
    "sex", "sab", "dom", "lunes", "martes", "miercoles", "jueves", "viernes", "mie", "jue", "vie",
    "lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica", "gio",
    "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lordag", "sondag", "tisdag", "man", "tir", "tis", "ons",
    "tor", "tors", "fre", "lor", "son", "poniedzialek", "wtorek", "sroda", "czwartek", "piatek", "sobota",
    "niedziela", "pon", "wt", "sr", "czw", "pt", "sob", "niedz", "nd")
# Words written between a date and its time: « às 21h00 », « om 20:00 », « kl. 19:00 », « alle 21 »,
# « a las 21:00 », « o 19:00 », « godz. 19:00 », « um 19:30 ».
BEFORE_TIME: tuple[str, ...] = ("as", "om", "kl", "klo", "klockan", "klokken", "alle", "ore", "a las", "las", "o",
                                "godz", "um")

# Words Danish and Norwegian headers share (« Ordrenummer », « Navn », « Dato », « Gebyr »): they tell a
# Scandinavian export from an English one, and the words of one language only (« Købt », « Antal »; « Kjøpt »,
# « Antall ») tell which.
_DANO_NORWEGIAN = ("ordrenummer", "gebyr", "navn", "dato", "postnummer", "arrangement")
# Header words (folded) that tell the language of an export: its dates put the day first, its
# crowns are Swedish, Norwegian or Danish.
LANGUAGE_MARKERS: dict[str, frozenset[str]] = {
    "pt": frozenset({"nome", "sobrenome", "apelido", "bilhete", "espetaculo", "telemovel", "preco", "ingresso", "ingressos", "pedido", "compra", "valor", "telefone", "celular", "encomenda",
                     "quantidade", "situacao", "cidade", "cep", "cpf", "taxa", "cupom", "forma", "pagamento",
                     "sessao"}),
    "es": frozenset({"nombre", "apellido", "apellidos", "entrada", "orden", "precio", "cantidad", "fecha", "estado",
                     "telefono", "correo", "comuna", "ciudad", "rut", "cargo", "servicio", "medio", "pago"}),
    "it": frozenset({"cognome", "biglietto", "ordine", "prezzo", "quantita", "stato", "cellulare", "cap",
                     "comune", "prevendita", "totale", "riduzione", "settore", "fila", "posto", "canale", "vendita",
                     "transazione"}),
    "nl": frozenset({"voornaam", "achternaam", "bestelling", "prijs", "aantal", "evenement", "telefoonnummer",
                     "woonplaats", "geboortedatum", "geslacht", "besteldatum", "servicekosten", "tickettype"}),
    "sv": frozenset({"fornamn", "efternamn", "ordernr", "biljettnr", "evenemang", "tid", "biljettyp", "moms",
                     "kopdatum", "mobilnummer", "forsaljningskanal", "antal"}),
    "no": frozenset({"fornavn", "etternavn", "ordre", "billett", "starttid", "billettype", "kjopstidspunkt",
                     "poststed", "salgskanal", "rabattkode", "antall", "kjopt", *_DANO_NORWEGIAN}),
    "da": frozenset({"efternavn", "billet", "billettype", "kobsdato", "antal", "by", "kobt", "kobstidspunkt",
                     *_DANO_NORWEGIAN}),
    "fi": frozenset({"etunimi", "sukunimi", "sahkoposti", "puhelin", "puhelinnumero", "postinumero", "tapahtuma",
                     "hinta", "tila", "maksutapa", "tilaus", "osallistuja", "osallistujan", "lippu", "alv", "kpl",
                     "ilmoittautumisaika", "osallistujatyyppi", "paikkakunta"}),
    "pl": frozenset({"imie", "nazwisko", "zamowienia", "wydarzenie", "wydarzenia", "cena", "ilosc", "wartosc",
                     "kod", "pocztowy", "miasto", "zgoda", "marketingowa", "kategoria", "biletu"}),
    "hu": frozenset({"vezeteknev", "keresztnev", "rendelesszam", "vasarlas", "idopontja", "eloadas", "esemeny",
                     "helyszin", "jegytipus", "darab", "egysegar", "osszesen", "telefonszam", "iranyitoszam",
                     "allapot", "ertekesitesi", "csatorna", "kezelesi", "koltseg", "varos"}),
}
# The clock of a euro box office by the language of its headers, where no phone's country code tells it:
# Portuguese headers and euros are Lisbon's (an hour behind Paris), Spanish ones Madrid's.
EURO_LANGUAGE_ZONES: dict[str, str] = {"pt": "Europe/Lisbon", "es": "Europe/Madrid", "it": "Europe/Rome",
                                       "nl": "Europe/Amsterdam", "fi": "Europe/Helsinki"}
# Crowns ("kr") by the language of the headers.
CROWNS: dict[str, str] = {"sv": "SEK", "no": "NOK", "da": "DKK"}
# Countries culturecoop does not coarsen postal codes for, by calling code: their currency and clock,
# read from phone numbers written with their code (+47 …) or from a currency of theirs.
CALLING_PLACES: dict[str, tuple[str, str]] = {
    "31": ("EUR", "Europe/Amsterdam"), "34": ("EUR", "Europe/Madrid"), "39": ("EUR", "Europe/Rome"),
    "351": ("EUR", "Europe/Lisbon"), "30": ("EUR", "Europe/Athens"), "358": ("EUR", "Europe/Helsinki"),
    "45": ("DKK", "Europe/Copenhagen"), "46": ("SEK", "Europe/Stockholm"), "47": ("NOK", "Europe/Oslo"),
    "354": ("ISK", "Atlantic/Reykjavik"), "48": ("PLN", "Europe/Warsaw"), "420": ("CZK", "Europe/Prague"),
    "36": ("HUF", "Europe/Budapest"), "40": ("RON", "Europe/Bucharest"), "55": ("BRL", "America/Sao_Paulo"),
    "56": ("CLP", "America/Santiago"), "54": ("ARS", "America/Argentina/Buenos_Aires"),
    "52": ("MXN", "America/Mexico_City"), "57": ("COP", "America/Bogota"), "51": ("PEN", "America/Lima"),
    "598": ("UYU", "America/Montevideo"), "61": ("AUD", "Australia/Sydney"), "64": ("NZD", "Pacific/Auckland"),
}
# The clock of a currency's country, where the currency has one country (or one clock for most).
CURRENCY_ZONES: dict[str, str] = {currency: zone for currency, zone in CALLING_PLACES.values() if currency != "EUR"}
