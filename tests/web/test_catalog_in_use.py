"""The web catalog holds what the pages say, not what they said: after the last session's rewording
(« Lift », « q value », « CI low », « Comparable events (10th–90th percentile) »…) 70 of its entries were
said by no code any more, and a translator kept translating them. No page is opened here."""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "culturecoop"
# FastAPI's own words on the API page (/docs translates each response's description).
FRAMEWORK = {"Successful Response", "Validation Error"}


def said_somewhere() -> tuple[set[str], str]:
    """Every string the package's Python holds (a docstring's line breaks read as spaces, as /docs shows
    it), and the text of its templates, scripts and data files."""
    strings: set[str] = set()
    for source in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings |= {node.value, " ".join(node.value.split())}
    other = "\n".join(f.read_text(encoding="utf-8") for pattern in ("*.html", "*.js", "*.yaml", "*.json")
                      for f in SRC.rglob(pattern))
    return strings, other


def test_every_entry_of_the_web_catalog_is_said_by_the_package() -> None:
    strings, other = said_somewhere()
    with (SRC / "locale" / "fr" / "LC_MESSAGES" / "web.po").open("rb") as catalog:
        entries = [str(m.id) for m in read_po(catalog) if m.id and isinstance(m.id, str)]
    unused = [m for m in entries if m not in strings and " ".join(m.split()) not in strings and m not in FRAMEWORK
              and m not in other and m.replace('"', '\\"') not in other]
    assert len(entries) > 900 and not unused, f"{len(unused)} entries said by no code:\n" + "\n".join(unused)
