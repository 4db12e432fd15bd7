"""The six synthetic members and what each one sells: seasons, venues, prices, genres, habits.

A ``MemberSpec`` holds every parameter of one member's behaviour, including the planted
signal values (retention, share of local artists) that ``truth.json`` reports. Vendor labels
for genres are the words each vendor's staff would type (French for the French box office);
every one of them folds to a genre of ``schema.taxonomy`` (a test checks it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from culturecoop.synth.names import split_list

# The period every export covers: two seasons, September 2024 to August 2026.
WINDOW_START = dt.datetime(2024, 9, 1)
WINDOW_END = dt.datetime(2026, 9, 1)
# The next season, announced but not yet on sale in the exports: the upcoming events each
# member publishes in its programme (their attendances are truth, for the recommender). It
# lasts three months and starts after the period and after "today", so that a demo run on any
# date shows events still to come (see ``upcoming_season``).
UPCOMING_DAYS = 91



def upcoming_season(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of the upcoming season: from the day after both the period and ``today``."""
    start = max(WINDOW_END, dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    return start, start + dt.timedelta(days=UPCOMING_DAYS)


REGION_MONTREAL = "Montréal"
REGION_QUEBEC = "Capitale-Nationale"
# Share of the cooperative's people who live in each region (index 0: Montréal, 1: Québec).
REGION_SHARES = (0.65, 0.35)

STATUSES = ("sold", "refunded", "cancelled", "exchanged")
CHANNELS = ("web", "box_office", "phone", "reseller", "mobile", "other")
EVENT_LANGUAGES = ("fr", "en", "bilingual", "none")
PHONE_STYLES = 5  # (514) 555-0199 | 514-555-0199 | +1 514 555 0199 | 514.555.0199 | 5145550199

# The cross-genre affinity planted between two members (lift on people, see signals.py).
AFFINITY_FROM = "jazz-dieze"
AFFINITY_TO = "theatre-lilas"
AFFINITY_LIFT = 2.0
# The seasonal trend planted at one member: electronic's share of its events rises linearly.
TREND_MEMBER = "billets-boreal"
TREND_GENRE = "electronic"
TREND_START, TREND_END = 0.08, 0.34


@dataclass(frozen=True)
class Venue:
    name: str
    postal_code: str
    capacity: int


@dataclass(frozen=True)
class MemberSpec:
    """Everything that shapes one member's export."""

    member_id: str
    name: str
    kind: str
    region: str
    profile: str
    file: str
    ticket_share: float  # share of the cooperative's ticket rows
    reach: tuple[float, float]  # chance that a Montréal / Québec City person is a patron
    age_lift: tuple[float, float, float]  # relative reach for ages 18-34, 35-54, 55+
    retention: float  # planted: chance that a patron comes back after each event
    local_share: float  # planted: chance that an event's headliner is from Québec
    month_weights: tuple[float, ...]  # January..December
    weekday_weights: tuple[float, ...]  # Monday..Sunday
    start_times: tuple[str, ...]
    fill: int  # typical ticket rows per event (sets the number of events)
    run_length: int  # performances per production (same title and artists)
    price_range: tuple[float, float]
    price_tiers: tuple[tuple[float, float], ...]  # (factor, weight)
    quantity_weights: tuple[float, ...]  # quantities 1, 2, 3...
    channels: tuple[tuple[str, float], ...]
    refund_rate: float
    exchange_rate: float
    cancel_rate: float  # individual cancellations
    event_cancel_rate: float  # whole events cancelled (every ticket cancelled)
    lead_days: float  # mean days between purchase and the event
    venues: tuple[Venue, ...]
    genres: tuple[tuple[str, float], ...]  # vendor labels and weights (main label)
    extra_genres: tuple[str, ...]  # second labels sometimes added
    languages_local: tuple[float, float, float, float]  # weights over EVENT_LANGUAGES
    languages_intl: tuple[float, float, float, float]
    birth_date_rate: float  # share of records with a birth date
    phone_rate: float
    accent_drop: float
    phone_styles: tuple[float, float, float, float, float]
    consent_rates: tuple[float, float, float]  # pooling, marketing, personalization
    duplicate_rate: float  # share of patrons with a second customer record
    ids: tuple[str, str, str, str]  # patron, event, order, ticket id styles
    id_start: tuple[int, int, int, int] = (1, 1, 1, 1)  # first number of each id sequence


ALL_MONTHS = (1.0,) * 12
SEASON = (1.0, 1.0, 1.0, 1.0, 0.8, 0.35, 0.0, 0.0, 0.7, 1.0, 1.0, 0.8)

MEMBERS: tuple[MemberSpec, ...] = (
    MemberSpec(
        member_id="jazz-dieze", name="Club de jazz Le Dièse", kind="jazz_club",
        region=REGION_MONTREAL, profile="canonical", file="jazz-dieze.csv",
        ticket_share=0.12, reach=(0.24, 0.05), age_lift=(0.8, 1.2, 1.0),
        retention=0.55, local_share=0.55,
        month_weights=(1.1, 1.0, 1.0, 1.0, 0.9, 0.9, 0.7, 0.7, 1.0, 1.1, 1.1, 1.1),
        weekday_weights=(0.0, 0.6, 0.8, 1.0, 1.3, 1.4, 0.8),
        start_times=("19:30", "21:30", "20:00", "22:00"), fill=110, run_length=2,
        price_range=(22.0, 45.0), price_tiers=((1.0, 0.85), (0.8, 0.15)),
        quantity_weights=(0.78, 0.18, 0.03, 0.01),
        channels=(("web", 0.6), ("box_office", 0.3), ("phone", 0.05), ("mobile", 0.05)),
        refund_rate=0.02, exchange_rate=0.003, cancel_rate=0.004, event_cancel_rate=0.01,
        lead_days=6.0,
        venues=(Venue("Le Dièse - salle principale", "H2X 2R7", 220),
                Venue("Le Dièse - mezzanine", "H2X 2R7", 90)),
        genres=(("jazz", 4.0), ("jazz vocal", 1.2), ("bebop", 0.8), ("latin jazz", 0.7),
                ("jazz manouche", 0.5), ("big band", 0.4), ("blues", 0.8), ("soul", 0.5),
                ("jazz fusion", 0.4), ("swing", 0.4)),
        extra_genres=("blues", "world music", "swing", "gospel"),
        languages_local=(0.3, 0.0, 0.1, 0.6), languages_intl=(0.0, 0.4, 0.0, 0.6),
        birth_date_rate=0.45, phone_rate=0.6, accent_drop=0.05,
        phone_styles=(0.3, 0.4, 0.1, 0.1, 0.1), consent_rates=(0.88, 0.4, 0.28),
        duplicate_rate=0.015, ids=("C{:06d}", "JD{:05d}", "O{:07d}", "T{:07d}"),
    ),
    MemberSpec(
        member_id="theatre-lilas", name="Théâtre des Lilas", kind="theatre",
        region=REGION_QUEBEC, profile="billetterie-fr", file="theatre-lilas.csv",
        ticket_share=0.18, reach=(0.17, 0.50), age_lift=(0.7, 1.0, 1.35),
        retention=0.45, local_share=0.8, month_weights=SEASON,
        weekday_weights=(0.1, 0.8, 1.0, 1.0, 1.1, 1.3, 0.7),
        start_times=("20:00", "20:00", "19:30", "14:00"), fill=220, run_length=14,
        price_range=(38.0, 68.0), price_tiers=((1.0, 0.65), (0.85, 0.2), (0.6, 0.15)),
        quantity_weights=(0.8, 0.16, 0.03, 0.01),
        channels=(("web", 0.55), ("box_office", 0.28), ("phone", 0.12), ("reseller", 0.03),
                  ("mobile", 0.02)),
        refund_rate=0.03, exchange_rate=0.012, cancel_rate=0.005, event_cancel_rate=0.008,
        lead_days=25.0,
        venues=(Venue("Théâtre des Lilas - grande salle", "G1K 3A9", 640),
                Venue("Théâtre des Lilas - salle Marie-Laberge", "G1K 3A9", 180)),
        genres=(("Théâtre", 3.0), ("Création", 1.5), ("Comédie dramatique", 1.2),
                ("Tragédie", 0.6), ("Théâtre contemporain", 1.0),
                ("Classique du théâtre", 0.7), ("Danse contemporaine", 0.5),
                ("Humour", 0.4), ("Jeune public", 0.4), ("Cirque", 0.2)),
        extra_genres=("Création", "Jeune public", "Danse"),
        languages_local=(0.95, 0.0, 0.05, 0.0), languages_intl=(0.7, 0.3, 0.0, 0.0),
        birth_date_rate=0.65, phone_rate=0.85, accent_drop=0.03,
        phone_styles=(0.6, 0.3, 0.05, 0.05, 0.0), consent_rates=(0.9, 0.45, 0.22),
        duplicate_rate=0.02, ids=("{:d}", "{:d}", "{:d}", "{:d}"),
        id_start=(100_001, 4_001, 700_001, 5_000_001),
    ),
    MemberSpec(
        member_id="festival-nuits", name="Festival Nuits Électriques", kind="festival",
        region=REGION_MONTREAL, profile="festival-jsonl", file="festival-nuits.jsonl",
        ticket_share=0.25, reach=(0.5, 0.22), age_lift=(1.8, 0.8, 0.25),
        retention=0.3, local_share=0.35,
        month_weights=(0.2, 1.2, 0.2, 0.2, 0.2, 2.0, 6.0, 3.0, 0.2, 0.2, 0.2, 0.3),
        weekday_weights=(0.4, 0.4, 0.6, 1.0, 1.5, 1.6, 1.0),
        start_times=("18:00", "20:00", "21:30", "23:00"), fill=600, run_length=1,
        price_range=(35.0, 95.0), price_tiers=((1.0, 0.6), (0.8, 0.3), (1.6, 0.1)),
        quantity_weights=(0.6, 0.3, 0.06, 0.04),
        channels=(("web", 0.45), ("mobile", 0.5), ("box_office", 0.05)),
        refund_rate=0.015, exchange_rate=0.002, cancel_rate=0.004, event_cancel_rate=0.012,
        lead_days=40.0,
        venues=(Venue("Scène du Quai", "H2Y 4B2", 8000), Venue("Hangar 16", "H2Y 2E2", 1800),
                Venue("Dôme Électrique", "H3C 1A9", 4500)),
        genres=(("techno", 2.0), ("house", 1.8), ("deep house", 1.0), ("electro", 1.2),
                ("drum and bass", 0.6), ("ambient", 0.3), ("trance", 0.3), ("disco", 0.4),
                ("hip-hop", 0.9), ("rap", 0.5), ("indie pop", 0.6)),
        extra_genres=("minimal", "disco", "edm", "afrobeat"),
        languages_local=(0.3, 0.0, 0.1, 0.6), languages_intl=(0.0, 0.25, 0.0, 0.75),
        birth_date_rate=0.85, phone_rate=0.3, accent_drop=0.12,
        phone_styles=(0.0, 0.1, 0.8, 0.0, 0.1), consent_rates=(0.85, 0.3, 0.35),
        duplicate_rate=0.012, ids=("u{:08x}", "evt_{:05d}", "ord_{:08d}", "tkt_{:08d}"),
    ),
    MemberSpec(
        member_id="osc-capitale", name="Orchestre symphonique de la Capitale", kind="orchestra",
        region=REGION_QUEBEC, profile="orchestra-tsv", file="osc-capitale.tsv",
        ticket_share=0.15, reach=(0.05, 0.38), age_lift=(0.5, 0.9, 1.7),
        retention=0.65, local_share=0.4,
        month_weights=(0.9, 1.0, 1.0, 1.0, 0.9, 0.5, 0.0, 0.0, 0.8, 1.0, 1.0, 1.3),
        weekday_weights=(0.0, 0.3, 1.0, 1.0, 0.8, 1.0, 0.9),
        start_times=("19:30", "20:00", "14:30"), fill=900, run_length=2,
        price_range=(40.0, 95.0),
        price_tiers=((1.6, 0.15), (1.25, 0.25), (1.0, 0.3), (0.7, 0.2), (0.45, 0.1)),
        quantity_weights=(0.75, 0.2, 0.04, 0.01),
        channels=(("web", 0.5), ("box_office", 0.2), ("phone", 0.25), ("reseller", 0.05)),
        refund_rate=0.03, exchange_rate=0.015, cancel_rate=0.004, event_cancel_rate=0.006,
        lead_days=60.0,
        venues=(Venue("Grande salle de la Capitale", "G1R 2B5", 1850),
                Venue("Salle Champlain", "G1K 4C8", 720)),
        genres=(("Symphonic", 3.0), ("Baroque", 0.8), ("Chamber Music", 0.6), ("Opera", 0.5),
                ("Choral", 0.5), ("Contemporary Classical", 0.4), ("Recital", 0.3),
                ("Family", 0.3)),
        extra_genres=("Choral", "Family", "Baroque"),
        languages_local=(0.1, 0.0, 0.1, 0.8), languages_intl=(0.0, 0.05, 0.1, 0.85),
        birth_date_rate=0.6, phone_rate=0.9, accent_drop=0.25,
        phone_styles=(0.7, 0.2, 0.1, 0.0, 0.0), consent_rates=(0.92, 0.5, 0.2),
        duplicate_rate=0.025, ids=("{:d}", "{:d}", "{:d}", "{:d}"),
        id_start=(800_001, 1_201, 3_000_001, 20_000_001),
    ),
    MemberSpec(
        member_id="musee-plateau", name="Musée des arts du Plateau", kind="museum",
        region=REGION_MONTREAL, profile="museum-xlsx", file="musee-plateau.xlsx",
        ticket_share=0.03, reach=(0.13, 0.06), age_lift=(0.9, 1.0, 1.1),
        retention=0.2, local_share=0.7,
        month_weights=(0.8, 0.8, 0.9, 0.9, 1.0, 1.1, 1.3, 1.3, 1.0, 0.9, 0.9, 1.0),
        weekday_weights=(0.0, 0.7, 0.8, 1.0, 0.9, 1.4, 1.4),
        start_times=("10:00", "11:30", "13:00", "14:30", "16:00"), fill=40, run_length=60,
        price_range=(18.0, 24.0),
        price_tiers=((1.0, 0.55), (0.8, 0.15), (0.6, 0.15), (0.0, 0.15)),
        quantity_weights=(0.5, 0.3, 0.1, 0.07, 0.03),
        channels=(("web", 0.4), ("box_office", 0.55), ("mobile", 0.05)),
        refund_rate=0.01, exchange_rate=0.002, cancel_rate=0.003, event_cancel_rate=0.004,
        lead_days=3.0,
        venues=(Venue("Musée des arts du Plateau", "H2J 2L4", 120),),
        genres=(("Contemporary art", 2.0), ("Photography", 1.2), ("Fine arts", 1.0),
                ("History", 0.8), ("Heritage", 0.5), ("Archaeology", 0.3)),
        extra_genres=("Family", "History"),
        languages_local=(0.1, 0.0, 0.9, 0.0), languages_intl=(0.0, 0.1, 0.9, 0.0),
        birth_date_rate=0.4, phone_rate=0.3, accent_drop=0.05,
        phone_styles=(0.2, 0.6, 0.1, 0.1, 0.0), consent_rates=(0.86, 0.33, 0.25),
        duplicate_rate=0.01, ids=("V-{:06d}", "EXH{:05d}", "TX{:07d}", "A{:07d}"),
    ),
    MemberSpec(
        member_id="billets-boreal", name="Billets Boréal", kind="reseller",
        region=REGION_MONTREAL, profile="canonical", file="billets-boreal.csv",
        ticket_share=0.27, reach=(0.38, 0.4), age_lift=(1.2, 1.0, 0.8),
        retention=0.35, local_share=0.45,
        month_weights=(0.9, 1.0, 1.1, 1.1, 1.0, 0.8, 0.6, 0.6, 1.0, 1.1, 1.1, 0.8),
        weekday_weights=(0.3, 0.5, 0.8, 1.0, 1.4, 1.5, 0.7),
        start_times=("19:30", "20:00", "20:00", "21:00"), fill=150, run_length=1,
        price_range=(45.0, 130.0),
        price_tiers=((1.0, 0.5), (1.35, 0.25), (2.0, 0.1), (0.8, 0.15)),
        quantity_weights=(0.55, 0.35, 0.06, 0.04),
        channels=(("web", 0.6), ("mobile", 0.34), ("reseller", 0.06)),
        refund_rate=0.04, exchange_rate=0.004, cancel_rate=0.005, event_cancel_rate=0.012,
        lead_days=45.0,
        venues=(Venue("Amphithéâtre Métropole", "H3B 5E8", 21000),
                Venue("Salle Ste-Catherine", "H2X 1Z7", 2300),
                Venue("Le Grand Hangar", "H2L 2C4", 2600),
                Venue("Club Lumière", "H2X 3K2", 900),
                Venue("Théâtre du Canal", "H3J 1N6", 1000),
                Venue("Colisée de la Capitale", "G1L 5A5", 18000),
                Venue("Impérial Saint-Roch", "G1K 3G1", 950)),
        genres=(("Rock", 1.6), ("Pop", 1.8), ("Hip-hop", 1.0), ("Rap québ", 0.5),
                ("Humour", 1.4), ("Chanson québécoise", 1.2), ("Indie rock", 0.8),
                ("Métal", 0.4), ("Country", 0.5), ("Variétés", 0.5)),
        extra_genres=("Pop rock", "Folk", "Stand-up", "Soul"),
        languages_local=(0.8, 0.0, 0.1, 0.1), languages_intl=(0.0, 0.85, 0.0, 0.15),
        birth_date_rate=0.3, phone_rate=0.5, accent_drop=0.15,
        phone_styles=(0.1, 0.3, 0.5, 0.0, 0.1), consent_rates=(0.84, 0.3, 0.3),
        duplicate_rate=0.015, ids=("BB{:07d}", "BB-E{:05d}", "BB-O{:08d}", "BB-T{:08d}"),
    ),
)
MEMBER_BY_ID: dict[str, MemberSpec] = {m.member_id: m for m in MEMBERS}

# Electronic labels the reseller uses for the rising trend.
TREND_LABELS: tuple[tuple[str, float], ...] = (
    ("Électro", 1.5), ("Musique électronique", 1.0), ("Techno", 0.6), ("House", 0.6),
)

# ---- artists --------------------------------------------------------------------------------
# Fictional acts. Solo artists are also built from names (Québec names for local artists).
LOCAL_JAZZ_BANDS = split_list("""
Beauport Brass, La Fanfare du Faubourg, Saint-Roch Soul, Les Petites Heures, Trio Bouleau,
Les Chats de ruelle, Quintette du Mile-End, Swing Limoilou
""")
INTL_JAZZ_BANDS = split_list("""
Berlin Session Trio, Havana Brass Union, Lagos Groove Society, Blue Orchard, Copper Lake,
Delta Moon, Kyoto Strings Jazz, The Midnight Ferry
""")
LOCAL_DJS = split_list("""
Verglas, Poudrerie, Nordet, Frimas, Kaméléon, Nuit Polaire, Sève, Bruine, Radio Limoilou,
DJ Érable, Glace Noire, Aurore
""")
INTL_DJS = split_list("""
Kobalt, Lumen Drift, Solveig, Marea, Tessellate, Orbital Youth, Nova Sound System, Satellite
Choir, Paper Comets, Glasshouse, Kintsugi, Low Tide
""")
LOCAL_POP = split_list("""
Les Cousins Bélanger, Lac-aux-Sables, Les Hirondelles, Baie-Comeau Social Club, Les Trois
Quais, Fleuve Noir, Les Tourtereaux, Rive-Sud Express, Les Marées, Charlevoix, Les Chiens de
Prairie, Cap-Rouge, Gaspésie, Les Sœurs Boréales
""")
INTL_POP = split_list("""
The Lantern Collective, Northbound Trains, Velvet Harbour, Glass Animals Club, Satellite Hearts,
Copper Lake, Delta Moon, Paper Kites Club, Golden Hour, Wild Meadow
""")
LOCAL_COMPANIES = split_list("""
Compagnie Les Têtes Chercheuses, Théâtre de la Grève, Collectif Rive-Nord, Théâtre du Bas-Côté,
Compagnie du Vieux-Port, Ensemble Bouleau, Théâtre des Lilas
""")
INTL_COMPANIES = split_list("""
Compagnie du Hasard (Lyon), Théâtre de l'Ourcq (Paris), Bristol Playhouse Company,
Compagnie Lumière de Bruxelles, Teatro Sole (Milan)
""")
LOCAL_ENSEMBLES = split_list("Quatuor Laurentides, Orchestre de chambre de Limoilou, Choeur de la Capitale")
INTL_ENSEMBLES = split_list("Camerata Lisboa, Ensemble Aurora, Kyoto String Quartet")
INTL_GIVEN = split_list("""
Amara, Lukas, Inès, Kenji, Astrid, Mateus, Chiara, Elena, Nikolai, Yuki, Tariq, Zanele, Björn,
Aurélie, Jonas, Lucía, Marco, Sven, Noor, Kwame, Ingrid, Paolo, Anya, Rafael, Hiroshi, Maren
""")
INTL_SURNAMES = split_list("""
Okafor, Brandt, Moreau, Watanabe, Lindqvist, Oliveira, Bianchi, Petrova, Volkov, Tanaka,
Haddadi, Dlamini, Eriksson, Dupont, Fischer, Fernández, Conti, Nyström, Rahman, Mensah,
Halvorsen, Marino, Kowalczyk, Acosta, Sato, Jansen
""")
JAZZ_FORMATS = ("Trio", "Quartet", "Quintet", "Quartette", "Sextet", "Big Band")
INSTRUMENTS = ("piano", "violon", "violoncelle", "soprano", "baryton", "clarinette", "cor",
               "harpe", "guitare", "alto", "trompette", "flûte")
HOUSE_CONDUCTOR_LOCAL = ("Geneviève Fortin", "Mathieu Lavoie")
HOUSE_CONDUCTOR_INTL = ("Ingrid Halvorsen", "Marco Conti")

# ---- titles ---------------------------------------------------------------------------------
THEATRE_TITLES = split_list("""
La Maison aux lilas, Le Dernier Hiver, Hamlet, Le Misanthrope, L'Avare, Roméo et Juliette,
Les Trois Sœurs, La Cerisaie, Le Tartuffe, En attendant le dégel, Les Voisins du dessus,
Bord de mer, Les Fous de Bassan, Le Quai des brumes, La Traversée, Cendres et lumières,
Une nuit à Limoilou, Les Chaises vides, Le Bal des oubliés, Antigone, Dom Juan, Phèdre,
La Noce, Les Héritiers, Le Silence des glaces, Petite sirène (jeune public),
Le Grand Déménagement, Trois jours de pluie, La Veillée, Les Oiseaux de passage,
Nos belles années, Le Procès, Faire le mort, L'Hiver de force, La Dompteuse de vent
""")
ORCHESTRA_TITLES = split_list("""
Beethoven 5, Mahler 2 : Résurrection, Les Quatre Saisons, Symphonie fantastique,
Casse-Noisette, Le Messie de Haendel, Carmina Burana, Brahms et Schumann, Requiem de Mozart,
Tchaïkovski 6 : Pathétique, Dvorák : Du Nouveau Monde, Rachmaninov 2, Ravel et Debussy,
Le Sacre du printemps, Sibelius 2, Bach : Passion selon saint Jean, Concert jeunesse,
Musiques de films, Symphonie alpestre, Chostakovitch 5, Schubert : Inachevée, Bruckner 7,
Vivaldi à la chandelle, Gershwin et Bernstein, Mozart 40, Haydn : La Création
""")
EXHIBITION_TITLES = split_list("""
Lumières du Nord, Photographier Montréal 1950-1980, Terres et mémoires, Le Plateau en couleurs,
Visages du fleuve, Matières premières, Riopelle et ses contemporains, Archives du quotidien,
Nouvelles voix autochtones, L'Atelier ouvert, Paysages intérieurs, Mode et métissage,
Cartographies intimes, Le Temps des cerises, Graffiti et patrimoine, Verre et lumière
""")
JAZZ_HOMAGES = ("Oscar Peterson", "Oliver Jones", "Ella Fitzgerald", "Billie Holiday",
                "Thelonious Monk", "Charles Mingus", "Nina Simone", "Duke Ellington")
TOUR_NAMES = split_list("""
Tournée Nordique, Hiver Doux Tour, Retour aux sources, Grand Nord Tour, Les Années Lumière,
Midnight Roads Tour, Electric Dreams Tour, La Tournée des Quais, Under the Aurora Tour,
Summer Static Tour, Rouge Tour, En spectacle, Le Show de l'année, Unplugged, Acoustique
""")
