"""Add or update French translations in one catalog: `python scripts/po_add.py AREA FILE.json`.

FILE.json maps English message ids to French. Keeps the catalog sorted and valid.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

area, source = sys.argv[1], Path(sys.argv[2])
path = Path("src/culturecoop/locale/fr/LC_MESSAGES") / f"{area}.po"
if path.exists():
    with path.open("rb") as f:
        catalog = read_po(f)
else:
    catalog = Catalog(locale="fr")
for msgid, msgstr in json.loads(source.read_text()).items():
    found = catalog.get(msgid)
    if found is None:
        catalog.add(msgid, msgstr)
    else:  # Catalog.add keeps an existing translation: an update sets it
        found.string = msgstr
with path.open("wb") as f:
    write_po(f, catalog, width=0, sort_output=True, omit_header=False)
print(f"{path}: {len(catalog)} messages")
