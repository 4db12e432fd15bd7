"""The cooperative's genre taxonomy and the vendor labels that map to it.

Vendors label genres in French or English, with accents, plurals and sub-genres; `prepare`
folds every label to one of ``GENRES`` through ``GENRE_SYNONYMS`` (keys are lower-case,
accent-free labels). A label that maps to nothing becomes ``other`` and is counted.
"""

from __future__ import annotations

GENRES: tuple[str, ...] = (
    "jazz",
    "blues",
    "classical",
    "opera",
    "chanson",
    "pop",
    "rock",
    "hip_hop",
    "electronic",
    "folk_trad",
    "world",
    "theatre",
    "dance",
    "comedy",
    "circus",
    "visual_arts",
    "heritage",
    "family",
    "other",
)

GENRE_LABELS: dict[str, tuple[str, str]] = {
    # genre: (French, English) display names.
    "jazz": ("Jazz", "Jazz"),
    "blues": ("Blues", "Blues"),
    "classical": ("Musique classique", "Classical"),
    "opera": ("Opéra", "Opera"),
    "chanson": ("Chanson", "Chanson"),
    "pop": ("Pop", "Pop"),
    "rock": ("Rock", "Rock"),
    "hip_hop": ("Hip-hop", "Hip-hop"),
    "electronic": ("Musique électronique", "Electronic"),
    "folk_trad": ("Folk et trad", "Folk & trad"),
    "world": ("Musiques du monde", "World music"),
    "theatre": ("Théâtre", "Theatre"),
    "dance": ("Danse", "Dance"),
    "comedy": ("Humour", "Comedy"),
    "circus": ("Cirque", "Circus"),
    "visual_arts": ("Arts visuels", "Visual arts"),
    "heritage": ("Histoire et patrimoine", "History & heritage"),
    "family": ("Jeune public", "Family"),
    "other": ("Autre", "Other"),
}

GENRE_SYNONYMS: dict[str, str] = {
    **{g: g for g in GENRES},
    **{g.replace("_", " "): g for g in GENRES},
    **{g.replace("_", "-"): g for g in GENRES},
    # jazz & blues
    "jazz vocal": "jazz", "jazz manouche": "jazz", "bebop": "jazz", "swing": "jazz",
    "jazz fusion": "jazz", "latin jazz": "jazz", "jazz latin": "jazz", "big band": "jazz",
    "rhythm and blues": "blues", "r&b": "blues", "soul": "blues", "gospel": "blues",
    # classical & opera
    "musique classique": "classical", "classique": "classical", "symphonique": "classical",
    "symphonic": "classical", "orchestral": "classical", "musique de chambre": "classical",
    "chamber music": "classical", "baroque": "classical", "contemporain": "classical",
    "contemporary classical": "classical", "recital": "classical", "choral": "classical",
    "opera": "opera", "operette": "opera", "operetta": "opera", "art lyrique": "opera",
    # songs, pop, rock, hip-hop
    "chanson francophone": "chanson", "chanson quebecoise": "chanson", "auteur-compositeur": "chanson",
    "singer-songwriter": "chanson", "variete": "pop", "varietes": "pop", "pop rock": "pop",
    "indie pop": "pop", "pop indie": "pop", "rock alternatif": "rock", "alternative rock": "rock",
    "indie rock": "rock", "metal": "rock", "punk": "rock", "hard rock": "rock",
    "rap": "hip_hop", "hip hop": "hip_hop", "hiphop": "hip_hop", "rap queb": "hip_hop",
    # electronic
    "electro": "electronic", "musique electronique": "electronic", "techno": "electronic",
    "house": "electronic", "deep house": "electronic", "drum and bass": "electronic",
    "dnb": "electronic", "ambient": "electronic", "edm": "electronic", "trance": "electronic",
    "minimal": "electronic", "disco": "electronic",
    # folk, trad, world
    "folk": "folk_trad", "trad": "folk_trad", "musique traditionnelle": "folk_trad",
    "traditional": "folk_trad", "country": "folk_trad", "bluegrass": "folk_trad",
    "world music": "world", "musiques du monde": "world", "musique du monde": "world",
    "latin": "world", "reggae": "world", "afrobeat": "world", "flamenco": "world",
    # stage
    "theatre": "theatre", "piece de theatre": "theatre", "drame": "theatre", "drama": "theatre",
    "tragedie": "theatre", "comedie dramatique": "theatre", "creation": "theatre",
    "theatre contemporain": "theatre", "classique du theatre": "theatre",
    "danse": "dance", "danse contemporaine": "dance", "contemporary dance": "dance",
    "ballet": "dance", "humour": "comedy", "stand-up": "comedy", "stand up": "comedy",
    "comedie": "comedy", "cirque": "circus", "arts du cirque": "circus",
    # museums
    "arts visuels": "visual_arts", "visual arts": "visual_arts", "art contemporain": "visual_arts",
    "contemporary art": "visual_arts", "exposition": "visual_arts", "exhibition": "visual_arts",
    "photographie": "visual_arts", "photography": "visual_arts", "beaux-arts": "visual_arts",
    "fine arts": "visual_arts", "histoire": "heritage", "history": "heritage",
    "patrimoine": "heritage", "heritage": "heritage", "archeologie": "heritage",
    "archaeology": "heritage", "sciences": "heritage",
    "jeune public": "family", "famille": "family", "family": "family", "enfants": "family",
    "kids": "family",
}
