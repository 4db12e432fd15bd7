"""A member named on the command line that the warehouse does not hold: one sentence, wherever it is asked.

A member is named by its identifier (``jazz-dieze``); its staff know it by its name (« Jazz Dièse »). A
refusal names the members and, when one is close, the one meant: by its identifier (« jazz-dieez »), or by
its name written as its staff write it (« Jazz Dièse », « jazz dieze », « Le Jazz Dièse »).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from culturecoop.errors import UserError
from culturecoop.folding import fold
from culturecoop.i18n import _


def _folded(text: str) -> str:
    """Lower case, no accent, words only: « Théâtre des Lilas » and « theatre-des-lilas » fold alike."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


# The rows every function below reads: each member's identifier and name.
MEMBERS_SQL = "SELECT member_id, name FROM member ORDER BY member_id"


def closest_member(given: str, members: Sequence[Mapping[str, Any]]) -> tuple[str, str | None] | None:
    """The member ``given`` most likely means (``members``: rows of ``MEMBERS_SQL``), as (identifier, name when
    it was found by its name), or None."""
    folded = _folded(given)
    for row in members:  # the name itself, or the identifier, however written
        member_id, name = str(row["member_id"]), row["name"]
        if folded and folded in (_folded(member_id), _folded(name or "")):
            return member_id, name if folded == _folded(name or "") else None
    close = difflib.get_close_matches(given, [str(row["member_id"]) for row in members], n=1, cutoff=0.5)
    if close:
        return close[0], None
    names = {_folded(row["name"]): (str(row["member_id"]), row["name"]) for row in members if row["name"]}
    by_name = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.6)
    return names[by_name[0]] if by_name else None


def unknown_member(given: str, members: Sequence[Mapping[str, Any]]) -> UserError:
    """The refusal of a member the warehouse does not hold (``members``: rows of ``MEMBERS_SQL``), naming the
    members and the closest one."""
    if not given.strip():  # « There is no member  in the warehouse » read as if it held none
        return UserError(_("The member identifier is empty; give --member, e.g. --member jazz-dieze."))
    if not members:
        return UserError(_("The warehouse holds no member yet; load packages with `culturecoop ingest` first."))
    found = closest_member(given, members)
    listed = ", ".join(str(row["member_id"]) for row in members)
    if not found:  # one sentence, as a form's refusal reads on a page
        return UserError(_("There is no member {member} in the warehouse; members: {members}.").format(
            member=given, members=listed))
    hint = (_(" Did you mean {close} ({name})?").format(close=found[0], name=found[1]) if found[1]
            else _(" Did you mean {close}?").format(close=found[0]))
    return UserError(_("There is no member {member} in the warehouse.{hint} Members: {members}.").format(
        member=given, hint=hint, members=listed))


def require_member(members: Sequence[Mapping[str, Any]], given: str) -> tuple[str, ...]:
    """The members' identifiers (``members``: rows of ``MEMBERS_SQL``); refuses ``given`` unless it is one."""
    ids = tuple(str(row["member_id"]) for row in members)
    if given not in ids:
        raise unknown_member(given, members)
    return ids
