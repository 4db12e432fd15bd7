"""What reading an interaction log and an item table gives: the arrays ``reco evaluate`` learns from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class InteractionLog:
    users: np.ndarray  # distinct user ids (str)
    item_ids: np.ndarray  # distinct item ids (str), in the item table's order
    user: np.ndarray  # per interaction: index into users
    item: np.ndarray  # per interaction: index into item_ids
    time: np.ndarray  # per interaction: Unix seconds
    # The file's header of each required column (``user_id`` → ``userId``...; None: not in the file).
    columns: dict[str, str | None] | None = None
    # Other columns of item ids (Amazon's reviews: ``parent_asin`` besides ``asin``), header → the
    # value per interaction: the item table may key its items by one of them (``read_items``).
    alternates: dict[str, np.ndarray] = field(default_factory=dict)
    # Read without a header row (columns taken by position): which holds the users and which the
    # items is then a guess the item table's ids can settle (``orient``).
    by_position: bool = False


@dataclass
class ItemTable:
    ids: np.ndarray
    columns: dict[str, list[str | None]]  # feature columns, one value per item
    first_available: np.ndarray | None  # Unix seconds, NO_TIME when not given
    # What reading the table found that the report should say (sentences, in the reader's language).
    notes: list[str] = field(default_factory=list)
    # Columns read but no feature, each with what they are (``row number``: pandas' index).
    ignored: dict[str, str] = field(default_factory=dict)
    # Counts of the reading: rows, ids written otherwise than in the log, log items without a row,
    # rows left out for want of an interaction (``keep_items``).
    summary: dict[str, int] = field(default_factory=dict)
