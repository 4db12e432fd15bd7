"""The item table's ids against the log's: which column holds them, written how, in which order.

A table keyed by another id column than the log's (Goodbooks' ``id``/``book_id``, Amazon's
``parent_asin``), ids written otherwise (``0012`` for ``12``), a headerless log listing the item
first: each is settled from the ids both files share, or said in one sentence, never silently.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from culturecoop.errors import UserError
from culturecoop.i18n import _
from culturecoop.reco.features import is_identifier
from culturecoop.reco.id_writing import normal_id, normal_ids
from culturecoop.reco.log_arrays import InteractionLog
from culturecoop.reco.log_columns import ALIASES, resolve_columns, squeeze

# A headerless log is read item first when the item table holds at least this share of its first
# column's ids, and at most a tenth of that share of the second's (``orient``).
ORIENT_SHARE = 0.5
ORIENT_RATIO = 10


def orient(log: InteractionLog, names: list[str], rows: list[tuple[Any, ...]]) -> list[str]:
    """A log read without a header row takes its first column as the user and its second as the
    item (``names_by_position``); a file listing the item first (``item,user,rating,time``, as shops
    publish ratings) would be read the other way round, silently. The item table settles it: when it
    holds most of the ids of the column read as the user (``ORIENT_SHARE``) and few of the column
    read as the item (``ORIENT_RATIO`` times fewer, as a share), the two are swapped in place. Numbers
    shared by both (MovieLens' users 1 to 943 among films 1 to 1682) settle nothing: the order stays.
    Returns what the report should say: the swap, or a doubt the table raised but could not settle."""
    if not log.by_position or log.columns is None:
        return []
    aliases = {"itemid", *ALIASES["item_id"]}
    candidates = [n for n, c in enumerate(names) if n == 0 or c == "item_id" or is_identifier(c) or squeeze(c) in aliases]
    columns = [set(normal_ids(rows, n)) for n in candidates]

    def share(ids: np.ndarray) -> float:
        normal = {normal_id(v) for v in ids.tolist()}
        return max((len(normal & column) / len(normal) for column in columns), default=0.0) if normal else 0.0

    as_user, as_item = share(log.users), share(log.item_ids)
    user_column, item_column = log.columns["user_id"], log.columns["item_id"]
    if as_user >= ORIENT_SHARE and as_item * ORIENT_RATIO <= as_user:
        log.users, log.item_ids = log.item_ids, log.users
        log.user, log.item = log.item, log.user
        log.columns["user_id"], log.columns["item_id"] = item_column, user_column
        return [_("The log has no header row and the item table holds the ids of its column {item}, not those of {user}: {item} was read as the item and {user} as the user.").format(
            item=user_column, user=item_column)]
    if as_user > as_item:
        return [_("The log has no header row: its column {user} was read as the user and {item} as the item, although the item table holds more of {user}'s ids than of {item}'s; if the file lists the item first, add a header row (user_id,item_id,timestamp).").format(
            user=user_column, item=item_column)]
    return []


def unoriented(log: InteractionLog) -> list[str]:
    """What the report says of a log read without a header row and without an item table: which
    column was taken for what, with nothing to tell (``orient`` needs the table's ids)."""
    if not log.by_position or log.columns is None:
        return []
    return [_("The log has no header row: its column {user} was read as the user and {item} as the item, as nothing else tells them apart; if the file lists the item first (item, user, rating, time), give --items FILE, whose ids tell which column holds the items, or add a header row (user_id,item_id,timestamp).").format(
        user=log.columns["user_id"], item=log.columns["item_id"])]


def key_log_as_the_table(log: InteractionLog, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    """When the log has several item id columns (Amazon's reviews: ``asin``, the variant bought, and
    ``parent_asin``, the product) and the table's ids are another of them than the one the log was
    read by (Amazon's metadata is keyed by ``parent_asin``), the log is read by that one (in place):
    otherwise no item would have a feature, or the sentence would say the files do not match."""
    if not log.alternates:
        return
    aliases = {"itemid", *ALIASES["item_id"]}
    columns = [normal_ids(rows, n) for n, c in enumerate(names) if is_identifier(c) or squeeze(c) in aliases]

    def shared(ids: np.ndarray) -> int:
        known = {normal_id(v) for v in set(ids.tolist())}
        return max((sum(v in known for v in column) for column in columns), default=0)

    best, best_shared = None, shared(log.item_ids)
    for header, values in log.alternates.items():
        if (values == "").any():
            continue  # a row without that id would become an item called "": never switched to
        count = shared(values)
        if count > best_shared:
            best, best_shared = header, count
    if best is None:
        return
    values = log.alternates.pop(best)
    if log.columns is not None:
        previous = log.columns.get("item_id")
        if previous is not None:
            log.alternates[previous] = log.item_ids[log.item]
        log.columns["item_id"] = best
    log.item_ids, item = np.unique(values, return_inverse=True)
    log.item = item.astype(np.int64)


def id_column(names: list[str], rows: list[tuple[Any, ...]], log: InteractionLog) -> str | None:
    """Which column of the item table holds the log's item ids: the one named so (``item_id``, its
    aliases, else the log's own header), unless another id column (``id``, ``…_id``) matches more of the
    log's items — Goodbooks-10k's ``books.csv`` has ``id``, ``book_id`` and ``work_id``, and only
    one of them is what the ratings call ``book_id``: taking the wrong one would describe every
    item with another's features, silently. Without a column named so, the id column that holds the
    log's ids (Last.fm's ``artists.dat``: ``id``, for the log's ``artistID``); None when none does.
    Ids are compared as ``normal_id`` writes them."""
    logged = (log.columns or {}).get("item_id")
    named = resolve_columns(names, ("item_id",)).get("item_id")
    if named is None and logged and logged.strip().lower() in names:
        named = logged.strip().lower()
    aliases = {"itemid", *ALIASES["item_id"]}
    candidates = [c for c in names if c == named or is_identifier(c) or squeeze(c) in aliases]
    if not candidates or (named is not None and len(candidates) < 2):
        return named
    known = {normal_id(v) for v in log.item_ids.tolist()}
    shared = {c: sum(v in known for v in normal_ids(rows, names.index(c))) for c in candidates}
    best = max(candidates, key=lambda c: (shared[c], c == named))
    if shared[best] > 0:
        return best
    # Several id columns, none holding the log's ids: the first, for the sentence saying so.
    return named if named is not None or len(candidates) < 2 else best


def matched_ids(ids: list[str], log: InteractionLog, path: Path) -> tuple[list[str], int]:
    """The table's ids as the log writes them, and how many were written otherwise. Id by id: a row
    whose id the log does not have takes the log's writing of it (``normal_id``: ``0012`` for ``12``)
    when the log has no row of that id in the table, and neither the table nor the log writes that
    id twice (two rows are never merged into one item, nor two of the log's items). When still
    not one id is shared, the table describes other items: one sentence, not a silent evaluation
    without any feature."""
    logged = log.item_ids.tolist()
    known = set(logged)
    table = set(ids)
    rows_by_normal = Counter(normal_id(v) for v in ids)
    log_by_normal = Counter(normal_id(v) for v in logged)
    homeless = {normal_id(v): v for v in logged if v not in table}
    matched = []
    rewritten = 0
    for v in ids:
        normal = normal_id(v)
        if v not in known and normal in homeless and rows_by_normal[normal] == 1 and log_by_normal[normal] == 1:
            matched.append(homeless[normal])
            rewritten += 1
        else:
            matched.append(v)
    if matched and not any(v in known for v in matched):
        raise UserError(_("{path} shares no item_id with the interaction log (the table's first: {table}; the log's first: {log}); give the item table of the same catalogue, with the same ids.").format(
            path=path, table=ids[0], log=logged[0]))
    return matched, rewritten
