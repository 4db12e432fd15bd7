"""One word for a patron in the reader's French: « clients », as most pages say it. `prepare` printed
« Lignes du paquet : Événements 2, Clients 35 » while the member app and the load summary said
« 700 spectateurs » and « 1 spectateur »; « spectateurs » is left to an event's attendees."""

from __future__ import annotations

import re

from culturecoop.i18n import catalog


def test_a_patron_is_a_client_in_every_french_sentence() -> None:
    said = {msgid: text for msgid, text in catalog("fr").items()
            if re.search(r"spectat", text, re.IGNORECASE) and not re.search(r"\battendees?\b", msgid, re.IGNORECASE)}
    assert not said, "a patron called « spectateur »:\n" + "\n".join(f"{m} → {t}" for m, t in said.items())
    french = catalog("fr")
    assert (french["{n} patron"], french["{n} patrons"]) == ("{n} client", "{n} clients")
