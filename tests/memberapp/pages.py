"""Reading the member app's pages as their reader does: the words, a section's words, the form's token;
and an export as a Québec box office writes it."""

from __future__ import annotations

import html
import re

HEADER = "No billet;No client;Courriel;Date achat;Spectacle;Titre;Date spectacle;Prix;Qté;Statut\n"


def box_office_rows(n: int) -> str:
    """``n`` sales of one show, priced as a Québec box office writes them (« 46,50 $ »)."""
    return HEADER + "".join(
        f"B{i};C{i % 700};p{i % 700}@exemple.test;11/01/2026 16:47;S1;Soirée Coltrane;20/05/2026 20:00;46,50 $;1;Payé\n"
        for i in range(n))


def text(page: str) -> str:
    """The page's words, tags and spacing aside (no-break spaces read as spaces)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u202f", " ").replace("\xa0", " ").split())


def section(page: str, card: str) -> str:
    """The words of the page's card ``card`` (``check``, ``package``…)."""
    found = re.search(rf'<section class="card" id="{card}">(.*?)</section>', page, re.S)
    assert found, f"no card {card}"
    return text(found.group(1))


def csrf(page: str) -> str:
    """The form token the page carries."""
    return re.findall(r'name="csrf" value="([^"]+)"', page)[0]


def form_fields(page: str) -> dict[str, str]:
    """The mapping form's fields as the browser sends them (its token, each list's choice, each text)."""
    form = re.search(r'<form method="post" action="/exports/\w+/mapping" class="mapping">(.*?)</form>', page, re.S)
    assert form
    data = {"csrf": csrf(page), "action": "form"}
    for name, options in re.findall(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', form.group(1), re.S):
        chosen = re.search(r'<option value="([^"]*)"\s*selected', options) or re.search(r'<option value="([^"]*)"', options)
        assert chosen
        data[name] = html.unescape(chosen.group(1))
    for name, value in re.findall(r'<input (?:id="[^"]*"|type="hidden") name="([^"]+)" value="([^"]*)"[^>]*>', form.group(1)):
        data[name] = html.unescape(value)
    data["csrf"] = csrf(page)
    basis = re.search(r'name="consent_basis"[^>]*>(.*?)</textarea>', form.group(1), re.S)
    assert basis
    data["consent_basis"] = html.unescape(basis.group(1))
    return data
